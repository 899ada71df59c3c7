extension Scheduler {
    /// A probe must finish before anything it could restart: following "first implies then" orderings from
    /// a resource's probe, every start of another primitive reached gets the probe ordered before its stops.
    mutating func addRestartOrderingsForProbes() {
        var after: [Int: [(then: Int, flags: OrderingFlags)]] = [:]
        for ordering in orderings { after[ordering.first, default: []].append((ordering.then, ordering.flags)) }
        let probes = actions.indices.filter { actions[$0].isProbe }
        for probe in probes {
            guard let resource = actions[probe].resource else { continue }
            var visited: Set<Int> = []
            var stack = (after[probe] ?? []).map(\.then)
            var additions: [Int] = []
            while let current = stack.popLast() {
                guard visited.insert(current).inserted else { continue }
                let action = actions[current]
                if let other = action.resource, other != resource, resources[other].kind == .primitive, action.task == "start",
                    cloneAncestor(other) == nil || cloneAncestor(other) != cloneAncestor(resource)
                {
                    additions += actions(of: other, task: "stop").filter { !actions[$0].isPseudo }
                }
                for (then, flags) in after[current] ?? [] {
                    let throughClone = flags.contains(.collectiveChild) && isInClone(action)
                        && (action.task == "start" || action.task == "running")
                    if flags.contains(.impliesThen) || isChildAction(then, of: action) || throughClone { stack.append(then) }
                }
            }
            for stop in additions { order(probe, stop, [.optional]) }
        }
    }

    private func isChildAction(_ candidate: Int, of action: SchedulerAction) -> Bool {
        guard let group = action.resource, resources[group].kind == .group, let child = actions[candidate].resource else {
            return false
        }
        return resources[child].parent == group
    }

    /// Whether an action belongs to a clone (the clone's pseudo-action or an instance's).
    private func isInClone(_ action: SchedulerAction) -> Bool {
        guard let resource = action.resource else { return false }
        return resources[resource].kind == .clone || cloneAncestor(resource) != nil
    }
}
