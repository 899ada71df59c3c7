extension PolicyEngine {
    /// The cluster's state as the engine unpacks it (nodes, resources, failures, histories), without
    /// scheduling anything: what `crm_mon` shows. `now` is epoch seconds (failure expiry, rules).
    public static func status(_ model: ClusterModel, now: Int) -> ClusterStatus {
        var scheduler = Scheduler(model: model, now: now)
        scheduler.unpackStatus()
        return scheduler.clusterStatus()
    }
}

extension Scheduler {
    /// The stages that read the CIB's state, before any placement: what a status display needs.
    mutating func unpackStatus() {
        unpackNodes()
        unpackResources()
        unpackHistory()
        applyMultipleActive()
    }

    /// The unpacked state as public values.
    func clusterStatus() -> ClusterStatus {
        var status = ClusterStatus()
        // Pacemaker keeps its node list sorted by name; every view follows it.
        status.nodes = nodes.map(statusNode).sorted { Self.naturallyOrdered($0.name, $1.name) }
        status.resources = topLevel.compactMap { index in
            // Orphans are shown only while active, as Pacemaker does.
            resources[index].isOrphan && resources[index].runningOn.isEmpty ? nil : statusResource(index)
        }
        status.dc = dcNode.flatMap { index in status.nodes.first { $0.id == nodes[index].id } }
        status.hasQuorum = hasQuorum
        let properties = Self.evaluate(model.propertySets, context: RuleContext(now: now), firstSetID: "cib-bootstrap-options")
        status.dcVersion = properties["dc-version"]
        status.stack = properties["cluster-infrastructure"] ?? "unknown"
        status.options = statusOptions(properties)
        // Inactive orphans are history only: Pacemaker neither shows nor counts them.
        let primitives = resources.filter { $0.kind == .primitive && (!$0.isOrphan || !$0.runningOn.isEmpty) }
        status.instanceCount = primitives.count
        status.disabledCount = primitives.filter { !$0.isOrphan && $0.targetRole == .stopped }.count
        status.blockedCount = primitives.filter(\.isBlocked).count
        (status.histories, status.failures) = statusHistories()
        status.bans = statusBans()
        // Tickets known from the status section or named by a constraint (those never granted are revoked).
        let ticketIDs = Set(model.ticketStates.keys).union(model.tickets.map(\.ticket)).sorted()
        status.tickets = ticketIDs.map { id in
            (id, model.ticketStates[id]?.granted ?? false, model.ticketStates[id]?.standby ?? false)
        }
        return status
    }

    private func statusNode(_ node: SchedulerNode) -> ClusterStatus.Node {
        var result = ClusterStatus.Node(id: node.id, name: node.uname)
        result.isOnline = node.isOnline
        result.isStandby = node.isStandby
        result.isStandbyOnFail = node.isStandby && !ClusterModel.isTrue(node.attributes["standby"])
        result.isMaintenance = node.isMaintenance
        result.isPending = node.isPending
        result.isUnclean = node.isUnclean
        result.isShutdown = node.isShutdown
        result.isExpectedUp = node.isExpectedUp
        result.isDC = dcNode == node.index
        result.featureSet = node.attributes["#feature-set"]
        let health = options.healthStrategy == "none" ? [] : node.attributes.filter { $0.key.hasPrefix("#health") }.map { $0.value.lowercased() }
        result.health = health.contains("red") ? "red" : health.contains("yellow") ? "yellow" : "green"
        result.runningResources = runningOrder(on: node.index)
        result.attributes = node.attributes.filter { Self.isUserAttribute($0.key) }.sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
        return result
    }

    /// Attributes crm_mon lists: not the engine's `#` ones, fail counts or the shutdown stamp.
    static func isUserAttribute(_ name: String) -> Bool {
        !(name.hasPrefix("#") || name.hasPrefix("fail-count-") || name.hasPrefix("last-failure-") || name == "shutdown" || name == "standby"
            || name == "terminate")
    }

    /// The primitives active on a node, in the order its history lists them (Pacemaker's `running_rsc`).
    private func runningOrder(on node: Int) -> [String] {
        guard let state = model.nodeStates.first(where: { $0.id == nodes[node].id }) else { return [] }
        return state.resources.compactMap { history in
            guard let index = resourceByID[history.id], resources[index].runningOn.contains(node) else { return nil }
            return history.id
        }
    }

