extension Scheduler {
    /// The configured operation for `task` at `intervalMs`, if any.
    func operationDefinition(_ resource: Int, task: String, intervalMs: Int) -> OperationDefinition? {
        resources[resource].operations.first { $0.name == task && $0.intervalMs == intervalMs && isEnabled($0) }
    }

    func isEnabled(_ operation: OperationDefinition) -> Bool {
        operation.attributes["enabled"].map { ClusterModel.isTrue($0) } ?? true
    }

    /// Operation options: the op's attributes, its meta sets, then `op_defaults`; first value wins.
    func operationMeta(_ resource: Int, task: String, intervalMs: Int) -> [String: String] {
        let key = OperationMetaKey(resource: resource, task: task, intervalMs: intervalMs)
        if let cached = operationMetaCache.value[key] { return cached }
        let result = operationMetaCache.shared(computeOperationMeta(resource, task: task, intervalMs: intervalMs))
        operationMetaCache.value[key] = result
        return result
    }

    private func computeOperationMeta(_ resource: Int, task: String, intervalMs: Int) -> [String: String] {
        var context = RuleContext(now: now)
        let rsc = resources[resource]
        context.resourceClass = rsc.resourceClass
        context.resourceProvider = rsc.provider
        context.resourceType = rsc.type
        context.operationName = task
        context.operationIntervalMs = intervalMs
        var result: [String: String] = [:]
        var definition = operationDefinition(resource, task: task, intervalMs: intervalMs)
        if definition == nil && task == "monitor" && intervalMs == 0 { definition = probeSource(resource) }
        if let definition {
            for (name, value) in definition.attributes where !["id", "name", "interval"].contains(name) {
                if name == "timeout" && task == "monitor" && intervalMs == 0 && definition.intervalMs != 0 {
                    result[name] = value
                    continue
                }
                result[name] = value
            }
            for (name, value) in Self.evaluate(definition.metaSets, context: context) where result[name] == nil {
                result[name] = value
            }
        }
        for (name, value) in Self.evaluate(model.operationDefaults, context: context, laterSetsWin: true) where result[name] == nil {
            result[name] = value
        }
        return result
    }

    /// For probes without their own definition: the monitor with the shortest interval.
    private func probeSource(_ resource: Int) -> OperationDefinition? {
        resources[resource].operations.filter { $0.name == "monitor" && $0.intervalMs > 0 && isEnabled($0) }
            .min { $0.intervalMs < $1.intervalMs }
    }

    /// The timeout of an operation in milliseconds (default 20 s).
    func timeoutMs(_ resource: Int, task: String, intervalMs: Int) -> Int {
        var effectiveTask = task
        if task == "probe" { effectiveTask = "monitor" }
        let key = OperationMetaKey(resource: resource, task: effectiveTask, intervalMs: intervalMs)
        if let cached = operationMetaCache.timeouts[key] { return cached }
        let meta = operationMeta(resource, task: effectiveTask, intervalMs: intervalMs)
        var result = 20_000
        if let text = meta["timeout"], let value = DurationText.milliseconds(text) { result = value }
        operationMetaCache.timeouts[key] = result
        return result
    }

    /// The recurring monitors configured for `role` (Started means no role or role Started).
    func recurringMonitors(_ resource: Int, role: ResourceRole) -> [OperationDefinition] {
        resources[resource].operations.filter { operation in
            guard operation.name == "monitor", operation.intervalMs > 0, isEnabled(operation) else { return false }
            let operationRole = operation.attributes["role"].flatMap { ResourceRole(name: $0) }
            switch role {
            case .stopped: return operationRole == .stopped
            default: return operationRole == nil || operationRole == role || (operationRole == .started && role == .started)
            }
        }
    }

    /// The resource's instance parameters evaluated for one node (rules may depend on node attributes).
    func parameters(_ resource: Int, node: Int?) -> [String: String] {
        let rsc = resources[resource]
        guard let node, rsc.instanceSets.contains(where: { $0.rule != nil }) else { return rsc.parameters }
        var context = RuleContext(now: now)
        context.nodeAttributes = nodes[node].attributes
        context.resourceClass = rsc.resourceClass
        context.resourceProvider = rsc.provider
        context.resourceType = rsc.type
        var result = Self.evaluate(rsc.instanceSets, context: context)
        if let parent = rsc.parent {
            for (name, value) in resources[parent].parameters where result[name] == nil { result[name] = value }
        }
        return result
    }
}

/// Identifies one operation's configuration in the per-run cache.
struct OperationMetaKey: Hashable {
    var resource: Int
    var task: String
    var intervalMs: Int
}

/// A per-run memo of evaluated operation options; owned by one `Scheduler`, never shared across runs.
final class OperationMetaCache {
    var value: [OperationMetaKey: [String: String]] = [:]
    /// Operation timeouts in milliseconds.
    var timeouts: [OperationMetaKey: Int] = [:]
    /// Evaluated `rsc_defaults` per agent.
    var resourceDefaults: [AgentKey: [String: String]] = [:]
    /// One stored copy of each distinct option map: thousands of resources usually share a few.
    private var maps: Set<[String: String]> = []

    /// `map`, or an equal map stored earlier (sharing its storage).
    func shared(_ map: [String: String]) -> [String: String] {
        if map.isEmpty { return map }
        if let index = maps.firstIndex(of: map) { return maps[index] }
        maps.insert(map)
        return map
    }
}

/// A resource agent, the part of a resource that `rsc_defaults` rules can test.
struct AgentKey: Hashable {
    var resourceClass: String?
    var provider: String?
    var type: String?
}
