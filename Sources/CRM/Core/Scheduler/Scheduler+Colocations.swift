extension Scheduler {
    /// Expands colocation constraints (sets, groups, tags, templates) into primitive-to-primitive pairs.
    mutating func resolveColocations() {
        colocationsAsDependent = Array(repeating: [], count: resources.count)
        colocationsAsPrimary = Array(repeating: [], count: resources.count)
        // Group members follow the previous member.
        for group in resources where group.kind == .group {
            for (position, member) in group.children.enumerated() where position > 0 {
                addColocation(
                    ResolvedColocation(
                        id: "group:internal_colocation", dependent: member, primary: group.children[position - 1],
                        score: Score.infinity, nodeAttribute: "#uname", influence: resources[member].isCritical))
            }
        }
        for constraint in model.colocations {
            if let dependent = constraint.dependent, let primary = constraint.primary {
                for d in constrainedResources(named: dependent) {
                    for p in constrainedResources(named: primary) {
                        addColocation(constraint, dependent: d, primary: p, score: constraint.score,
                                      dependentRole: constraint.dependentRole, primaryRole: constraint.primaryRole)
                    }
                }
            }
            resolveSets(constraint)
        }
    }

    private mutating func resolveSets(_ constraint: ColocationConstraint) {
        var previous: [Int] = []
        var previousRole: ResourceRole?
        for set in constraint.sets {
            let members = set.resources.flatMap { constrainedResources(named: $0) }
            let score = set.score ?? constraint.score
            if set.sequential {
                for (position, member) in members.enumerated() where position > 0 {
                    addColocation(constraint, dependent: member, primary: members[position - 1], score: score,
                                  dependentRole: set.role, primaryRole: set.role)
                }
            } else if score <= -Score.infinity {
                for (a, first) in members.enumerated() {
                    for second in members[(a + 1)...] {
                        addColocation(constraint, dependent: second, primary: first, score: score, dependentRole: set.role, primaryRole: set.role)
                    }
                }
            }
            // Each set is colocated with the previous set: its members with the previous set's last (or all).
            if !previous.isEmpty {
                let primaries = previousSequentialOrAll(previous, constraint)
                for dependent in set.sequential ? Array(members.prefix(1)) : members {
                    for primary in primaries {
                        addColocation(constraint, dependent: dependent, primary: primary, score: constraint.score,
                                      dependentRole: set.role, primaryRole: previousRole)
                    }
                }
            }
            previous = members
            previousRole = set.role
            lastSetSequential = set.sequential
        }
    }

    private func previousSequentialOrAll(_ previous: [Int], _ constraint: ColocationConstraint) -> [Int] {
        lastSetSequential ? Array(previous.suffix(1)) : previous
    }

    private mutating func addColocation(
        _ constraint: ColocationConstraint, dependent: Int, primary: Int, score: Int, dependentRole: ResourceRole?,
        primaryRole: ResourceRole?
    ) {
        let influence = constraint.influence ?? resources[dependent].isCritical
        addColocation(
            ResolvedColocation(
                id: constraint.id, dependent: dependent, primary: primary, score: score, dependentRole: dependentRole,
                primaryRole: primaryRole, nodeAttribute: constraint.nodeAttribute, influence: influence))
    }

    /// Records a colocation, retargeting groups: a group dependent means its first member; a group primary
    /// means its last member when mandatory, else its first.
    private mutating func addColocation(_ original: ResolvedColocation) {
        guard original.score != 0, original.dependent != original.primary else { return }
        if let role = original.dependentRole, role != .started { return }
        if let role = original.primaryRole, role != .started { return }
        var colocation = original
        colocation.originalDependent = original.dependent
        colocation.originalPrimary = original.primary
        if resources[colocation.dependent].kind == .group {
            guard let first = resources[colocation.dependent].children.first else { return }
            colocation.dependent = first
        }
        if resources[colocation.primary].kind == .group {
            let children = resources[colocation.primary].children
            guard let member = colocation.score >= Score.infinity ? children.last : children.first else { return }
            colocation.primary = member
        }
        let index = colocations.count
        colocations.append(colocation)
        colocationsAsDependent[colocation.dependent].append(index)
        colocationsAsPrimary[colocation.primary].append(index)
    }
}
