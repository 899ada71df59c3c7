/// What a node's history says should happen after failures.
enum FailureResponse: Int, Comparable {
    case ignore = 0, restart, block, stop, standby, fence

    static func < (a: FailureResponse, b: FailureResponse) -> Bool { a.rawValue < b.rawValue }
}

extension Scheduler {
    /// Reads every node's resource history into roles, running nodes, failures and fail counts.
    mutating func unpackHistory() {
        for state in model.nodeStates {
            guard let node = nodeByID[state.id] else { continue }
            // Without fencing, nothing can be concluded from an offline node's history.
            if !options.fencingEnabled && !nodes[node].isOnline { continue }
            for history in state.resources {
                let resource = anonymousInstanceMember(history.id, node: node)
                    ?? resourceByID[history.id].flatMap { resources[$0].kind == .primitive ? $0 : nil }
                    ?? addOrphan(history)
                let configured = resources[resource]
                if !configured.isOrphan, let historyClass = history.resourceClass, let historyType = history.type,
                    historyClass != configured.resourceClass || historyType != configured.type
                        || (history.provider ?? "") != (configured.provider ?? "")
                {
                    resources[resource].agentChangedOn.insert(node)
                }
                unpack(history, resource: resource, node: node)
                // An instance mapped from the bare configured id, or found active under another instance
                // name, keeps that name for its actions.
                if resources[resource].baseID != nil, resources[resource].historyName == nil, history.id != resources[resource].id,
                    resources[resource].runningOn.contains(node) || history.id == resources[resource].baseID
                {
                    resources[resource].historyName = history.id
                }
            }
        }
    }

    /// `multiple-active`: what to do with a resource found active on several nodes.
    mutating func applyMultipleActive() {
        for index in resources.indices where resources[index].kind == .primitive && resources[index].runningOn.count > 1 {
            switch resources[index].meta["multiple-active"]?.lowercased() {
            case "block":
                resources[index].isManaged = false
                resources[index].isBlocked = true
            case "stop_only":
                resources[index].nextRoleForced = .stopped
            default: break
            }
        }
    }

    private mutating func addOrphan(_ history: ResourceHistory) -> Int {
        let index = resources.count
        var resource = SchedulerResource(index: index, id: history.id, kind: .primitive, parent: nil)
        resource.resourceClass = history.resourceClass ?? "ocf"
        resource.provider = history.provider
        resource.type = history.type ?? ""
        resource.isOrphan = true
        resource.targetRole = .stopped
        resource.isManaged = options.stopRemovedResources && !options.maintenanceMode
        resource.requires = resource.resourceClass == "stonith" ? "quorum" : (options.fencingEnabled ? "fencing" : "quorum")
        resources.append(resource)
        resourceByID[history.id] = index
        topLevel.append(index)
        return index
    }

