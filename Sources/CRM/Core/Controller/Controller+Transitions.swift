import Membership
import Messaging

extension Controller {
    /// Starts a policy run when the DC has a reason to and nothing stands in the way.
    mutating func maybeRunPolicy(at now: Instant) -> [Directive] {
        guard isDC, policy.isDirty, !engine.isRunning, policy.computing == nil, internalPending.isEmpty,
            isEveryMemberReady
        else {
            return []
        }
        if let due = policy.due {
            return due <= now ? startPolicyRun() : []
        }
        if configuration.policyDelay == .zero { return startPolicyRun() }
        let due = now + configuration.policyDelay
        policy.due = due
        return [.scheduleTimer(at: due)]
    }

    private mutating func startPolicyRun() -> [Directive] {
        policy.due = nil
        policy.isDirty = false
        let version = replication.document.version
        policy.computing = version
        return [.computeTransition(cib: replication.document.snapshot(), version: version)]
    }

    mutating func graphComputed(_ computed: ExecutableGraph, version: CIBVersion, at now: Instant) -> [Directive] {
        guard policy.computing == version else { return [] }
        policy.computing = nil
        // A graph for a CIB that has changed since is stale: the next run replaces it.
        guard isDC, !policy.isDirty, replication.document.version == version, !engine.isRunning else { return [] }
        var graph = computed
        graph.transitionID = policy.nextTransitionID
        policy.nextTransitionID += 1
        return runEngine(.started(graph, at: now), at: now, recordsResults: true)
    }

    /// Feeds the engine. Results that came back from a node were recorded there; only results the engine
    /// makes up itself (lost actions) are recorded here.
    mutating func runEngine(_ event: TransitionEngine.Event, at now: Instant, recordsResults: Bool) -> [Directive] {
        var directives: [Directive] = []
        for directive in engine.handle(event) {
            switch directive {
            case .execute(let action, let key):
                directives += dispatch(action, transitionKey: key, at: now)
            case .record(let record):
                guard recordsResults else { continue }
                directives += submitRecord(record, tag: CIBUpdateBody.transitionResultTag, at: now)
            case .nodesFenced(let fenced):
                for id in fenced {
                    guard let node = nodeID(named: id) else { continue }
                    directives.append(.notice("node fenced: \(configuration.names[node] ?? id)"))
                    let tagged = nodes.handle(.fenced(node)).map { directive -> NodeStatusTracker.Directive in
                        if case .submit(let body) = directive { return .submit(StatusUpdates.taggedAsTransitionResult(body)) }
                        return directive
                    }
                    directives += nodeDirectives(tagged, at: now)
                }
            case .scheduleTimer(let at):
                directives.append(.scheduleTimer(at: at))
            case .finished(let id, let outcome):
                directives.append(.notice("transition \(id) finished: \(outcome)"))
                if outcome != .complete { policy.isDirty = true }
            }
        }
        return directives
    }

    /// Sends an action to the node that runs it: its own node, or for fencing the first other member.
    private mutating func dispatch(_ action: GraphAction, transitionKey: String, at now: Instant) -> [Directive] {
        guard let graph = engine.graph, let view = replication.view else { return [] }
        let target: NodeID?
        if action.kind == .cluster && action.operation == "stonith" {
            let victim = action.node.flatMap { nodeID(named: $0) }
            target = view.members.first { $0 == configuration.node && $0 != victim } ?? view.members.first { $0 != victim }
        } else {
            target = action.node.flatMap { nodeID(named: $0) }
        }
        guard let target, view.members.contains(target) else {
            let result = ActionResult(rc: 1, status: .notConnected, exitReason: "no member can run this action")
            return runEngine(.actionCompleted(actionID: action.id, result, at: now), at: now, recordsResults: true)
        }
        if target == configuration.node {
            localInFlight.insert("\(graph.transitionID):\(action.id)")
            return [.executeLocally(transitionID: graph.transitionID, action, transitionKey: transitionKey)]
        }
        return [
            .broadcast(
                .actionRequested(
                    view: view.id, target: target, transitionID: graph.transitionID, action,
                    transitionKey: transitionKey))
        ]
    }

    /// This node's lrmd finished an action: record it (tagged as the transition's own), then tell the DC.
    mutating func localActionFinished(
        transitionID: Int, action: GraphAction, transitionKey key: String, result: ActionResult, at now: Instant
    ) -> [Directive] {
        localInFlight.remove("\(transitionID):\(action.id)")
        var directives = recordLocally(action, result, transitionKey: key, tag: CIBUpdateBody.transitionResultTag, at: now)
        if action.kind == .cluster, action.operation == "clear_failcount", result.status == .done, result.rc == 0,
            let resource = action.resource,
            let body = try? StatusUpdates.cleanup(resource: resource.id, nodeID: "\(configuration.node)").first
        {
            // The policy engine asked to forget this node's fail counts of the resource (its definition changed).
            directives += submitInternal(StatusUpdates.taggedAsTransitionResult(body), at: now)
        }
        if action.kind == .cluster, action.operation == "do_shutdown", result.status == .done, result.rc == 0,
            action.node == configuration.names[configuration.node], shutdownBody == nil,
            let body = try? StatusUpdates.nodeState(
                nodeID: "\(configuration.node)", name: action.node ?? "", inMembership: true, controllerOnline: true,
                join: "member", expected: "down")
        {
            // Everything here is stopped (do_shutdown comes after every stop of this node).
            shutdownBody = StatusUpdates.taggedAsTransitionResult(body)
            directives += submitInternal(shutdownBody!, at: now)
        }
        guard let view = replication.view else { return directives }
        if isDC, engine.graph?.transitionID == transitionID {
            directives += runEngine(.actionCompleted(actionID: action.id, result, at: now), at: now, recordsResults: false)
        } else {
            directives.append(.broadcast(.actionFinished(view: view.id, transitionID: transitionID, actionID: action.id, result)))
        }
        return directives
    }

    mutating func recordLocally(
        _ action: GraphAction, _ result: ActionResult, transitionKey: String, tag: String?, at now: Instant
    ) -> [Directive] {
        guard let record = LRMOperationRecord(action: action, result: result, transitionKey: transitionKey) else {
            return []
        }
        history.remember(record)
        return submitRecord(record, tag: tag, at: now)
    }

    private mutating func submitRecord(_ record: LRMOperationRecord, tag: String?, at now: Instant) -> [Directive] {
        var directives: [Directive] = []
        // The record itself is in this node's history, which every election writes again; fail counts are not.
        if let body = try? StatusUpdates.mergeNodeState(record.statusFragment(), tag: tag) {
            directives += submitInternal(body, at: now, isRegenerated: record.nodeUUID == "\(configuration.node)")
        }
        if let failures = try? StatusUpdates.recordFailure(record, startFailureIsFatal: configuration.startFailureIsFatal) {
            for body in failures { directives += submitInternal(tag == nil ? body : StatusUpdates.taggedAsTransitionResult(body), at: now) }
        }
        return directives
    }

    func nodeID(named name: String) -> NodeID? {
        if let match = configuration.names.first(where: { $0.value == name }) { return match.key }
        if let raw = UInt32(name), configuration.names[NodeID(raw)] != nil { return NodeID(raw) }
        return nil
    }
}