    private func statusResource(_ index: Int) -> ClusterStatus.Resource {
        let resource = resources[index]
        var result = ClusterStatus.Resource(id: resource.id, kind: String(describing: resource.kind))
        if resource.kind == .primitive {
            result.agent = [resource.resourceClass, resource.provider, resource.type].compactMap { $0 }.joined(separator: ":")
        }
        result.role = resource.runningOn.isEmpty ? "Stopped" : resource.role.name
        result.targetRole = resource.meta["target-role"]
        result.nodes = resource.runningOn.sorted().map { nodes[$0].uname }
        result.isOrphan = resource.isOrphan
        result.isManaged = resource.isManaged
        result.isBlocked = resource.isBlocked
        // A failure whose response blocks the resource still shows it as failed where it is active.
        result.isFailed = resource.isFailed || (resource.isBlocked && !resource.failedOn.isDisjoint(with: resource.runningOn))
        result.isFailureIgnored = isFailureIgnored(index)
        result.isDisabled = !resource.isOrphan && resource.targetRole == .stopped
        result.pendingTask = pendingTask(index)
        result.children = resource.children.map(statusResource)
        return result
    }

    private func statusOptions(_ properties: [String: String]) -> [(name: String, value: String)] {
        func milliseconds(_ text: String) -> String { String(DurationText.milliseconds(text) ?? 0) }
        return [
            ("stonith-enabled", String(options.fencingEnabled)), ("symmetric-cluster", String(options.symmetric)),
            ("no-quorum-policy", options.noQuorumPolicy), ("maintenance-mode", String(options.maintenanceMode)),
            ("stop-all-resources", String(options.stopAll)),
            ("stonith-timeout-ms", milliseconds(options.fencingTimeout)),
            ("priority-fencing-delay-ms", milliseconds(properties["priority-fencing-delay"] ?? "0")),
        ]
    }

    /// Per node: each resource's completed operations and fail count; and the failed operations.
    private func statusHistories() -> ([(node: String, resources: [ClusterStatus.ResourceHistory])], [ClusterStatus.Operation]) {
        var histories: [(node: String, resources: [ClusterStatus.ResourceHistory])] = []
        var failures: [ClusterStatus.Operation] = []
        // Histories follow the status section's order, as Pacemaker's do.
        for state in model.nodeStates {
            guard let node = nodeByID[state.id] else { continue }
            let name = nodes[node].uname
            var list: [ClusterStatus.ResourceHistory] = []
            for history in state.resources {
                let index = resourceByID[history.id]
                let operations = history.operations.sorted { $0.callID < $1.callID }.map {
                    Self.statusOperation($0, resource: history.id, node: name)
                }
                // Like Pacemaker, failures are listed for online nodes only.
                for record in history.operations where nodes[node].isOnline && (index.map({ isFailure(record, resource: $0) }) ?? false) {
                    failures.append(Self.statusOperation(record, resource: history.id, node: name))
                }
                let shown = operations.filter { !($0.displayTask == "probe" && $0.rcCode == 7) }
                list.append(
                    ClusterStatus.ResourceHistory(
                        resource: history.id,
                        isOrphan: index.map { resources[$0].isOrphan && !resources[$0].runningOn.isEmpty } ?? false,
                        migrationThreshold: index.map { resources[$0].migrationThreshold } ?? Score.infinity,
                        failCount: index.map { failCount($0, node: node) } ?? 0,
                        lastFailure: lastFailure(of: history.id, node: node), operations: shown))
            }
            histories.append((name, list))
        }
        return (histories, failures)
    }

    /// Whether a recorded result is a failure the engine holds against the resource (not expired, not an
    /// expected "not running", not pending or cancelled).
    private func isFailure(_ record: OperationRecord, resource: Int) -> Bool {
        if record.opStatus == -1 || record.opStatus == 1 || record.callID < 0 { return false }
        let expected = record.expectedRC ?? 0
        if record.opStatus == 0 && record.rcCode == expected { return false }
        // A probe that finds the resource running, stopped, promoted or not installed is an answer, not a failure.
        if record.operation == "monitor" && record.intervalMs == 0
            && (record.rcCode == 7 || ((record.opStatus == 0 || record.opStatus == 7) && [0, 5, 8].contains(record.rcCode)))
        {
            return false
        }
        // A recurring operation the agent does not implement is reported as unsupported, not as a failure.
        if record.intervalMs > 0 && record.rcCode == 3 { return false }
        let timeout = resources[resource].failureTimeoutSeconds
        if timeout > 0, let changed = record.lastRCChange ?? record.lastRun, changed + timeout <= now { return false }
        return true
    }

