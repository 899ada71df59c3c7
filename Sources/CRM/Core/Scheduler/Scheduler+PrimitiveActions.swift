extension Scheduler {
    /// Creates the start/stop/monitor/cancel actions of one primitive from its current and next state.
    mutating func createActions(_ index: Int) {
        let resource = resources[index]
        guard resource.isManaged else {
            createUnmanagedActions(index)
            return
        }
        let next = resource.assignedNode
        let multiple = resource.runningOn.count > 1
        createFailcountClears(index)
        var restartOn: Int?
        for node in resource.runningOn {
            // A start still in flight where the resource belongs is simply repeated.
            if node == next && resource.startPendingOn.contains(node) && resource.runningOn.count == 1 { continue }
            let agentChanged = resource.agentChangedOn.contains(node)
            let mustStop = next != node || multiple || resource.needsRestartOn[node] != nil || agentChanged
            let stop = stopAction(index, node: node, optional: !mustStop)
            if next == node && mustStop { restartOn = node }
            if next == node && !mustStop, let reason = definitionChange(index, node: node) {
                actions[stop].flags.remove(.optional)
                resources[index].needsRestartOn[node] = reason
                restartOn = node
            }
            for clear in pendingClears { order(clear, stop, [.optional]) }
            // Orphaned clone instances keep their (shared) history.
            if (resource.isOrphan && cloneAncestor(index) == nil) || agentChanged {
                deleteHistory(index, node: node, after: stop)
            } else {
                cancelOrphanMonitors(index, node: node, stop: stop)
            }
        }
        if resource.isOrphan && options.stopRemovedResources && cloneAncestor(index) == nil {
            for node in resource.knownOn.sorted() where !resource.runningOn.contains(node) && nodes[node].isOnline {
                let id = action(
                    owner: resource.id, resource: index, task: "delete", node: node, element: .resourceOperation,
                    optional: false)
                setMeta(id, resource: index, task: "delete", intervalMs: 0)
            }
        }
        pendingClears = []
        guard let next else { return }
        let isRunningThere = resource.runningOn.contains(next) && restartOn == nil && !multiple
            && !resource.startPendingOn.contains(next)
        let start = action(
            owner: resource.id, resource: index, task: "start", node: next, element: .resourceOperation,
            optional: isRunningThere, runnable: canStartResources || !needsQuorum(index))
        setMeta(start, resource: index, task: "start", intervalMs: 0)
        for stop in actions(of: index, task: "stop") { order(stop, start, [.optional, .impliesThen, .restart]) }
        for delete in actions(of: index, task: "delete") { order(delete, start, [.optional]) }
        createRecurring(index, node: next, start: start, isRunningThere: isRunningThere)
    }

    /// Fail counts of removed resources, and expired ones, are cleared (before the resource is stopped).
    private mutating func createFailcountClears(_ index: Int) {
        var targets = resources[index].clearFailcountOn
        if resources[index].isOrphan && cloneAncestor(index) == nil {
            for node in nodes.indices where hasFailCount(index, node: node) { targets.insert(node) }
        }
        for node in targets.sorted() where nodes[node].isOnline {
            let id = action(
                owner: "\(resources[index].id)_clear_failcount_0", resource: index, task: "clear_failcount", node: node,
                element: .clusterEvent, optional: false)
            actions[id].meta = [("CRM_meta_op_no_wait", "true"), ("CRM_meta_timeout", "20000")]
            if resources[index].isOrphan { pendingClears.append(id) }
        }
    }

    private func hasFailCount(_ index: Int, node: Int) -> Bool {
        return nodes[node].attributes.contains { name, value in
            isFailureAttribute(name, kind: "fail-count-", resource: index) && (Score.parse(value) ?? 0) != 0
        }
    }

    /// An unmanaged resource gets actions that can never run, so orderings through it still block.
    private mutating func createUnmanagedActions(_ index: Int) {
        let id = resources[index].id
        let runnable = !resources[index].isBlocked
        for node in resources[index].runningOn {
            action(owner: id, resource: index, task: "stop", node: node, element: .resourceOperation, optional: true, runnable: runnable)
            action(owner: id, resource: index, task: "start", node: node, element: .resourceOperation, optional: true, runnable: runnable)
            let configured = Set(recurringMonitors(index, role: .started).map(\.intervalMs))
            for (interval, record) in (resources[index].recurringSeen[node] ?? [:]).sorted(by: { $0.key < $1.key })
            where !configured.contains(interval) && options.stopRemovedActions {
                cancel(index, node: node, record: record, after: nil)
                if let last = resourceActions[index]?.last { actions[last].isMaintenanceCancel = true }
            }
            // In maintenance the cluster stops watching: cancel recurring monitors.
            if resources[index].isInMaintenance || nodes[node].isMaintenance {
                for (_, record) in (resources[index].activeRecurring[node] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    cancel(index, node: node, record: record, after: nil)
                    if let last = resourceActions[index]?.last { actions[last].isMaintenanceCancel = true }
                }
            }
        }
    }

    /// Fencing devices and `requires=nothing` resources may start without quorum.
    func needsQuorum(_ index: Int) -> Bool {
        resources[index].requires != "nothing"
    }

    private mutating func stopAction(_ index: Int, node: Int, optional: Bool) -> Int {
        let pseudo = nodes[node].isUnclean
        let stop = action(
            owner: resources[index].id, resource: index, task: "stop", node: node, element: pseudo ? .pseudoEvent : .resourceOperation,
            optional: optional, runnable: !pseudo || options.fencingEnabled, pseudo: pseudo)
        setMeta(stop, resource: index, task: "stop", intervalMs: 0)
        return stop
    }

    private mutating func createRecurring(_ index: Int, node: Int, start: Int, isRunningThere: Bool) {
        let resource = resources[index]
        for monitor in recurringMonitors(index, role: .started) {
            var optional = false
            let reloaded = resources[index].reloadedOn.contains(node)
            if isRunningThere && !reloaded, let record = resource.activeRecurring[node]?[monitor.intervalMs] {
                optional = !recurringDigestChanged(index, node: node, record: record)
            }
            let id = action(
                owner: resource.id, resource: index, task: "monitor", intervalMs: monitor.intervalMs, node: node,
                element: .resourceOperation, optional: optional, runnable: actions[start].isRunnable)
            setMeta(id, resource: index, task: "monitor", intervalMs: monitor.intervalMs)
            order(start, id, [.impliesThen, .runnableLeft])
            if reloaded {
                for reload in actions(of: index, task: "reload-agent") { order(reload, id, [.impliesThen, .runnableLeft]) }
            }
        }
    }

    /// Removes a resource's history on a node once it is stopped (removed resources, changed agents).
    private mutating func deleteHistory(_ index: Int, node: Int, after stop: Int) {
        let id = action(
            owner: resources[index].id, resource: index, task: "delete", node: node, element: .resourceOperation,
            optional: false)
        setMeta(id, resource: index, task: "delete", intervalMs: 0)
        order(stop, id, [.impliesThen])
    }

    /// Cancels recurring monitors in the history that are no longer configured.
    private mutating func cancelOrphanMonitors(_ index: Int, node: Int, stop: Int) {
        guard options.stopRemovedActions else { return }
        let configured = Set(recurringMonitors(index, role: .started).map(\.intervalMs))
        for (interval, record) in (resources[index].recurringSeen[node] ?? [:]).sorted(by: { $0.key < $1.key })
        where !configured.contains(interval) {
            cancel(index, node: node, record: record, after: actions[stop].isOptional ? nil : stop)
        }
    }

    private mutating func cancel(_ index: Int, node: Int, record: OperationRecord, after stop: Int?) {
        let id = action(
            owner: resources[index].id, resource: index, task: "cancel", intervalMs: record.intervalMs, node: node,
            element: .resourceOperation, optional: false)
        actions[id].key = "\(resources[index].id)_\(record.operation)_\(record.intervalMs)"
        actions[id].cancelledTask = record.operation
        actions[id].meta = [
            ("CRM_meta_call_id", String(record.callID)), ("CRM_meta_interval", String(record.intervalMs)),
            ("CRM_meta_operation", record.operation),
            ("CRM_meta_timeout", String(timeoutMs(index, task: record.operation, intervalMs: record.intervalMs))),
        ]
        if let stop { order(stop, id, [.optional]) }
    }

    /// Fills in the `CRM_meta_*` attributes of a resource action.
    mutating func setMeta(_ id: Int, resource: Int, task: String, intervalMs: Int) {
        var meta: [(String, String)] = []
        if intervalMs > 0 {
            meta.append(("CRM_meta_interval", String(intervalMs)))
            meta.append(("CRM_meta_name", task))
        }
        if actions[id].isProbe { meta.append(("CRM_meta_op_target_rc", "7")) }
        let operation = operationMeta(resource, task: task, intervalMs: intervalMs)
        if let role = operation["role"], intervalMs > 0, let parsed = ResourceRole(name: role) {
            meta.append(("CRM_meta_role", parsed.name))
            if parsed == .stopped { meta.append(("CRM_meta_op_target_rc", "7")) }
        }
        meta.append(("CRM_meta_timeout", String(timeoutMs(resource, task: task, intervalMs: intervalMs))))
        if let clone = cloneAncestor(resource) { meta += cloneMeta(clone, instance: cloneInstance(resource)) }
        actions[id].meta = meta
    }

    /// Creates a probe of a resource on a node.
    mutating func createProbe(_ index: Int, node: Int) {
        let resource = resources[index]
        let id = action(
            owner: resource.id, resource: index, task: "monitor", node: node, element: .resourceOperation, optional: false)
        actions[id].isProbe = true
        setMeta(id, resource: index, task: "monitor", intervalMs: 0)
        // A clone instance's probe goes before the clone's start.
        if let clone = cloneAncestor(index) {
            for start in actions(of: clone, task: "start") { order(id, start, [.optional, .probe]) }
            return
        }
        for start in actions(of: index, task: "start") + actions(of: index, task: "reload-agent") {
            order(id, start, [.optional, .probe])
        }
    }

    /// Schedules probes wherever a resource's state is unknown.
    mutating func createProbes() {
        for clone in resources.indices where resources[clone].kind == .clone && resources[clone].clone?.isUnique == false {
            createAnonymousProbes(clone)
        }
        for index in resources.indices where resources[index].kind == .primitive {
            let resource = resources[index]
            if resource.isOrphan { continue }
            if let clone = cloneAncestor(index), resources[clone].clone?.isUnique == false { continue }
            for node in nodes.indices {
                let state = nodes[node]
                guard state.isOnline, !state.isUnclean, !state.isMaintenance else { continue }
                guard !resource.knownOn.contains(node), !resource.discoveryNever.contains(node) else { continue }
                if let exclusive = resource.exclusiveDiscovery, !exclusive.contains(node) { continue }
                if options.maintenanceMode { continue }
                createProbe(index, node: node)
            }
        }
    }
}
