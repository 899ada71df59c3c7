/// How a clone instance and its members are named: `rsc:N`; anonymous instances keep the configured id
/// as their status-section id.
struct CloneInstanceNaming {
    var number: Int
    var isUnique: Bool

    func id(_ configured: String) -> String { "\(configured):\(number)" }
    func baseID(_ configured: String) -> String? { isUnique ? nil : configured }
}

extension Scheduler {
    /// Adds a clone and its `clone-max` instances (copies of the cloned primitive or group) to the table.
    mutating func addClone(_ clone: CloneDefinition) -> Int {
        let index = resources.count
        var resource = SchedulerResource(index: index, id: clone.id, kind: .clone, parent: nil)
        let context = RuleContext(now: now)
        let own = Self.evaluate(clone.metaSets, context: context)
        resource.parameters = Self.evaluate(clone.instanceSets, context: context)
        resources.append(resource)
        resourceByID[clone.id] = index
        var meta = withDefaults(own, resourceClass: nil, provider: nil, type: nil)
        // Clone instances are sticky by default.
        if meta["resource-stickiness"] == nil { meta["resource-stickiness"] = "1" }
        applyMeta(index, meta: meta)
        func number(_ name: String) -> Int? { meta[name].flatMap { Int($0.trimmingSpaces) } }
        let settings = CloneSettings(
            maxInstances: max(0, number("clone-max") ?? nodes.count),
            maxPerNode: max(0, number("clone-node-max") ?? 1),
            // Only OCF and fencing agents can run distinct instances; other classes force an anonymous clone.
            isUnique: ClusterModel.isTrue(meta["globally-unique"]) && Self.primitives(of: clone.child).allSatisfy { $0.resourceClass == "ocf" || $0.resourceClass == "stonith" },
            isInterleaved: ClusterModel.isTrue(meta["interleave"]),
            isOrdered: ClusterModel.isTrue(meta["ordered"]))
        resources[index].clone = settings
        var children: [Int] = []
        for number in 0..<settings.maxInstances {
            children.append(addInstance(of: clone, parent: index, number: number, meta: meta))
        }
        resources[index].children = children
        return index
    }

    static func primitives(of definition: ResourceDefinition) -> [PrimitiveDefinition] {
        switch definition {
        case .primitive(let primitive): return [primitive]
        case .group(let group): return group.members
        case .clone(let clone): return primitives(of: clone.child)
        }
    }

    private mutating func addInstance(of clone: CloneDefinition, parent: Int, number: Int, meta: [String: String]) -> Int {
        let naming = CloneInstanceNaming(number: number, isUnique: resources[parent].clone?.isUnique ?? false)
        let parameters = resources[parent].parameters
        switch clone.child {
        case .primitive(let primitive):
            return addPrimitive(primitive, parent: parent, parentMeta: meta, parentParameters: parameters, instance: naming)
        case .group(let group):
            return addGroup(group, parent: parent, parentMeta: meta, parentParameters: parameters, instance: naming)
        case .clone:
            preconditionFailure("the parser accepts only a primitive or a group inside a clone")
        }
    }

    /// The clone a resource belongs to (an instance, or a member of a cloned group), if any.
    func cloneAncestor(_ index: Int) -> Int? {
        var current = resources[index].parent
        while let parent = current {
            if resources[parent].kind == .clone { return parent }
            current = resources[parent].parent
        }
        return nil
    }

    /// The clone instance a resource is or belongs to.
    func cloneInstance(_ index: Int) -> Int? {
        var current = index
        while let parent = resources[current].parent {
            if resources[parent].kind == .clone { return current }
            current = parent
        }
        return nil
    }

    /// The primitives of an instance (itself, or a cloned group's members).
    func leaves(_ index: Int) -> [Int] {
        switch resources[index].kind {
        case .primitive: return [index]
        case .group, .clone: return resources[index].children.flatMap(leaves)
        }
    }

    /// The instances taking part in placement (orphaned instances only stop).
    func activeInstances(_ clone: Int) -> [Int] {
        resources[clone].children.filter { !resources[$0].isOrphan }
    }

    /// Where an instance runs now (its first member's node for a cloned group).
    func currentNodes(_ instance: Int) -> [Int] {
        var result: [Int] = []
        for leaf in leaves(instance) { for node in resources[leaf].runningOn where !result.contains(node) { result.append(node) } }
        return result
    }