    private mutating func unpack(_ history: ResourceHistory, resource index: Int, node: Int) {
        let operations = history.operations.count < 2 ? history.operations : history.operations.enumerated().sorted { a, b in
            let aPending = a.element.opStatus == -1 || a.element.callID < 0
            let bPending = b.element.opStatus == -1 || b.element.callID < 0
            if aPending != bPending { return !aPending }
            if a.element.callID != b.element.callID { return a.element.callID < b.element.callID }
            return a.offset < b.offset
        }.map(\.element)
        var role = ResourceRole.unknown
        var response = FailureResponse.ignore
        var recurring: [Int: OperationRecord] = [:]
        var defining: OperationRecord?
        for record in operations {
            if record.opStatus == 1 { continue }  // cancelled
            let isProbe = record.operation == "monitor" && record.intervalMs == 0
            if record.opStatus == -1 || record.callID < 0 {
                applyPending(record, role: &role, resource: index, node: node)
                if record.operation == "start" { resources[index].startPendingOn.insert(node) }
                continue
            }
            if record.operation == "start" || record.operation == "stop" {
                resources[index].recurringSeen[node] = nil
            } else if record.intervalMs > 0 && (record.expectedRC ?? 0) != 7 {
                resources[index].recurringSeen[node, default: [:]][record.intervalMs] = record
            }
            if isExpired(record, resource: index, node: node) { continue }
            let expected = record.expectedRC ?? 0
            var succeeded = record.opStatus == 0 && record.rcCode == expected
            if isProbe && record.opStatus == 0 && (record.rcCode == 7 || record.rcCode == 0) { succeeded = true }
            if record.opStatus == 0 && record.rcCode == 7 && record.operation == "monitor" && expected == 7 {
                succeeded = true
                if record.intervalMs > 0 { resources[index].stoppedMonitors[node, default: [:]][record.intervalMs] = record }
            }
            if record.operation == "start" && record.opStatus == 0 { resources[index].stoppedMonitors[node] = nil }
            if !succeeded && onFail(for: record.operation, intervalMs: record.intervalMs, resource: index) == .ignore
                && record.opStatus != 7 && record.rcCode != 5 && record.rcCode != 6
            {
                succeeded = true
            }
            if succeeded {
                applySuccess(record, role: &role, response: &response, recurring: &recurring, defining: &defining)
            } else {
                applyFailure(record, role: &role, response: &response, resource: index, node: node)
                if record.operation == "start" || record.operation == "stop" { recurring = [:] }
            }
        }
        finishNode(index, node: node, role: role, response: response, recurring: recurring, defining: defining)
    }

    private func applyPending(_ record: OperationRecord, role: inout ResourceRole, resource: Int, node: Int) {
        switch record.operation {
        case "start", "migrate_from": role = .started
        case "stop": if role == .unknown { role = .started }
        case "monitor": if record.intervalMs > 0 { role = .started }
        default: break
        }
    }

    private func applySuccess(
        _ record: OperationRecord, role: inout ResourceRole, response: inout FailureResponse,
        recurring: inout [Int: OperationRecord], defining: inout OperationRecord?
    ) {
        let isProbe = record.operation == "monitor" && record.intervalMs == 0
        switch record.operation {
        case "start", "migrate_from", "promote", "demote":
            role = .started
            defining = record
            recurring = [:]
            if response == .restart { response = .ignore }
        case "stop", "migrate_to":
            role = .stopped
            recurring = [:]
            if response == .restart || response == .block { response = response == .restart ? .ignore : response }
        case "monitor":
            if isProbe || record.expectedRC == 7 {
                role = record.rcCode == 7 ? .stopped : .started
                if record.rcCode == 0 { defining = defining ?? record }
                if record.rcCode == 7 { recurring = [:] }
            } else {
                role = .started
                recurring[record.intervalMs] = record
            }
        default: break
        }
    }

    private mutating func applyFailure(
        _ record: OperationRecord, role: inout ResourceRole, response: inout FailureResponse, resource: Int, node: Int
    ) {
        let configured = onFail(for: record.operation, intervalMs: record.intervalMs, resource: resource)
        // Hard errors: the agent cannot run here.
        if record.rcCode == 6 {
            resources[resource].bannedEverywhere = true
        } else if record.rcCode == 5 || record.rcCode == 4 || record.opStatus == 7 || record.opStatus == 5 {
            ban(resource, node: node)
        }
        switch record.operation {
        case "stop":
            role = .started
            response = max(response, configured)
            ban(resource, node: node)
        case "start":
            role = .started
            response = max(response, configured)
        case "monitor":
            if record.intervalMs == 0 {
                role = record.rcCode == 5 || record.rcCode == 7 ? .stopped : .started
                if role == .stopped { return }
            } else if record.rcCode == 7 {
                role = role == .unknown ? .stopped : role
            } else {
                role = .started
            }
            response = max(response, configured)
        default:
            response = max(response, configured)
        }
        if configured != .ignore { resources[resource].failedOn.insert(node) }
    }

