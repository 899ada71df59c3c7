extension Scheduler {
    /// Assigns every resource to a node (or none), highest priority first.
    mutating func assignAll() {
        let order = assignmentOrder()
        for index in order {
            switch resources[index].kind {
            case .group: for child in resources[index].children { assign(child) }
            case .clone: assignClone(index)
            case .primitive: assign(index)
            }
        }
    }

    /// Pacemaker's order: priority, then the score on the current node; otherwise configuration order.
    private func assignmentOrder() -> [Int] {
        func key(_ index: Int) -> (priority: Int, current: Int) {
            let primitive = resources[index].kind == .primitive ? index : (leaves(index).first ?? index)
            // Like Pacemaker, an inactive resource compares with its priority in place of a current score.
            var current = resources[index].priority
            if let node = resources[primitive].runningOn.first {
                let score = resources[primitive].allowed[node]
                current = score == Self.absent || !nodes[node].isAvailable ? -Score.infinity : score
            }
            return (resources[index].priority, current)
        }
        let keys = topLevel.map(key)
        return topLevel.indices.sorted { a, b in
            if keys[a].priority != keys[b].priority { return keys[a].priority > keys[b].priority }
            if keys[a].current != keys[b].current { return keys[a].current > keys[b].current }
            return a < b
        }.map { topLevel[$0] }
    }

    /// Assigns one primitive, after the primaries it is colocated with; `prefer` wins over other nodes
    /// with the same best score (clone instances staying where they are).
    mutating func assign(_ index: Int, prefer: Int? = nil) {
        if resources[index].kind == .clone {
            assignClone(index)
            return
        }
        guard !resources[index].isAssigned, !resources[index].isAssigning else { return }
        resources[index].isAssigning = true
        for colocation in colocationsAsDependent[index] + inheritedColocations(index) {
            let primary = colocations[colocation].primary
            assign(primary)
            var applied = colocations[colocation]
            applied.dependent = index
            applyColocation(applied)
        }
        var scores = resources[index].allowed
        for colocation in colocationsAsPrimary[index] {
            let constraint = colocations[colocation]
            guard constraint.influence || resources[index].runningOn.isEmpty else { continue }
            var visited: Set<Int> = [index]
            scores = merge(
                constraint.dependent, into: scores, attribute: constraint.nodeAttribute,
                factor: Double(constraint.score) / Double(Score.infinity), visited: &visited)
        }
        resources[index].allowed = scores
        if recordsScores { recordScores(index) }
        choose(index, prefer: prefer)
        resources[index].isAssigning = false
        resources[index].isAssigned = true
    }

    /// Applies a "dependent with primary" colocation to the dependent's scores, the primary being assigned.
    private mutating func applyColocation(_ colocation: ResolvedColocation) {
        let dependent = colocation.dependent
        guard resources[colocation.primary].isAssigned else { return }
        let primaryNodes = colocatedNodes(colocation)
        guard !primaryNodes.isEmpty else {
            if colocation.score >= Score.infinity {
                for node in nodes.indices { setScore(dependent, node: node, -Score.infinity) }
            }
            return
        }
        let values = Set(primaryNodes.compactMap { nodes[$0].attributes[colocation.nodeAttribute] })
        var work = resources[dependent].allowed
        for node in nodes.indices where work[node] != Self.absent {
            let matches = nodes[node].attributes[colocation.nodeAttribute].map(values.contains) ?? false
            // With a clone, a mandatory colocation only excludes the nodes without an instance.
            if matches && (colocation.score < Score.infinity || resources[colocation.primary].kind != .clone) {
                work[node] = Score.add(work[node], colocation.score)
            } else if matches {
                continue
            } else if colocation.score >= Score.infinity {
                work[node] = -Score.infinity
            }
        }
        let isMandatory = colocation.score >= Score.infinity || colocation.score <= -Score.infinity
        if isMandatory || anyAvailable(work) { resources[dependent].allowed = work }
    }

    private mutating func setScore(_ resource: Int, node: Int, _ score: Int) {
        if resources[resource].allowed[node] != Self.absent { resources[resource].allowed[node] = score }
    }

    func anyAvailable(_ scores: [Int]) -> Bool {
        scores.indices.contains { scores[$0] != Self.absent && scores[$0] >= 0 && nodes[$0].isAvailable }
    }

    /// Adds a dependent's preferences (scaled by `factor`) to `scores`, following its own dependents.
    /// With `keepNonNegative` (a clone's own scores), a node that was usable is never made unusable.
    func merge(
        _ dependent: Int, into scores: [Int], attribute: String, factor: Double, visited: inout Set<Int>,
        keepNonNegative: Bool = false
    ) -> [Int] {
        guard !visited.contains(dependent) else { return scores }
        visited.insert(dependent)
        var work = scores
        let theirs = resources[dependent].allowed
        for node in nodes.indices where work[node] != Self.absent {
            let value = nodes[node].attributes[attribute]
            var best = -Score.infinity
            for other in nodes.indices where theirs[other] != Self.absent && nodes[other].isAvailable {
                if theirs[other] > best && nodes[other].attributes[attribute] == value { best = theirs[other] }
            }
            // A double negative becomes a preference only when the dependent cannot run there at all.
            if factor < 0 && best < 0 && best > -Score.infinity { continue }
            let scaled = factor * Double(best)
            var weight = Int(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
            if Swift.abs(scaled) >= Double(Score.infinity) { weight = scaled < 0 ? -Score.infinity : Score.infinity }
            if weight == 0 && best != 0 { weight = factor > 0 ? 1 : -1 }
            let merged = Score.add(weight, work[node])
            if keepNonNegative && merged < 0 && work[node] >= 0 { continue }
            work[node] = merged
        }
        guard anyAvailable(work) else { return scores }
        for colocation in colocationsAsPrimary[dependent] {
            let constraint = colocations[colocation]
            guard constraint.influence || resources[dependent].runningOn.isEmpty else { continue }
            work = merge(
                constraint.dependent, into: work, attribute: constraint.nodeAttribute,
                factor: factor * Double(constraint.score) / Double(Score.infinity), visited: &visited,
                keepNonNegative: keepNonNegative)
        }
        return work
    }

    /// Picks the node for a primitive from its final scores, as Pacemaker breaks ties.
    private mutating func choose(_ index: Int, prefer: Int?) {
        let resource = resources[index]
        if !resource.isManaged {
            resources[index].assignedNode = resource.runningOn.first
            resources[index].nextRole = resource.runningOn.isEmpty ? .stopped : resource.role
            return
        }
        if resource.targetRole == .stopped || resource.nextRoleForced == .stopped || resource.isOrphan {
            resources[index].nextRole = .stopped
            return
        }
        applyUtilizationLimits(index)
        let scores = resources[index].allowed
        let current = resource.runningOn.first
        let candidates = nodes.indices.filter { scores[$0] != Self.absent }
        func effective(_ node: Int) -> Int { nodes[node].isAvailable ? scores[node] : -Score.infinity }
        let sorted = candidates.sorted { a, b in
            let sa = effective(a)
            let sb = effective(b)
            if sa != sb { return sa > sb }
            if options.placementStrategy != "minimal" {
                if options.placementStrategy == "balanced" {
                    let comparison = compareCapacity(a, b)
                    if comparison != 0 { return comparison < 0 }
                }
                if nodes[a].assignedCount != nodes[b].assignedCount { return nodes[a].assignedCount < nodes[b].assignedCount }
                if let current, a == current || b == current { return a == current }
            }
            return nodes[a].uname < nodes[b].uname
        }
        guard var chosen = sorted.first else {
            resources[index].nextRole = .stopped
            return
        }
        if let prefer, scores[prefer] != Self.absent, nodes[prefer].isAvailable, effective(prefer) >= 0,
            effective(prefer) >= effective(chosen)
        {
            chosen = prefer
        } else if effective(chosen) > 0, let current, nodes[current].isAvailable, cloneAncestor(index) == nil {
            for node in sorted.dropFirst() {
                if effective(node) != effective(chosen) { break }
                if node == current { chosen = node }
            }
        }
        guard effective(chosen) >= 0, nodes[chosen].isAvailable, canStartResources || resource.runningOn.contains(chosen) || !needsQuorum(index) else {
            resources[index].nextRole = .stopped
            return
        }
        resources[index].assignedNode = chosen
        resources[index].nextRole = .started
        nodes[chosen].assignedCount += 1
        consumeUtilization(index, node: chosen)
    }

    private mutating func recordScores(_ index: Int) {
        let resource = resources[index]
        for node in nodes.indices.sorted(by: { nodes[$0].uname < nodes[$1].uname }) {
            let score = resource.allowed[node]
            guard score != Self.absent else { continue }
            let shown = nodes[node].isAvailable || score <= -Score.infinity ? score : -Score.infinity
            scoreLines.append("pcmk__primitive_assign: \(resource.id) allocation score on \(nodes[node].uname): \(Score.format(shown))")
        }
    }
}