    /// The task of an operation still in flight (`op-status` -1) on a node where the resource is known.
    private func pendingTask(_ index: Int) -> String? {
        guard resources[index].kind == .primitive else { return nil }
        for state in model.nodeStates {
            for history in state.resources where history.id == resources[index].id {
                let pending = history.operations.filter { $0.opStatus == -1 }.max { $0.callID < $1.callID }
                if let pending, !(pending.operation == "monitor" && pending.intervalMs == 0) { return pending.operation }
            }
        }
        return nil
    }

    /// Pacemaker's node order: case-insensitive, runs of digits compared as numbers (`node2` before `node10`).
    static func naturallyOrdered(_ a: String, _ b: String) -> Bool {
        var left = Array(a.lowercased().unicodeScalars)[...]
        var right = Array(b.lowercased().unicodeScalars)[...]
        while let l = left.first, let r = right.first {
            let isDigit: (Unicode.Scalar) -> Bool = { $0.properties.numericType == .decimal && $0.isASCII }
            if isDigit(l) && isDigit(r) {
                let leftDigits = left.prefix(while: isDigit)
                let rightDigits = right.prefix(while: isDigit)
                let leftValue = Int(String(String.UnicodeScalarView(leftDigits))) ?? 0
                let rightValue = Int(String(String.UnicodeScalarView(rightDigits))) ?? 0
                if leftValue != rightValue { return leftValue < rightValue }
                left = left.dropFirst(leftDigits.count)
                right = right.dropFirst(rightDigits.count)
                continue
            }
            if l != r { return l < r }
            left = left.dropFirst()
            right = right.dropFirst()
        }
        return left.isEmpty && !right.isEmpty
    }

    /// Negative location preferences for single nodes, newest first (as Pacemaker lists them).
    private func statusBans() -> [ClusterStatus.Ban] {
        var bans: [ClusterStatus.Ban] = []
        for location in model.locations {
            guard let node = location.node, let score = location.score, score < 0, nodeByName[node] != nil else { continue }
            for resource in location.resources {
                bans.append(
                    ClusterStatus.Ban(id: location.id, resource: resource, node: node, score: score, isPromotedOnly: location.role == .promoted))
            }
        }
        return bans.reversed()
    }

    /// Whether a failure was recorded that `on-fail=ignore` lets pass, on a node that is online.
    private func isFailureIgnored(_ index: Int) -> Bool {
        guard resources[index].kind == .primitive else { return false }
        for state in model.nodeStates {
            guard let node = nodeByID[state.id], nodes[node].isOnline else { continue }
            for history in state.resources where history.id == resources[index].id {
                for record in history.operations where isFailure(record, resource: index) {
                    if onFail(for: record.operation, intervalMs: record.intervalMs, resource: index) == .ignore { return true }
                }
            }
        }
        return false
    }

    private func lastFailure(of resource: String, node: Int) -> Int? {
        let values = nodes[node].attributes.filter { $0.key == "last-failure-\(resource)" || $0.key.hasPrefix("last-failure-\(resource)#") }
        return values.compactMap { Int($0.value) }.max()
    }

    private static func statusOperation(_ record: OperationRecord, resource: String, node: String) -> ClusterStatus.Operation {
        ClusterStatus.Operation(
            id: record.id, key: record.operationKey ?? record.id, resource: resource, task: record.operation,
            intervalMs: record.intervalMs, node: node, callID: record.callID, rcCode: record.rcCode, opStatus: record.opStatus,
            hasOperationKey: record.operationKey != nil, exitReason: record.exitReason,
            lastRCChange: record.lastRCChange.flatMap { $0 > 0 ? $0 : nil }, execTimeMs: record.execTime,
            queueTimeMs: record.queueTime)
    }
}