    /// The `on-fail` of the configured operation, with Pacemaker's defaults.
    func onFail(for task: String, intervalMs: Int, resource: Int) -> FailureResponse {
        let definition = resources[resource].operations.first { $0.name == task && $0.intervalMs == intervalMs }
        let text = definition?.attributes["on-fail"] ?? operationMeta(resource, task: task, intervalMs: intervalMs)["on-fail"]
        switch text?.lowercased() {
        case "ignore": return .ignore
        case "block": return .block
        case "stop": return .stop
        case "standby": return .standby
        case "fence": return options.fencingEnabled ? .fence : .block
        case "restart", "restart-container", "demote": return .restart
        default:
            if task == "stop" { return options.fencingEnabled ? .fence : .block }
            return .restart
        }
    }

    private mutating func ban(_ resource: Int, node: Int) {
        resources[resource].bannedNodes.insert(node)
        // An anonymous clone's instances are interchangeable: the whole clone is banned.
        if let clone = cloneAncestor(resource), resources[clone].clone?.isUnique == false {
            resources[clone].bannedNodes.insert(node)
        }
    }

    /// Whether a failed operation's failure has expired (`failure-timeout`), scheduling a fail-count clear.
    private mutating func isExpired(_ record: OperationRecord, resource: Int, node: Int) -> Bool {
        let timeout = resources[resource].failureTimeoutSeconds
        guard timeout > 0, record.rcCode != (record.expectedRC ?? 0) || record.opStatus != 0 else { return false }
        guard let changed = record.lastRCChange ?? record.lastRun else { return false }
        if changed + timeout <= now {
            if failureEntry(resource, node: node).hasCountAttribute {
                resources[resource].clearFailcountOn.insert(node)
            }
            return record.operation != "stop"
        }
        return false
    }

    private mutating func finishNode(
        _ index: Int, node: Int, role: ResourceRole, response: FailureResponse, recurring: [Int: OperationRecord],
        defining: OperationRecord?
    ) {
        var resource = takeResource(index)
        defer { resources[index] = resource }
        if role != .unknown { resource.knownOn.insert(node) }
        var ancestor = resource.parent
        while let parent = ancestor, role != .unknown {
            resources[parent].knownOn.insert(node)
            ancestor = resources[parent].parent
        }
        var response = response
        if nodes[node].isUnclean { response = .ignore }
        let isActive = role != .stopped && role != .unknown
        if isActive && !nodes[node].isOnline && !nodes[node].isUnclean && !nodes[node].isMaintenance && resource.isManaged {
            fence(node, reason: "\(resource.id) is thought to be active there")
        }
        switch response {
        case .ignore: break
        case .fence:
            fence(node, reason: "\(resource.id) failed there")
        case .standby: nodes[node].isStandby = true
        case .block:
            resource.isManaged = false
            resource.isBlocked = true
        case .stop: resource.nextRoleForced = .stopped
        case .restart:
            if isActive {
                resource.isFailed = true
                resource.needsRestartOn[node] = "failed"
            }
        }
        if isActive && nodes[node].isMaintenance { resource.isManaged = false }
        if isActive {
            if !resource.runningOn.contains(node) { resource.runningOn.append(node) }
            resource.role = max(resource.role, role)
            resource.activeRecurring[node] = recurring
            if let defining { resource.lastDefiningOperation[node] = defining }
        }
    }

    /// Moves a resource out of the table (leaving a placeholder) so that editing it and putting it back
    /// copies none of its collections.
    mutating func takeResource(_ index: Int) -> SchedulerResource {
        var resource = SchedulerResource(index: index, id: "", kind: .primitive, parent: nil)
        swap(&resource, &resources[index])
        return resource
    }

    /// Marks a node for fencing (when fencing is possible); its resources are then stopped implicitly.
    mutating func fence(_ node: Int, reason: String) {
        guard !nodes[node].isUnclean else { return }
        nodes[node].isUnclean = true
        if nodes[node].fenceReason == nil { nodes[node].fenceReason = reason }
    }
}
