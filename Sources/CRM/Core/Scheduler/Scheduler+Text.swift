extension Scheduler {
    /// "Current cluster status" (or, with `revised`, the status after every graph action succeeded).
    func statusText(revised: Bool) -> [String] {
        let execution = revised ? simulatedExecution() : (order: [], failed: [])
        let done = Set(execution.order).subtracting(execution.failed)
        var lines = ["  * Node List:"]
        var online: [String] = []
        var offline: [String] = []
        for node in nodes.sorted(by: { $0.uname < $1.uname }) {
            let fenced = revised && node.isUnclean && options.fencingEnabled && canFence
            if node.isUnclean && !fenced {
                lines.append("    * Node \(node.uname): UNCLEAN (\(node.isOnline ? "online" : "offline"))")
            } else if node.isOnline && node.isStandby && !fenced {
                lines.append("    * Node \(node.uname): standby")
            } else if node.isOnline && node.isMaintenance {
                lines.append("    * Node \(node.uname): maintenance")
            } else if node.isOnline && !fenced && !(revised && node.isShutdown) {
                online.append(node.uname)
            } else if node.isPending {
                lines.append("    * Node \(node.uname): pending")
            } else {
                offline.append(node.uname)
            }
        }
        if !online.isEmpty { lines.append("    * Online: [ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { lines.append("    * OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        lines += ["", "  * Full List of Resources:"]
        for index in topLevel {
            let resource = resources[index]
            if resource.kind == .clone {
                lines += cloneLines(index, revised: revised, done: done, failed: execution.failed)
            } else if resource.kind == .group {
                lines.append("    * Resource Group: \(resource.id):")
                for child in resource.children { lines.append("      " + resourceLine(child, revised: revised, done: done, failed: execution.failed)) }
            } else {
                if resource.isOrphan && (revised || resource.runningOn.isEmpty) { continue }
                lines.append("    " + resourceLine(index, revised: revised, done: done, failed: execution.failed))
            }
        }
        return lines
    }

    /// Where a primitive runs before the transition, or (revised) once the executed actions are done.
    func displayedNodes(_ index: Int, revised: Bool, done: Set<Int>) -> [Int] {
        let resource = resources[index]
        guard revised else { return resource.runningOn }
        let started = actions(of: index, task: "start").filter { done.contains($0) }.compactMap { actions[$0].node }
        let stopped = Set(actions(of: index, task: "stop").filter { done.contains($0) }.compactMap { actions[$0].node })
        var result = resource.runningOn.filter { !stopped.contains($0) }
        for node in started where !result.contains(node) { result.append(node) }
        return result
    }

    func resourceLine(_ index: Int, revised: Bool, done: Set<Int>, failed: Set<Int>) -> String {
        let resource = resources[index]
        let agent = [resource.resourceClass, resource.provider, resource.type].compactMap { $0 }.joined(separator: ":")
        let where_ = displayedNodes(index, revised: revised, done: done)
        let failedThere = revised && resourceActions[index, default: []].contains { failed.contains($0) }
        var state = where_.isEmpty ? "Stopped" : "Started \(where_.map { nodes[$0].uname }.joined(separator: " "))"
        if where_.count > 1 { state = "Started [ \(where_.map { nodes[$0].uname }.joined(separator: " ")) ]" }
        var flags: [String] = []
        if resource.isOrphan { flags.append("ORPHANED") }
        if !resource.isManaged { flags.append(resource.isBlocked ? "blocked" : "unmanaged") }
        if (resource.isFailed && !revised) || failedThere { flags.append("FAILED") }
        let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
        // Anonymous clone instances are shown by the configured name.
        let name = resource.baseID != nil && resource.kind == .primitive ? resource.historyID : resource.id
        return "* \(name)\t(\(agent)):\t \(state)\(suffix)"
    }

    /// "Transition Summary" lines, as Pacemaker words them.
    func summaryLines() -> [String] {
        var lines: [String] = []
        for fencing in fencingActions where isInGraph(actions[fencing]) {
            let node = actions[fencing].node.map { nodes[$0].uname } ?? "?"
            lines.append("  * Fence (\(options.fencingAction)) \(node) '\(actions[fencing].reason ?? "node is unclean")'")
        }
        let width = max(8, resources.map(\.id.count).max() ?? 8)
        for index in resources.indices where resources[index].kind == .primitive {
            guard let change = changeDescription(index) else { continue }
            let padded = resources[index].id.padding(toLength: width)
            lines.append("  * \(change.verb.padding(toLength: 10)) \(padded) \(change.detail)")
        }
        return lines
    }

    private func changeDescription(_ index: Int) -> (verb: String, detail: String)? {
        let resource = resources[index]
        let starts = actions(of: index, task: "start").filter { isInGraph(actions[$0]) }.compactMap { actions[$0].node }
        let stops = actions(of: index, task: "stop").filter { isInGraph(actions[$0]) }.compactMap { actions[$0].node }
        func name(_ node: Int) -> String { nodes[node].uname }
        switch (stops.first, starts.first) {
        case (nil, nil):
            if !actions(of: index, task: "reload-agent").filter({ isInGraph(actions[$0]) }).isEmpty,
                let node = resource.runningOn.first
            {
                return ("Reload", "( \(name(node)) )")
            }
            return nil
        case (nil, let start?): return ("Start", "( \(name(start)) )")
        case (let stop?, nil): return ("Stop", "( \(name(stop)) )")
        case (let stop?, let start?):
            if stop == start {
                return resource.isFailed ? ("Recover", "( \(name(start)) )") : ("Restart", "( \(name(start)) )")
            }
            return resource.isFailed
                ? ("Recover", "( \(name(stop)) -> \(name(start)) )") : ("Move", "( \(name(stop)) -> \(name(start)) )")
        }
    }

    /// Whether an action is one of the `--op-fail` operations.
    func isFailing(_ action: SchedulerAction) -> Bool {
        guard let resource = action.resource, let node = action.node else { return false }
        return failingOperations.contains { spec in
            spec.resource == resources[resource].id && spec.task == action.task && spec.intervalMs == action.intervalMs
                && spec.node == nodes[node].uname
        }
    }

    /// The simulated execution: actions in an order that respects every edge; actions after a failed one
    /// do not run.
    func simulatedExecution() -> (order: [Int], failed: Set<Int>) {
        let included = actions.indices.filter { isInGraph(actions[$0]) }
        var pending: [Int: Int] = [:]
        var after: [Int: [Int]] = [:]
        let set = Set(included)
        for ordering in orderings where set.contains(ordering.first) && set.contains(ordering.then) {
            pending[ordering.then, default: 0] += 1
            after[ordering.first, default: []].append(ordering.then)
        }
        var ready = included.filter { (pending[$0] ?? 0) == 0 }
        var executed: [Int] = []
        var failed: Set<Int> = []
        var head = 0
        while head < ready.count {
            let current = ready[head]
            head += 1
            executed.append(current)
            if isFailing(actions[current]) {
                failed.insert(current)
                continue
            }
            for next in after[current] ?? [] {
                pending[next, default: 0] -= 1
                if pending[next] == 0 { ready.append(next) }
            }
        }
        return (executed, failed)
    }

    /// "Executing Cluster Transition" lines, as crm_simulate -S prints them.
    func executionLines() -> [String] {
        let execution = simulatedExecution()
        return execution.order.map { index in
            executionLine(actions[index]) + (execution.failed.contains(index) ? " (failed)" : "")
        }
    }

    private func executionLine(_ action: SchedulerAction) -> String {
        let node = action.node.map { nodes[$0].uname } ?? ""
        switch action.element {
        case .clusterEvent:
            if action.task == "stonith" { return "  * Fencing \(node) (\(options.fencingAction))" }
            return "  * Cluster action:  \(action.task) on \(node)"
        case .pseudoEvent:
            return "  * Pseudo action:   \(action.key)"
        case .resourceOperation:
            let id = action.resource.map { resources[$0].id } ?? ""
            var task = action.task
            if action.task == "monitor" && action.intervalMs > 0 { task = "monitor=\(action.intervalMs)" }
            if action.task == "cancel" { task = "cancel=\(action.intervalMs)" }
            return "  * Resource action: \(id.padding(toLength: 15)) \(task) on \(node)"
        }
    }
}

extension String {
    /// The string padded with spaces on the right to `length` characters (never truncated).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
