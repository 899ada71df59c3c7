import XML

extension ExecutableGraph {
    /// Parses Pacemaker's `<transition_graph>` XML text.
    public static func parse(_ text: String, source: String = "<graph>") throws(GraphError) -> ExecutableGraph {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(text, source: source)
        } catch {
            throw GraphError("\(source): \(error)")
        }
        return try parse(document.root)
    }

    /// Parses a `<transition_graph>` element.
    public static func parse(_ root: XMLElement) throws(GraphError) -> ExecutableGraph {
        guard root.name == "transition_graph" else {
            throw GraphError("line \(root.line): expected <transition_graph>, found <\(root.name)>")
        }
        var synapses: [GraphSynapse] = []
        var seen = Set<Int>()
        for element in root.children(named: "synapse") {
            let synapse = try parseSynapse(element)
            for action in synapse.actions where !seen.insert(action.id).inserted {
                throw GraphError("line \(element.line): action id \(action.id) appears twice")
            }
            synapses.append(synapse)
        }
        for synapse in synapses {
            for input in synapse.inputs where !seen.contains(input) {
                throw GraphError("synapse \(synapse.id) waits for action \(input), which the graph does not contain")
            }
        }
        return ExecutableGraph(
            transitionID: try integer(root, "transition_id", default: 0),
            clusterDelay: try duration(root["cluster-delay"] ?? "60s", at: root),
            fencingTimeout: try duration(root["stonith-timeout"] ?? root["fencing-timeout"] ?? "60s", at: root),
            batchLimit: try integer(root, "batch-limit", default: 0),
            synapses: synapses)
    }

    private static func parseSynapse(_ element: XMLElement) throws(GraphError) -> GraphSynapse {
        let id = try integer(element, "id", default: nil)
        let actions = try (element.firstChild(named: "action_set")?.children ?? []).map { (child) throws(GraphError) in
            try parseAction(child)
        }
        guard !actions.isEmpty else { throw GraphError("line \(element.line): synapse \(id) has no action") }
        var inputs: [Int] = []
        for trigger in element.firstChild(named: "inputs")?.children(named: "trigger") ?? [] {
            for action in trigger.children { inputs.append(try integer(action, "id", default: nil)) }
        }
        return GraphSynapse(
            id: id, priority: try integer(element, "priority", default: 0), actions: actions, inputs: inputs)
    }

    private static func parseAction(_ element: XMLElement) throws(GraphError) -> GraphAction {
        guard let kind = GraphAction.Kind(rawValue: element.name) else {
            throw GraphError("line \(element.line): unknown action <\(element.name)>")
        }
        guard let operation = element["operation"], let key = element["operation_key"] else {
            throw GraphError("line \(element.line): <\(element.name)> lacks operation or operation_key")
        }
        var resource: GraphResource?
        if let primitive = element.firstChild(named: "primitive") {
            guard let id = primitive["id"], let agentClass = primitive["class"], let type = primitive["type"] else {
                throw GraphError("line \(primitive.line): <primitive> lacks id, class or type")
            }
            resource = GraphResource(
                id: id, longID: primitive["long-id"], agentClass: agentClass, provider: primitive["provider"],
                type: type)
        }
        if kind == .resource && resource == nil && operation != "cancel" && operation != "delete" {
            throw GraphError("line \(element.line): <rsc_op> \(key) has no <primitive>")
        }
        var attributes: [String: String] = [:]
        for (name, value) in element.firstChild(named: "attributes")?.attributes ?? [] { attributes[name] = value }
        let downed = element.firstChild(named: "downed")?.children(named: "node").compactMap { $0["id"] } ?? []
        return GraphAction(
            id: try integer(element, "id", default: nil), kind: kind, operation: operation, operationKey: key,
            node: element["on_node"], nodeUUID: element["on_node_uuid"], resource: resource, attributes: attributes,
            downed: downed)
    }

    private static func integer(_ element: XMLElement, _ name: String, default fallback: Int?) throws(GraphError)
        -> Int
    {
        guard let text = element[name] else {
            if let fallback { return fallback }
            throw GraphError("line \(element.line): <\(element.name)> lacks \(name)")
        }
        guard let value = Int(text) else {
            throw GraphError("line \(element.line): <\(element.name)> \(name)=\"\(text)\" is not an integer")
        }
        return value
    }

    /// Pacemaker's interval syntax as the graph uses it: a number with an optional unit (ms, s, m, h).
    static func duration(_ text: String, at element: XMLElement) throws(GraphError) -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("min", 60_000), ("h", 3_600_000)]
        let trimmed = text.withoutSurroundingSpaces
        for (suffix, factor) in units.sorted(by: { $0.0.count > $1.0.count }) where trimmed.hasSuffix(suffix) {
            if let value = Int64(trimmed.dropLast(suffix.count)) { return .milliseconds(value * factor) }
        }
        if let seconds = Int64(trimmed) { return .seconds(seconds) }
        throw GraphError("line \(element.line): '\(text)' is not a duration")
    }
}

extension XMLElement {
    fileprivate subscript(_ name: String) -> String? { self[attribute: name] }
}

extension String {
    fileprivate var withoutSurroundingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
