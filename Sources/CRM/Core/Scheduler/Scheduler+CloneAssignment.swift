extension Scheduler {
    /// Assigns a clone's instances: primaries first, the clone's own scores (with its dependents'
    /// preferences), then instances in Pacemaker's order — first to where they run now when that is still
    /// among the best places, then the rest — at most `clone-node-max` per node and `clone-max` in all.
    mutating func assignClone(_ clone: Int) {
        guard !resources[clone].isAssigned, !resources[clone].isAssigning else { return }
        resources[clone].isAssigning = true
        for colocation in colocationsAsDependent[clone] { assign(colocations[colocation].primary) }
        var scores = resources[clone].allowed
        for colocation in colocationsAsPrimary[clone] {
            let constraint = colocations[colocation]
            guard constraint.influence else { continue }
            var visited: Set<Int> = [clone]
            scores = merge(
                constraint.dependent, into: scores, attribute: constraint.nodeAttribute,
                factor: Double(constraint.score) / Double(Score.infinity), visited: &visited, keepNonNegative: true)
        }
        resources[clone].allowed = scores
        if recordsScores { recordCloneScores(clone) }
        let sorted = sortedInstances(clone)
        // Like Pacemaker, the instances stay in assignment order from here on (ordered clones, probes).
        resources[clone].children = sorted + resources[clone].children.filter { !sorted.contains($0) }
        assignInstances(clone, sorted)
        resources[clone].isAssigning = false
        resources[clone].isAssigned = true
    }

    /// The clone's colocations an instance (or a cloned group's first member) applies as its own.
    func inheritedColocations(_ index: Int) -> [Int] {
        guard let instance = cloneInstance(index), let clone = resources[instance].parent else { return [] }
        let isLead = instance == index || resources[instance].children.first == index
        return isLead ? colocationsAsDependent[clone] : []
    }

    /// The nodes a colocation's primary is (or will be) on; for a clone, every assigned instance's node,
    /// or with `interleave` the node of the primary instance compatible with the dependent.
    func colocatedNodes(_ colocation: ResolvedColocation) -> [Int] {
        let primary = colocation.primary
        switch resources[primary].kind {
        case .primitive: return resources[primary].assignedNode.map { [$0] } ?? []
        case .group: return assignedNode(primary).map { [$0] } ?? []
        case .clone:
            let assigned = activeInstances(primary).filter { !resources[$0].isBlocked }.compactMap(assignedNode)
            guard let dependentClone = cloneAncestor(colocation.dependent),
                resources[dependentClone].clone?.isInterleaved == true
            else { return assigned }
            let allowed = resources[colocation.dependent].allowed
            let candidates = nodes.indices.filter { allowed[$0] != Self.absent && nodes[$0].isAvailable }
                .sorted { a, b in
                    if allowed[a] != allowed[b] { return allowed[a] > allowed[b] }
                    if nodes[a].assignedCount != nodes[b].assignedCount { return nodes[a].assignedCount < nodes[b].assignedCount }
                    return nodes[a].uname < nodes[b].uname
                }
            return candidates.first(where: assigned.contains).map { [$0] } ?? []
        }
    }

    /// Pacemaker's instance order: less multiply active, not on a banned node, priority, active, current
    /// node usable, clone allowed there, not failed, then instance number.
    private func sortedInstances(_ clone: Int) -> [Int] {
        let instances = activeInstances(clone)
        func compare(_ a: Int, _ b: Int) -> Int {
            let nodesA = currentNodes(a)
            let nodesB = currentNodes(b)
            if !nodesA.isEmpty && !nodesB.isEmpty && nodesA.count != nodesB.count { return nodesA.count < nodesB.count ? -1 : 1 }
            func allowedNode(_ instance: Int, _ running: [Int]) -> Int? {
                guard let node = running.first else { return nil }
                let score = resources[leaves(instance).first ?? instance].allowed[node]
                return score == Self.absent || score < 0 ? nil : node
            }
            let nodeA = allowedNode(a, nodesA)
            let nodeB = allowedNode(b, nodesB)
            let canA = nodesA.isEmpty || nodeA != nil
            let canB = nodesB.isEmpty || nodeB != nil
            if canA != canB { return canA ? -1 : 1 }
            if resources[a].priority != resources[b].priority { return resources[a].priority > resources[b].priority ? -1 : 1 }
            switch (nodeA, nodeB) {
            case (nil, nil): return 0
            case (nil, _): return 1
            case (_, nil): return -1
            case (let x?, let y?):
                if nodes[x].isAvailable != nodes[y].isAvailable { return nodes[x].isAvailable ? -1 : 1 }
                let parentA = resources[clone].allowed[x] != Self.absent
                let parentB = resources[clone].allowed[y] != Self.absent
                if parentA != parentB { return parentA ? -1 : 1 }
            }
            let failedA = leaves(a).contains { resources[$0].isFailed }
            let failedB = leaves(b).contains { resources[$0].isFailed }
            if failedA != failedB { return failedA ? 1 : -1 }
            let numberA = resources[a].instanceNumber ?? 0
            let numberB = resources[b].instanceNumber ?? 0
            return numberA == numberB ? 0 : (numberA < numberB ? -1 : 1)
        }
        // A stable insertion sort: equal instances keep their (numeric) order.
        var sorted: [Int] = []
        for instance in instances {
            var position = sorted.count
            while position > 0 && compare(instance, sorted[position - 1]) < 0 { position -= 1 }
            sorted.insert(instance, at: position)
        }
        return sorted
    }

    private mutating func assignInstances(_ clone: Int, _ instances: [Int]) {
        guard let settings = resources[clone].clone else { return }
        let available = nodes.indices.filter { resources[clone].allowed[$0] != Self.absent && nodes[$0].isAvailable }.count
        let optimalPerNode = max(1, available > 0 ? settings.maxInstances / available : 0)
        var counts = Array(repeating: 0, count: nodes.count)
        var assigned = 0
        var done: Set<Int> = []
        for instance in instances where assigned < settings.maxInstances {
            guard let current = preferredNode(instance, clone: clone, optimalPerNode: optimalPerNode, counts: counts) else {
                continue
            }
            if assignEarly(instance, clone: clone, current: current, counts: &counts, available: settings.maxInstances - assigned) {
                assigned += 1
                done.insert(instance)
            }
        }
        for instance in instances where !done.contains(instance) {
            if assigned >= settings.maxInstances {
                for leaf in leaves(instance) {
                    for node in nodes.indices { setAllowed(leaf, node: node, -Score.infinity) }
                }
                assignTentatively(instance, clone: clone, prefer: nil, counts: &counts)
            } else if assignTentatively(instance, clone: clone, prefer: nil, counts: &counts) != nil {
                assigned += 1
            }
        }
    }

    /// An active, healthy instance's current node, if usable and not yet holding its share of instances.
    private func preferredNode(_ instance: Int, clone: Int, optimalPerNode: Int, counts: [Int]) -> Int? {
        let running = currentNodes(instance)
        guard let node = running.first, !leaves(instance).contains(where: { resources[$0].isFailed }) else { return nil }
        guard nodes[node].isAvailable, counts[node] < optimalPerNode else { return nil }
        return node
    }

    /// Tries to keep an instance on its current node: if it would go elsewhere, that node is reserved
    /// for another instance and the attempt repeats; when it never lands at home, everything is undone.
    private mutating func assignEarly(_ instance: Int, clone: Int, current: Int, counts: inout [Int], available: Int) -> Bool {
        let lead = leaves(instance).first ?? instance
        let score = resources[lead].allowed[current]
        guard score != Self.absent, score >= 0 else { return false }
        let saved = snapshot(instance)
        var scratch = counts
        var reserved = 0
        while reserved < available {
            let chosen = assignTentatively(instance, clone: clone, prefer: current, counts: &scratch)
            if chosen == current {
                counts[current] += 1
                return true
            }
            restore(saved)
            guard chosen != nil else { return false }
            reserved += 1
        }
        return false
    }

    /// Bans the nodes an instance cannot use now, then assigns it (and a cloned group's members).
    @discardableResult
    private mutating func assignTentatively(_ instance: Int, clone: Int, prefer: Int?, counts: inout [Int]) -> Int? {
        let perNode = resources[clone].clone?.maxPerNode ?? 1
        for node in nodes.indices {
            let parentScore = resources[clone].allowed[node]
            let usable = !resources[instance].isOrphan && nodes[node].isAvailable && parentScore != Self.absent
                && parentScore >= 0 && counts[node] < perNode
            if !usable { for leaf in leaves(instance) { setAllowed(leaf, node: node, -Score.infinity) } }
        }
        for leaf in leaves(instance) { assign(leaf, prefer: leaf == leaves(instance).first ? prefer : nil) }
        let chosen = assignedNode(instance)
        if let chosen { counts[chosen] += 1 }
        return chosen
    }

    private mutating func setAllowed(_ resource: Int, node: Int, _ score: Int) {
        if resources[resource].allowed[node] != Self.absent { resources[resource].allowed[node] = score }
    }

    /// The state an assignment attempt changes: the instance's primitives and the nodes' counters.
    private func snapshot(_ instance: Int) -> (resources: [(Int, SchedulerResource)], nodes: [SchedulerNode], lines: Int) {
        (leaves(instance).map { ($0, resources[$0]) }, nodes, scoreLines.count)
    }

    private mutating func restore(_ saved: (resources: [(Int, SchedulerResource)], nodes: [SchedulerNode], lines: Int)) {
        for (index, resource) in saved.resources { resources[index] = resource }
        nodes = saved.nodes
        scoreLines.removeSubrange(saved.lines...)
    }

    private mutating func recordCloneScores(_ clone: Int) {
        for index in [clone] + activeInstances(clone).flatMap({ [$0] + (resources[$0].kind == .group ? leaves($0) : []) }) {
            let scores = resources[resources[index].kind == .group ? (leaves(index).first ?? index) : index].allowed
            for node in nodes.indices.sorted(by: { nodes[$0].uname < nodes[$1].uname }) where scores[node] != Self.absent {
                scoreLines.append(
                    "pcmk__clone_assign: \(resources[index].id) allocation score on \(nodes[node].uname): \(Score.format(scores[node]))")
            }
        }
    }
}
