extension Scheduler {
    /// Creates a group's pseudo-actions (start, running, stop, stopped) and its internal orderings.
    mutating func createGroupActions(_ group: Int) {
        let id = resources[group].id
        let children = resources[group].children
        let start = action(owner: id, resource: group, task: "start", node: nil, element: .pseudoEvent, optional: true, pseudo: true)
        let running = action(owner: id, resource: group, task: "running", node: nil, element: .pseudoEvent, optional: true, pseudo: true)
        let stop = action(owner: id, resource: group, task: "stop", node: nil, element: .pseudoEvent, optional: true, pseudo: true)
        let stopped = action(owner: id, resource: group, task: "stopped", node: nil, element: .pseudoEvent, optional: true, pseudo: true)
        for pseudo in [start, running, stop, stopped] {
            var context = RuleContext(now: now)
            context.operationName = actions[pseudo].task
            context.operationIntervalMs = 0
            let defaults = Self.evaluate(model.operationDefaults, context: context, laterSetsWin: true)
            let timeout = defaults["timeout"].flatMap(DurationText.milliseconds) ?? 20_000
            actions[pseudo].meta = [("CRM_meta_timeout", String(timeout))]
        }
        order(start, running, [.runnableLeft])
        order(stop, stopped, [.runnableLeft])
        order(stopped, start, [.optional])
        var lastActive: Int?
        for (position, child) in children.enumerated() {
            let isActive = !resources[child].runningOn.isEmpty
            if position > 0 {
                let previous = children[position - 1]
                let previousActive = !resources[previous].runningOn.isEmpty
                // A member active while the one before it is not: stop it before that one starts.
                if isActive && !previousActive {
                    orderResources(child, "stop", previous, "start", [.impliesFirst, .runnableLeft])
                    // Partially active groups still shut down in sequence.
                    if let lastActive { orderResources(child, "stop", lastActive, "stop", [.optional]) }
                }
            }
            if isActive { lastActive = child }
            for childStart in actions(of: child, task: "start") {
                order(start, childStart, [.runnableLeft, .collectiveChild])
                order(childStart, running, [.optional, .collectiveChild])
            }
            for childStop in actions(of: child, task: "stop") {
                order(stop, childStop, [.collectiveChild])
                order(childStop, stopped, [.optional, .collectiveChild])
            }
            guard position > 0 else { continue }
            let previous = children[position - 1]
            orderResources(previous, "start", child, "start", [.impliesThen, .runnableLeft])
            orderResources(child, "stop", previous, "stop", [.optional, .impliesFirst])
        }
    }

    /// The action standing for a resource's `task` in an ordering: a group's pseudo-action or a primitive's.
    mutating func orderingActions(_ resource: Int, task: String, asFirst: Bool) -> [Int] {
        if resources[resource].kind != .primitive {
            var effective = task
            if asFirst {
                switch task {
                case "start": effective = "running"
                case "stop": effective = "stopped"
                default: break
                }
            }
            return actions(of: resource, task: effective)
        }
        let existing = actions(of: resource, task: task)
        guard existing.isEmpty, asFirst else { return existing }
        if task == "stop" && resources[resource].runningOn.isEmpty { return [] }
        // Like Pacemaker, a missing "first" action is created, with no node: it can never run.
        return [action(owner: resources[resource].id, resource: resource, task: task, node: nil, element: .resourceOperation,
                       optional: true, runnable: false)]
    }
}
