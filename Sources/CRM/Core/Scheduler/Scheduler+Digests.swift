import XML

extension Scheduler {
    /// The parameters Pacemaker hashes for an operation: instance attributes, the op's own instance
    /// attributes, and for recurring operations the timeout.
    func digestParameters(_ index: Int, node: Int, task: String, intervalMs: Int) -> [String: String] {
        var result = parameters(index, node: node)
        if let definition = operationDefinition(index, task: task, intervalMs: intervalMs) {
            var context = RuleContext(now: now)
            context.nodeAttributes = nodes[node].attributes
            for (name, value) in Self.evaluate(definition.instanceSets, context: context) { result[name] = value }
        }
        if intervalMs > 0 {
            result["CRM_meta_timeout"] = String(timeoutMs(index, task: task, intervalMs: intervalMs))
        }
        return result
    }

    /// Pacemaker's digest: MD5 of ` <parameters a="1" b="2"/>` + newline, attributes sorted by name.
    static func digest(_ parameters: [String: String]) -> String {
        var text = " <parameters"
        for (name, value) in parameters.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            text += " \(name)=\"\(xmlEscaped(value))\""
        }
        text += "/>\n"
        return MD5.hexDigest(text)
    }

    static func names(_ list: String?) -> Set<String> {
        Set((list ?? "").split(separator: " ").map(String.init))
    }

    /// Why a resource active on `node` must restart (or reload) because its definition changed, or nil.
    mutating func definitionChange(_ index: Int, node: Int) -> String? {
        guard let record = resources[index].lastDefiningOperation[node], let recorded = record.digest else { return nil }
        let task = record.operation == "monitor" ? "monitor" : "start"
        let all = digestParameters(index, node: node, task: task, intervalMs: 0)
        if let restartDigest = record.restartDigest {
            let restartNames = Self.names(record.forceRestart)
            let restart = all.filter { restartNames.contains($0.key) }
            if Self.digest(restart) != restartDigest { return "resource definition change" }
        }
        guard Self.digest(all) != recorded else { return nil }
        if let secureDigest = record.secureDigest {
            let secret = Self.names(record.secureParameters)
            if Self.digest(all.filter { !secret.contains($0.key) }) == secureDigest { return nil }
        }
        // Operation-level parameters cannot be reloaded: changing them needs a restart.
        let resourceOnly = parameters(index, node: node)
        if record.restartDigest != nil && Self.digest(resourceOnly) != recorded {
            scheduleReload(index, node: node)
            return nil
        }
        return "resource definition change"
    }

    /// Whether a recurring monitor's parameters changed since it was scheduled.
    func recurringDigestChanged(_ index: Int, node: Int, record: OperationRecord) -> Bool {
        guard let recorded = record.digest else { return false }
        let all = digestParameters(index, node: node, task: record.operation, intervalMs: record.intervalMs)
        if Self.digest(all) == recorded { return false }
        if let secureDigest = record.secureDigest {
            let secret = Self.names(record.secureParameters)
            if Self.digest(all.filter { !secret.contains($0.key) }) == secureDigest { return false }
        }
        return true
    }

    private mutating func scheduleReload(_ index: Int, node: Int) {
        let id = action(
            owner: resources[index].id, resource: index, task: "reload-agent", node: node, element: .resourceOperation,
            optional: false)
        setMeta(id, resource: index, task: "reload-agent", intervalMs: 0)
        resources[index].reloadedOn.insert(node)
        for probe in resourceActions[index, default: []] where actions[probe].isProbe { order(probe, id, [.optional]) }
    }
}
