extension Scheduler {
    static let absent = Int.min

    /// The primitives a constraint reference names: a primitive, a group's members, a template's or a tag's users.
    func primitives(named id: String) -> [Int] {
        if let index = resourceByID[id] {
            let resource = resources[index]
            switch resource.kind {
            case .primitive: return [index]
            case .group: return resource.children
            case .clone: return leaves(index)
            }
        }
        if model.templateIDs.contains(id) {
            return resources.indices.filter { resources[$0].kind == .primitive && templateOf($0) == id }
        }
        if let members = model.tags[id] { return members.flatMap { primitives(named: $0) } }
        return []
    }

    /// Top-level-or-group resources a constraint reference names (groups stay whole).
    func constrainedResources(named id: String) -> [Int] {
        if let index = resourceByID[id] { return [index] }
        if model.templateIDs.contains(id) {
            return resources.indices.filter { resources[$0].kind == .primitive && templateOf($0) == id }
        }
        if let members = model.tags[id] { return members.flatMap { constrainedResources(named: $0) } }
        return []
    }

    private func templateOf(_ index: Int) -> String? {
        for definition in model.resources {
            switch definition {
            case .primitive(let primitive) where primitive.id == resources[index].id: return primitive.template
            case .group(let group):
                if let member = group.members.first(where: { $0.id == resources[index].id }) { return member.template }
            default: continue
            }
        }
        return nil
    }

    /// Sets up every primitive's allowed-node scores: symmetry, locations, health, bans, stickiness.
    mutating func applyLocations() {
        let initial = options.symmetric ? 0 : Self.absent
        for index in resources.indices { resources[index].allowed = Array(repeating: initial, count: nodes.count) }
        for location in model.locations { apply(location) }
        for index in resources.indices where resources[index].kind == .primitive || resources[index].kind == .clone {
            applyHealthAndBans(index)
        }
    }

    private mutating func apply(_ location: LocationConstraint) {
        if let role = location.role, role != .started { return }
        var targets = location.resources.flatMap { primitives(named: $0) }
        // A location on a clone also scores the clone itself (its instances are limited by it).
        targets += location.resources.compactMap { resourceByID[$0] }.filter { resources[$0].kind == .clone }
        if let pattern = location.pattern {
            var text = pattern
            let inverted = text.hasPrefix("!")
            if inverted { text.removeFirst() }
            if let regex = try? Regex(text) {
                let matching = resources.indices.filter { index in
                    resources[index].kind == .primitive && !resources[index].isOrphan
                        && ((try? regex.firstMatch(in: resources[index].id)) != nil) != inverted
                }
                targets += matching
            }
        }
        for target in targets {
            if let nodeName = location.node, let score = location.score {
                guard let node = nodeByName[nodeName] else { continue }
                addLocation(target, node: node, score: score, discovery: location.discovery)
            }
            for rule in location.rules {
                if let role = rule.role, role != .started { continue }
                for node in nodes.indices {
                    var context = RuleContext(now: now)
                    context.nodeAttributes = nodes[node].attributes
                    context.resourceParameters = parameters(target, node: node)
                    context.resourceMeta = resources[target].meta
                    guard rule.matches(context) else { continue }
                    var score = rule.score ?? 0
                    if let attribute = rule.scoreAttribute {
                        guard let value = nodes[node].attributes[attribute], let parsed = Score.parse(value) else { continue }
                        score = parsed
                    }
                    addLocation(target, node: node, score: score, discovery: location.discovery)
                }
            }
        }
    }

    mutating func addLocation(_ resource: Int, node: Int, score: Int, discovery: String? = nil) {
        let current = resources[resource].allowed[node]
        resources[resource].allowed[node] = current == Self.absent ? score : Score.add(current, score)
        switch discovery?.lowercased() {
        case "never": resources[resource].discoveryNever.insert(node)
        case "exclusive":
            var exclusive = resources[resource].exclusiveDiscovery ?? []
            exclusive.insert(node)
            resources[resource].exclusiveDiscovery = exclusive
        default: break
        }
    }

    private mutating func applyHealthAndBans(_ index: Int) {
        let resource = resources[index]
        for node in nodes.indices {
            let health = nodes[node].healthScore
            if health != 0 && !ClusterModel.isTrue(resource.meta["allow-unhealthy-nodes"]) {
                addLocation(index, node: node, score: health)
            }
            if resource.bannedNodes.contains(node) || resource.bannedEverywhere {
                addLocation(index, node: node, score: -Score.infinity)
            }
            if resource.runningOn.count == 1, resource.runningOn[0] == node, resource.isManaged, resource.stickiness != 0,
                options.symmetric || resource.allowed[node] != Self.absent
            {
                addLocation(index, node: node, score: resource.stickiness)
            }
            if failCount(index, node: node) >= resource.migrationThreshold, resource.migrationThreshold > 0 {
                addLocation(index, node: node, score: -Score.infinity)
            }
        }
    }

    /// The effective fail count of a resource on a node (expired failures count zero).
    func failCount(_ resource: Int, node: Int) -> Int {
        let entry = failureEntry(resource, node: node)
        let total = entry.count
        let lastFailure = entry.lastFailure
        let timeout = resources[resource].failureTimeoutSeconds
        if timeout > 0, lastFailure > 0, lastFailure + timeout <= now { return 0 }
        return total
    }
}
