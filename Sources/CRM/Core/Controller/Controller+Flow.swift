import Membership
import Messaging

extension Controller {
    mutating func viewInstalled(_ view: ControllerView, at now: Instant) -> [Directive] {
        // A member that left after recording itself expected down shut down cleanly: every replica holds that
        // record at this point of the stream, so every tracker agrees and nobody fences it.
        for (node, state) in nodes.states where state == .online && !view.members.contains(node) {
            let xpath = "/cib/status/node_state[@id='\(node)'][@expected='down']"
            if let found = try? replication.document.cib.xml.select(xpath), !found.isEmpty {
                _ = nodes.handle(.shutDownCleanly(node))
            }
        }
        var directives = nodeDirectives(nodes.handle(.viewInstalled(view, isDC: false)), at: now)
        if engine.isRunning {
            // The view changed: results of actions in flight may never come; a new DC starts afresh.
            engine = TransitionEngine(controllerUUID: engine.controllerUUID)
            directives.append(.notice("transition abandoned: membership changed"))
        }
        policy = PolicyTrigger(nextTransitionID: policy.nextTransitionID)
        readiness = ReadinessBarrier(view: view.id)
        return directives + replicate(.viewInstalled(view), at: now)
    }

    mutating func delivered(_ message: ControllerMessage, from sender: NodeID, at now: Instant) -> [Directive] {
        switch message {
        case .update(let id, let body, _):
            if CIBUpdateBody.tag(of: body) == CIBUpdateBody.transitionResultTag { resultUpdates.insert(id) }
        case .actionRequested(let viewID, let target, let transitionID, let action, let key):
            guard viewID == replication.view?.id, target == configuration.node else { return [] }
            localInFlight.insert("\(transitionID):\(action.id)")
            return [.executeLocally(transitionID: transitionID, action, transitionKey: key)]
        case .memberReady(let viewID):
            guard viewID == readiness.view else { return [] }
            readiness.ready.insert(sender)
            return []
        case .actionFinished(let viewID, let transitionID, let actionID, let result):
            guard viewID == replication.view?.id, isDC, engine.graph?.transitionID == transitionID else { return [] }
            return runEngine(.actionCompleted(actionID: actionID, result, at: now), at: now, recordsResults: false)
        default:
            break
        }
        return replicate(.messageDelivered(from: sender, message), at: now)
    }

    /// Feeds the replica and turns its directives into the controller's.
    mutating func replicate(_ event: CIBReplication<XMLReplicatedCIB>.Event, at now: Instant?) -> [Directive] {
        var directives: [Directive] = []
        for directive in replication.handle(event) {
            switch directive {
            case .broadcast(let message):
                directives.append(.broadcast(message))
            case .persist(let sequence, let lineage, let version):
                directives.append(.persist(sequence: sequence, lineage: lineage, version: version))
            case .complete(let id, let outcome):
                if let body = internalBodies.removeValue(forKey: id) {
                    internalPending.remove(id)
                    resultUpdates.remove(id)
                    let isRegenerated = regeneratedUpdates.remove(id) != nil
                    if outcome == .interrupted || outcome == .noQuorum {
                        // A state write the next election writes afresh is dropped: sent again now it could
                        // land after that newer write and undo it.
                        if !isRegenerated { directives += submitInternal(body, at: now) }
                    } else if case .rejected(_, let message) = outcome {
                        directives.append(.notice("a controller update was rejected: \(message)"))
                    } else if body == shutdownBody {
                        shutdownBody = nil
                        directives.append(.shutdownComplete)
                    }
                    continue
                }
                if internalPending.remove(id) == nil, id.incarnation == configuration.incarnation,
                    !resultUpdates.contains(id)
                {
                    directives.append(.completeUpdate(id, outcome))
                } else if case .rejected(_, let message) = outcome {
                    directives.append(.notice("a controller update was rejected: \(message)"))
                }
                resultUpdates.remove(id)
            case .dcElected(let dc, let viewID):
                directives += elected(dc, view: viewID, at: now)
            case .documentChanged(_, let update):
                guard isDC else { continue }
                // A replaced configuration (`cibadmin --replace`) may have dropped the properties the DC
                // records; they are written again. Nothing is written while they are as they should be.
                directives += writeProperties(at: now)
                if let update, resultUpdates.contains(update) { continue }
                policy.isDirty = true
                if engine.isRunning, let now {
                    directives += runEngine(.abortRequested(reason: "the CIB changed", at: now), at: now, recordsResults: true)
                }
            case .replicaFault(let reason):
                directives.append(.notice(reason))
            }
        }
        return directives
    }

    private mutating func elected(_ dc: NodeID, view viewID: ViewID, at now: Instant?) -> [Directive] {
        var directives: [Directive] = [.notice("DC elected: \(configuration.names[dc] ?? "\(dc)")")]
        directives += rewriteOwnHistory(at: now)
        guard dc == configuration.node, let view = replication.view else { return directives }
        policy.isDirty = true
        if let body = try? StatusUpdates.quorumAndDC(isQuorate: view.isQuorate, dcID: "\(dc)") {
            directives += submitInternal(body, at: now, isRegenerated: true)
        }
        directives += writeProperties(at: now)
        directives += nodeDirectives(nodes.handle(.viewInstalled(view, isDC: true)), at: now)
        directives += keepShutdownsDown(view, at: now)
        directives += markUnseenNodesOutside(view, at: now)
        directives += listConfiguredNodes(at: now)
        return directives
    }

