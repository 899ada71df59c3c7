extension Scheduler {
    /// Monitors with `role="Stopped"` run on every node where the resource will not be active.
    mutating func createStoppedMonitors(_ index: Int) {
        let resource = resources[index]
        guard resource.isManaged else { return }
        let monitors = recurringMonitors(index, role: .stopped)
        for node in nodes.indices {
            let active = resource.stoppedMonitors[node] ?? [:]
            if node == resource.assignedNode {
                for (interval, record) in active.sorted(by: { $0.key < $1.key }) {
                    cancelStoppedMonitor(index, node: node, record: record, interval: interval)
                }
                continue
            }
            for monitor in monitors {
                let isActive = active[monitor.intervalMs] != nil && !resource.runningOn.contains(node)
                let id = action(
                    owner: resource.id, resource: index, task: "monitor", intervalMs: monitor.intervalMs, node: node,
                    element: .resourceOperation, optional: isActive,
                    runnable: nodes[node].isOnline && !nodes[node].isUnclean)
                setMeta(id, resource: index, task: "monitor", intervalMs: monitor.intervalMs)
                for stop in actions(of: index, task: "stop") where actions[stop].node == node {
                    order(stop, id, [.impliesThen, .runnableLeft])
                }
                for probe in resourceActions[index, default: []] where actions[probe].isProbe && actions[probe].node == node {
                    order(probe, id, [.runnableLeft])
                }
            }
        }
    }

    private mutating func cancelStoppedMonitor(_ index: Int, node: Int, record: OperationRecord, interval: Int) {
        let id = action(
            owner: resources[index].id, resource: index, task: "cancel", intervalMs: interval, node: node,
            element: .resourceOperation, optional: false)
        actions[id].key = "\(resources[index].id)_monitor_\(interval)"
        actions[id].meta = [
            ("CRM_meta_call_id", String(record.callID)), ("CRM_meta_interval", String(interval)),
            ("CRM_meta_operation", "monitor"), ("CRM_meta_role", "Stopped"),
            ("CRM_meta_timeout", String(timeoutMs(index, task: "monitor", intervalMs: interval))),
        ]
        for start in actions(of: index, task: "start") where actions[start].node == node { order(id, start, [.optional]) }
    }
}
