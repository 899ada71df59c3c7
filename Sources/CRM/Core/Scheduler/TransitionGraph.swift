import XML

/// A Pacemaker transition graph: actions (synapses) and the actions each waits for.
public struct TransitionGraph: Sendable, Equatable {
    /// One action in the graph.
    public struct Action: Sendable, Equatable {
        /// `rsc_op`, `pseudo_event` or `crm_event`.
        public var element: String
        public var id: Int
        public var operation: String
        public var operationKey: String
        /// The key under the clone instance's own name when the status section knows it by another
        /// (`internal_operation_key`).
        public var internalOperationKey: String? = nil
        public var node: String?
        public var nodeUUID: String?
        /// `class`, `provider`, `type` and `id` of the primitive for resource operations.
        public var primitive: [(String, String)]?
        public var attributes: [(String, String)]
        public var downed: [String]
        public var priority: Int

        public static func == (a: Action, b: Action) -> Bool {
            a.element == b.element && a.id == b.id && a.operation == b.operation && a.operationKey == b.operationKey
                && a.node == b.node && a.attributes.map { "\($0.0)=\($0.1)" } == b.attributes.map { "\($0.0)=\($0.1)" }
        }
    }

    /// Graph-wide attributes in output order.
    public var header: [(String, String)]
    /// Actions, each with the ids of the actions it waits for.
    public var synapses: [(action: Action, inputs: [Int])]

    public static func == (a: TransitionGraph, b: TransitionGraph) -> Bool {
        a.synapses.map(\.action) == b.synapses.map(\.action) && a.synapses.map(\.inputs) == b.synapses.map(\.inputs)
    }

    /// The graph as Pacemaker writes it (two-space indentation, one synapse per action).
    public func xml() -> String {
        var out = "<transition_graph"
        for (name, value) in header { out += " \(name)=\"\(xmlEscaped(value))\"" }
        guard !synapses.isEmpty else { return out + "/>\n" }
        out += ">\n"
        let byID = Dictionary(synapses.map { ($0.action.id, $0.action) }, uniquingKeysWith: { a, _ in a })
        for (number, synapse) in synapses.enumerated() {
            out += "  <synapse id=\"\(number)\"\(synapse.action.priority != 0 ? " priority=\"\(synapse.action.priority)\"" : "")>\n"
            out += "    <action_set>\n"
            out += Self.actionXML(synapse.action, indent: "      ", full: true)
            out += "    </action_set>\n"
            if synapse.inputs.isEmpty {
                out += "    <inputs/>\n"
            } else {
                out += "    <inputs>\n"
                for input in synapse.inputs {
                    guard let action = byID[input] else { continue }
                    out += "      <trigger>\n" + Self.actionXML(action, indent: "        ", full: false) + "      </trigger>\n"
                }
                out += "    </inputs>\n"
            }
            out += "  </synapse>\n"
        }
        return out + "</transition_graph>\n"
    }

    private static func actionXML(_ action: Action, indent: String, full: Bool) -> String {
        var open = "\(indent)<\(action.element) id=\"\(action.id)\" operation=\"\(xmlEscaped(action.operation))\""
        open += " operation_key=\"\(xmlEscaped(action.operationKey))\""
        if let key = action.internalOperationKey { open += " internal_operation_key=\"\(xmlEscaped(key))\"" }
        if let node = action.node { open += " on_node=\"\(xmlEscaped(node))\"" }
        if let uuid = action.nodeUUID { open += " on_node_uuid=\"\(xmlEscaped(uuid))\"" }
        guard full else { return open + "/>\n" }
        var out = open + ">\n"
        if let primitive = action.primitive {
            out += "\(indent)  <primitive"
            for (name, value) in primitive { out += " \(name)=\"\(xmlEscaped(value))\"" }
            out += "/>\n"
        }
        out += "\(indent)  <attributes"
        for (name, value) in action.attributes { out += " \(name)=\"\(xmlEscaped(value))\"" }
        out += "/>\n"
        if !action.downed.isEmpty {
            out += "\(indent)  <downed>\n"
            for node in action.downed { out += "\(indent)    <node id=\"\(xmlEscaped(node))\"/>\n" }
            out += "\(indent)  </downed>\n"
        }
        return out + "\(indent)</\(action.element)>\n"
    }
}

extension TransitionGraph {
    /// The graph in Graphviz dot format (`crm_simulate -D`): one node per action, one arrow per input.
    public func dot() -> String {
        var out = " digraph \"g\" {\n"
        let byID = Dictionary(synapses.map { ($0.action.id, $0.action) }, uniquingKeysWith: { a, _ in a })
        func label(_ action: Action) -> String {
            action.operationKey + (action.node.map { " \($0)" } ?? "")
        }
        for synapse in synapses {
            out += "\"\(label(synapse.action))\" [ style=bold color=\"green\" fontcolor=\"black\"]\n"
        }
        for synapse in synapses {
            for input in synapse.inputs {
                guard let first = byID[input] else { continue }
                out += "\"\(label(first))\" -> \"\(label(synapse.action))\" [ style = bold]\n"
            }
        }
        return out + "}\n"
    }
}
