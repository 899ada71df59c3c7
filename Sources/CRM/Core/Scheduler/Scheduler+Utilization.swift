extension Scheduler {
    /// With a placement strategy, nodes without room for the resource (and members that must follow it) are banned.
    mutating func applyUtilizationLimits(_ index: Int) {
        guard options.placementStrategy != "default" else { return }
        var required = resources[index].utilization
        for follower in unassignedFollowers(of: index) {
            for (name, value) in resources[follower].utilization { required[name, default: 0] += value }
        }
        guard !required.isEmpty else { return }
        for node in nodes.indices where resources[index].allowed[node] != Self.absent {
            let fits = required.allSatisfy { name, value in (nodes[node].utilization[name] ?? 0) >= value }
            if !fits { resources[index].allowed[node] = -Score.infinity }
        }
    }

    /// Group members after `index` not yet assigned: they will be placed with it.
    private func unassignedFollowers(of index: Int) -> [Int] {
        guard let parent = resources[index].parent, resources[parent].kind == .group else { return [] }
        let children = resources[parent].children
        guard let position = children.firstIndex(of: index) else { return [] }
        return children[(position + 1)...].filter { !resources[$0].isAssigned }
    }

    /// Subtracts a resource's utilization from the node it was assigned to.
    mutating func consumeUtilization(_ index: Int, node: Int) {
        guard options.placementStrategy != "default" else { return }
        for (name, value) in resources[index].utilization {
            nodes[node].utilization[name] = (nodes[node].utilization[name] ?? 0) - value
        }
    }

    /// Balanced strategy: negative when `a` has more free capacity than `b` across attributes.
    func compareCapacity(_ a: Int, _ b: Int) -> Int {
        var result = 0
        for (name, value) in nodes[a].utilization {
            let other = nodes[b].utilization[name] ?? 0
            if value > other { result -= 1 } else if value < other { result += 1 }
        }
        for (name, value) in nodes[b].utilization where nodes[a].utilization[name] == nil {
            if value > 0 { result += 1 } else if value < 0 { result -= 1 }
        }
        return result
    }
}

extension Scheduler {
    /// With a placement strategy, starts wait for the stops that free a node's capacity (`load_stopped_NODE`).
    mutating func createLoadOrderings(_ index: Int) {
        guard options.placementStrategy != "default", resources[index].kind == .primitive else { return }
        for node in nodes.indices where nodes[node].isOnline { _ = loadStopped(node) }
        if let node = resources[index].assignedNode {
            let pseudo = loadStopped(node)
            for start in actions(of: index, task: "start") { order(pseudo, start, [.optional]) }
        }
        for node in resources[index].runningOn {
            let pseudo = loadStopped(node)
            for stop in actions(of: index, task: "stop") where actions[stop].node == node { order(stop, pseudo, [.optional]) }
        }
    }

    private mutating func loadStopped(_ node: Int) -> Int {
        let name = "load_stopped_\(nodes[node].uname)"
        let id = action(owner: name, resource: nil, task: name, node: node, element: .pseudoEvent, optional: false, pseudo: true)
        actions[id].key = name
        return id
    }
}