    /// The DC's cluster properties (`dc-version`, …), submitted only when the CIB's values differ.
    private mutating func writeProperties(at now: Instant?) -> [Directive] {
        guard let properties = configuration.properties,
            let body = try? properties.update(for: replication.document.cib.xml)
        else { return [] }
        return submitInternal(body, at: now, isRegenerated: true)
    }

    /// A member that finished its clean shutdown (recorded `expected="down"`, its `shutdown` attribute still
    /// set) but has not left yet stays expected down: the tracker just wrote every member `expected="member"`,
    /// which would make its departure look like a failure.
    private mutating func keepShutdownsDown(_ view: ControllerView, at now: Instant?) -> [Directive] {
        var directives: [Directive] = []
        for node in view.members {
            let xpath = "/cib/status/node_state[@id='\(node)'][@expected='down']/transient_attributes"
                + "/instance_attributes/nvpair[@name='shutdown'][@value!='0']"
            guard let found = try? replication.document.cib.xml.select(xpath), !found.isEmpty,
                let body = try? StatusUpdates.nodeState(
                    nodeID: "\(node)", name: configuration.names[node] ?? "\(node)", inMembership: true,
                    controllerOnline: true, join: "member", expected: "down")
            else { continue }
            directives += submitInternal(body, at: now, isRegenerated: true)
        }
        return directives
    }

    /// Lists every configured node (ha.cf) missing from the configuration's `nodes` section.
    private mutating func listConfiguredNodes(at now: Instant?) -> [Directive] {
        let listed = Set(
            ((try? replication.document.cib.xml.select("/cib/configuration/nodes/node")) ?? []).compactMap {
                $0[attribute: "id"]
            })
        let missing = configuration.names.sorted { $0.key < $1.key }.filter { !listed.contains("\($0.key)") }
        guard !missing.isEmpty,
            let body = try? StatusUpdates.configuredNodes(missing.map { (id: "\($0.key)", name: $0.value) })
        else { return [] }
        return submitInternal(body, at: now, isRegenerated: true)
    }

    mutating func nodeDirectives(_ list: [NodeStatusTracker.Directive], at now: Instant?) -> [Directive] {
        var directives: [Directive] = []
        for directive in list {
            switch directive {
            case .submit(let body): directives += submitInternal(body, at: now, isRegenerated: true)
            case .abortTransition(let reason): directives.append(.notice(reason))
            }
        }
        return directives
    }

    /// Submits a controller update (no quorum needed); the policy engine waits until it is applied.
    /// `isRegenerated`: the write states something every election writes again (node states, this node's
    /// history, the DC's marks), so it is dropped rather than re-sent when a view change interrupts it.
    mutating func submitInternal(_ body: String, at now: Instant?, isRegenerated: Bool = false) -> [Directive] {
        let id = nextUpdateID()
        internalPending.insert(id)
        if isRegenerated { regeneratedUpdates.insert(id) }
        internalBodies[id] = body
        if CIBUpdateBody.tag(of: body) == CIBUpdateBody.transitionResultTag { resultUpdates.insert(id) }
        return replicate(.updateSubmitted(id, body: CIBUpdateBody.stamped(body, origin: nodeName), requiresQuorum: false), at: now)
    }
}

extension Controller {
    /// Tells the DC this node is ready once nothing of its own is running or unrecorded in the current view.
    mutating func announceReadiness() -> [Directive] {
        guard let viewID = readiness.view, viewID == replication.view?.id, !readiness.isAnnounced,
            replication.dc != nil, localInFlight.isEmpty, internalPending.isEmpty
        else { return [] }
        readiness.isAnnounced = true
        return [.broadcast(.memberReady(view: viewID))]
    }

    /// Whether every member of the current view is ready.
    var isEveryMemberReady: Bool {
        guard let view = replication.view, readiness.view == view.id else { return false }
        return view.members.allSatisfy { readiness.ready.contains($0) }
    }
}

extension Controller {
    /// Replaces this node's `lrm` section with what this node knows it ran.
    mutating func rewriteOwnHistory(at now: Instant?) -> [Directive] {
        let node = configuration.node
        let xpath = "/cib/status/node_state[@id='\(node)']/lrm"
        var directives: [Directive] = []
        if let body = try? CIBUpdateBody.encode(.delete(.xpath(xpath), nil, allMatches: true)) {
            directives += submitInternal(body, at: now, isRegenerated: true)
        }
        let records = history.all
        guard !records.isEmpty else { return directives }
        let fragment = LRMOperationRecord.statusFragment(
            nodeUUID: "\(node)", node: configuration.names[node] ?? "\(node)", records: records)
        if let body = try? StatusUpdates.mergeNodeState(fragment) {
            directives += submitInternal(body, at: now, isRegenerated: true)
        }
        return directives
    }
}

extension Controller {
    /// A node this DC has not seen yet but the CIB records: it is outside the view, whatever the CIB said
    /// (a restarted DC may hold a copy in which it was online). Nodes the CIB never recorded stay unrecorded.
    mutating func markUnseenNodesOutside(_ view: ControllerView, at now: Instant?) -> [Directive] {
        var directives: [Directive] = []
        for (node, state) in nodes.states.sorted(by: { $0.key < $1.key })
        where state == .unknown && !view.members.contains(node) {
            let xpath = "/cib/status/node_state[@id='\(node)']"
            guard let recorded = try? replication.document.cib.xml.select(xpath), !recorded.isEmpty,
                let body = try? StatusUpdates.nodeOutsideView(nodeID: "\(node)", name: configuration.names[node] ?? "\(node)")
            else { continue }
            directives += submitInternal(body, at: now, isRegenerated: true)
        }
        return directives
    }
}
