extension Scheduler {
    /// Flattens the configured resources into the resource table and evaluates their attributes.
    mutating func unpackResources() {
        for definition in model.resources {
            switch definition {
            case .primitive(let primitive):
                topLevel.append(addPrimitive(primitive, parent: nil, parentMeta: [:], parentParameters: [:]))
            case .group(let group):
                topLevel.append(addGroup(group))
            case .clone(let clone):
                topLevel.append(addClone(clone))
            }
        }
    }

    mutating func addGroup(
        _ group: GroupDefinition, parent: Int? = nil, parentMeta: [String: String] = [:],
        parentParameters: [String: String] = [:], instance: CloneInstanceNaming? = nil
    ) -> Int {
        let index = resources.count
        let id = instance?.id(group.id) ?? group.id
        var resource = SchedulerResource(index: index, id: id, kind: .group, parent: parent)
        resource.baseID = instance?.baseID(group.id)
        resource.instanceNumber = instance?.number
        let context = RuleContext(now: now)
        var own = Self.evaluate(group.metaSets, context: context)
        for (name, value) in parentMeta where own[name] == nil { own[name] = value }
        resource.meta = own
        resource.parameters = Self.evaluate(group.instanceSets, context: context)
        for (name, value) in parentParameters where resource.parameters[name] == nil { resource.parameters[name] = value }
        resources.append(resource)
        resourceByID[id] = index
        applyMeta(index, meta: withDefaults(own, resourceClass: nil, provider: nil, type: nil))
        var children: [Int] = []
        for member in group.members {
            children.append(
                addPrimitive(member, parent: index, parentMeta: own, parentParameters: resources[index].parameters, instance: instance))
        }
        resources[index].children = children
        return index
    }

    mutating func addPrimitive(
        _ primitive: PrimitiveDefinition, parent: Int?, parentMeta: [String: String], parentParameters: [String: String],
        instance: CloneInstanceNaming? = nil
    ) -> Int {
        let index = resources.count
        let id = instance?.id(primitive.id) ?? primitive.id
        var resource = SchedulerResource(index: index, id: id, kind: .primitive, parent: parent)
        resource.baseID = instance?.baseID(primitive.id)
        resource.instanceNumber = instance?.number
        resource.resourceClass = primitive.resourceClass
        resource.provider = primitive.provider
        resource.type = primitive.type
        resource.operations = primitive.operations
        resource.instanceSets = primitive.instanceSets
        var context = RuleContext(now: now)
        context.resourceClass = primitive.resourceClass
        context.resourceProvider = primitive.provider
        context.resourceType = primitive.type
        var meta = Self.evaluate(primitive.metaSets, context: context)
        for (name, value) in parentMeta where meta[name] == nil { meta[name] = value }
        var parameters = Self.evaluate(primitive.instanceSets, context: context)
        for (name, value) in parentParameters where parameters[name] == nil { parameters[name] = value }
        resource.parameters = parameters
        for (name, value) in Self.evaluate(primitive.utilizationSets, context: context) {
            resource.utilization[name] = Int(value.trimmingSpaces) ?? 0
        }
        resources.append(resource)
        resourceByID[id] = index
        applyMeta(index, meta: withDefaults(meta, resourceClass: primitive.resourceClass, provider: primitive.provider, type: primitive.type))
        return index
    }

    func withDefaults(_ meta: [String: String], resourceClass: String?, provider: String?, type: String?) -> [String: String] {
        // rsc_defaults depend only on the agent (rules may test class, provider and type): evaluate once per agent.
        let key = AgentKey(resourceClass: resourceClass, provider: provider, type: type)
        let defaults: [String: String]
        if let cached = operationMetaCache.resourceDefaults[key] {
            defaults = cached
        } else {
            var context = RuleContext(now: now)
            context.resourceClass = resourceClass
            context.resourceProvider = provider
            context.resourceType = type
            defaults = Self.evaluate(model.resourceDefaults, context: context)
            operationMetaCache.resourceDefaults[key] = defaults
        }
        guard !defaults.isEmpty else { return meta }
        var result = meta
        for (name, value) in defaults where result[name] == nil { result[name] = value }
        return result
    }

    /// Reads the meta-attributes the scheduler acts on.
    mutating func applyMeta(_ index: Int, meta: [String: String]) {
        var resource = takeResource(index)
        defer { resources[index] = resource }
        resource.meta = operationMetaCache.shared(meta)
        resource.priority = meta["priority"].flatMap { Score.parse($0) } ?? 0
        resource.stickiness = meta["resource-stickiness"].flatMap { Score.parse($0) } ?? options.defaultStickiness
        if let threshold = meta["migration-threshold"].flatMap({ Score.parse($0) }) {
            resource.migrationThreshold = threshold <= 0 ? 0 : threshold
        }
        resource.failureTimeoutSeconds = (meta["failure-timeout"].flatMap(DurationText.milliseconds) ?? 0) / 1000
        resource.isManaged = meta["is-managed"].map { ClusterModel.isTrue($0) } ?? options.defaultIsManaged
        if options.maintenanceMode || ClusterModel.isTrue(meta["maintenance"]) {
            resource.isManaged = false
            resource.isInMaintenance = true
        }
        if let role = meta["target-role"].flatMap({ ResourceRole(name: $0) }) { resource.targetRole = role }
        if options.stopAll { resource.targetRole = .stopped }
        resource.isCritical = meta["critical"].map { ClusterModel.isTrue($0) } ?? true
        if let requires = meta["requires"] {
            resource.requires = requires
        } else if resource.resourceClass == "stonith" {
            resource.requires = "quorum"
        } else {
            resource.requires = options.fencingEnabled ? "fencing" : "quorum"
        }
        if resource.resourceClass == "stonith" && resource.requires != "nothing" { resource.requires = "quorum" }
    }
}
