extension Scheduler {
    /// Spreads "required" and "unrunnable" along orderings until nothing changes (Pacemaker's update pass).
    mutating func propagateFlags() {
        var changed = true
        var rounds = 0
        while changed && rounds < 1000 {
            changed = false
            rounds += 1
            for ordering in orderings where applyOrdering(ordering) { changed = true }
            if updateGroupFlags() { changed = true }
            if updateCloneFlags() { changed = true }
            if updateOneOrMoreFlags() { changed = true }
        }
    }

    /// The actions an ordering's "then" reaches: itself, and for a group's start/stop, its members' ones.
    private func thenTargets(_ then: Int) -> [Int] {
        let action = actions[then]
        guard let resource = action.resource, resources[resource].kind != .primitive,
            action.task == "start" || action.task == "stop"
        else { return [then] }
        return [then] + resources[resource].children.flatMap { child in
            actions(of: child, task: action.task).flatMap { resources[child].kind == .primitive ? [$0] : thenTargets($0) }
        }
    }

    private mutating func applyOrdering(_ ordering: SchedulerOrdering) -> Bool {
        var changed = false
        let first = actions[ordering.first]
        let flags = ordering.flags
        let direct = flags.contains(.collectiveChild)
        let thenIsClone = actions[ordering.then].resource.map { resources[$0].kind == .clone } ?? false
        for target in direct ? [ordering.then] : thenTargets(ordering.then) {
            let then = actions[target]
            // A clone's instances answer to "first" through the clone's own pseudo-action only.
            let reachesFirst = !thenIsClone || target == ordering.then
            if (flags.contains(.runnableLeft) || flags.contains(.asymmetrical)) && !first.isRunnable && then.isRunnable {
                actions[target].flags.remove(.runnable)
                changed = true
            }
            // Whatever must wait for a blocked resource's action cannot run either.
            if flags.contains(.impliesThen) && !first.isRunnable && then.isRunnable,
                let resource = first.resource, resources[resource].isBlocked, first.task == "stop"
            {
                actions[target].flags.remove(.runnable)
                changed = true
            }
            if flags.contains(.impliesThen) && !first.isOptional && then.isOptional
                && impliesThenOnNode(first: first, then: then)
            {
                actions[target].flags.remove(.optional)
                changed = true
            }
            if flags.contains(.impliesFirst) && reachesFirst && !then.isOptional && actions[ordering.first].isOptional
                && impliesThenOnNode(first: then, then: actions[ordering.first])
            {
                actions[ordering.first].flags.remove(.optional)
                changed = true
            }
            if flags.contains(.impliesFirst) && reachesFirst && !actions[ordering.first].isOptional
                && !actions[ordering.first].isRunnable
                && actions[target].isRunnable
            {
                actions[target].flags.remove(.runnable)
                changed = true
            }
            if flags.contains(.restart) && applyRestart(first: ordering.first, then: target) { changed = true }
        }
        return changed
    }

    /// A clone's pseudo-action implies a non-clone action ordered with it (either way) only through the
    /// instance on that action's node (an instance starting or stopping elsewhere restarts nothing here).
    private func impliesThenOnNode(first: SchedulerAction, then: SchedulerAction) -> Bool {
        guard let clone = first.resource, resources[clone].kind == .clone, let dependent = then.resource,
            resources[dependent].kind != .clone, cloneAncestor(dependent) == nil
        else { return true }
        guard let node = then.node else { return false }
        let task = first.task == "running" ? "start" : (first.task == "stopped" ? "stop" : first.task)
        return resources[clone].children.flatMap(leaves).contains { leaf in
            actions(of: leaf, task: task).contains { actions[$0].node == node && !actions[$0].isOptional }
        }
    }

    /// stop -> start of one resource: a required start needs the stop; a start that cannot run while the
    /// resource is active means it must stop; a stop that cannot run blocks the start.
    private mutating func applyRestart(first: Int, then: Int) -> Bool {
        var changed = false
        let stop = actions[first]
        let start = actions[then]
        if stop.isOptional && stop.isRunnable {
            let isActive = start.resource.map { !resources[$0].runningOn.isEmpty } ?? false
            if !start.isOptional || (!start.isRunnable && isActive) {
                actions[first].flags.remove(.optional)
                changed = true
            }
        }
        if !actions[first].isOptional && !actions[first].isRunnable && actions[then].isRunnable {
            actions[then].flags.remove(.runnable)
            changed = true
        }
        return changed
    }

    /// A group's pseudo-actions are required when a member's matching action is, and "running" is
    /// unrunnable when a member cannot start.
    private mutating func updateGroupFlags() -> Bool {
        var changed = false
        for group in resources.indices where resources[group].kind == .group {
            let children = resources[group].children
            for (pseudo, childTask) in [("start", "start"), ("running", "start"), ("stop", "stop"), ("stopped", "stop")] {
                guard let id = actions(of: group, task: pseudo).first else { continue }
                let childActions = children.flatMap { actions(of: $0, task: childTask) }
                if actions[id].isOptional && childActions.contains(where: { !actions[$0].isOptional }) {
                    actions[id].flags.remove(.optional)
                    changed = true
                }
                let missing = pseudo == "running" && children.contains { actions(of: $0, task: childTask).isEmpty }
                if (pseudo == "running" || pseudo == "stopped") && actions[id].isRunnable
                    && (missing || childActions.contains(where: { !actions[$0].isRunnable }))
                {
                    actions[id].flags.remove(.runnable)
                    changed = true
                }
            }
        }
        return changed
    }
}