    /// The node an instance is assigned to (a cloned group goes where its first member goes).
    func assignedNode(_ instance: Int) -> Int? {
        switch resources[instance].kind {
        case .primitive: return resources[instance].assignedNode
        case .group, .clone:
            guard let first = resources[instance].children.first else { return nil }
            return assignedNode(first)
        }
    }

    /// Maps a history entry (`lrm_resource` id) of an anonymous clone onto an instance's primitive: the
    /// instance already active on the node, else the first instance active nowhere, else a new orphan one.
    mutating func anonymousInstanceMember(_ historyID: String, node: Int) -> Int? {
        let base = historyID.split(separator: ":", maxSplits: 1).first.map(String.init) ?? historyID
        guard let configured = resourceByID["\(base):0"], let clone = cloneAncestor(configured),
            resources[clone].clone?.isUnique == false
        else { return nil }
        func member(_ instance: Int) -> Int? { leaves(instance).first { resources[$0].historyID == base } }
        var inactive: Int?
        var skipInactive = false
        for instance in resources[clone].children {
            let running = currentNodes(instance)
            if running.contains(node) {
                // Several histories on one node (globally-unique switched off): the later ones are orphans.
                guard let found = leaves(instance).first(where: { resources[$0].historyID == base }) else { continue }
                if resources[found].runningOn.isEmpty { return member(instance) }
                skipInactive = true
            } else if running.isEmpty && inactive == nil && !skipInactive && !resources[instance].isOrphan
                && !leaves(instance).contains(where: { resources[$0].isBlocked })
            {
                inactive = instance
            }
        }
        if let inactive, !skipInactive { return member(inactive) }
        return addOrphanInstance(clone, base: base, like: configured)
    }

    /// An instance beyond `clone-max` found active: it only stops. For a cloned group the whole group
    /// instance is added; the member named `base` is returned.
    private mutating func addOrphanInstance(_ clone: Int, base: String, like template: Int) -> Int {
        let number = resources[clone].children.count
        guard let group = resources[template].parent, resources[group].kind == .group else {
            let index = addOrphanCopy(of: template, number: number, parent: clone)
            resources[clone].children.append(index)
            return index
        }
        let index = resources.count
        var instance = SchedulerResource(index: index, id: "\(resources[group].historyID):\(number)", kind: .group, parent: clone)
        instance.baseID = resources[group].baseID
        instance.instanceNumber = number
        instance.meta = resources[group].meta
        instance.isOrphan = true
        instance.targetRole = .stopped
        resources.append(instance)
        resourceByID[instance.id] = index
        resources[clone].children.append(index)
        let members = resources[group].children.map { addOrphanCopy(of: $0, number: number, parent: index) }
        resources[index].children = members
        return members.first { resources[$0].historyID == base } ?? members[0]
    }

    private mutating func addOrphanCopy(of template: Int, number: Int, parent: Int) -> Int {
        let index = resources.count
        let configured = resources[template]
        var resource = SchedulerResource(index: index, id: "\(configured.historyID):\(number)", kind: .primitive, parent: parent)
        resource.baseID = configured.baseID
        resource.instanceNumber = number
        resource.resourceClass = configured.resourceClass
        resource.provider = configured.provider
        resource.type = configured.type
        resource.meta = configured.meta
        resource.parameters = configured.parameters
        resource.instanceSets = configured.instanceSets
        resource.operations = configured.operations
        resource.requires = configured.requires
        resource.isManaged = configured.isManaged
        resource.failureTimeoutSeconds = configured.failureTimeoutSeconds
        resource.isOrphan = true
        resource.targetRole = .stopped
        resources.append(resource)
        resourceByID[resource.id] = index
        return index
    }

    /// `CRM_meta_*` attributes of a clone (and of its instances' actions).
    func cloneMeta(_ clone: Int, instance: Int?) -> [(String, String)] {
        guard let settings = resources[clone].clone else { return [] }
        var meta: [(String, String)] = []
        if let number = instance.flatMap({ resources[$0].instanceNumber }) { meta.append(("CRM_meta_clone", String(number))) }
        meta += [
            ("CRM_meta_clone_max", String(settings.maxInstances)),
            ("CRM_meta_clone_node_max", String(settings.maxPerNode)),
            ("CRM_meta_globally_unique", settings.isUnique ? "true" : "false"),
            ("CRM_meta_notify", "false"),
        ]
        return meta
    }
}
