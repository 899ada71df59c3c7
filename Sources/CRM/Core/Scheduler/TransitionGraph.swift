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
    public func xml() -> String { String(decoding: xmlBytes(), as: UTF8.self) }

    /// The graph as `xml()` writes it, as UTF-8 bytes built in one buffer (no intermediate strings).
    public func xmlBytes() -> [UInt8] {
        var out = GraphWriter()
        out.append("<transition_graph")
        for (name, value) in header { out.attribute(name, value) }
        guard !synapses.isEmpty else {
            out.append("/>\n")
            return out.bytes
        }
        out.append(">\n")
        var byID: [Int: Int] = [:]
        byID.reserveCapacity(synapses.count)
        for (position, synapse) in synapses.enumerated() where byID[synapse.action.id] == nil {
            byID[synapse.action.id] = position
        }
        for (number, synapse) in synapses.enumerated() {
            out.append("  <synapse id=\"")
            out.append(number)
            out.append("\"")
            if synapse.action.priority != 0 {
                out.append(" priority=\"")
                out.append(synapse.action.priority)
                out.append("\"")
            }
            out.append(">\n    <action_set>\n")
            Self.write(synapse.action, indent: 6, full: true, to: &out)
            out.append("    </action_set>\n")
            if synapse.inputs.isEmpty {
                out.append("    <inputs/>\n")
            } else {
                out.append("    <inputs>\n")
                for input in synapse.inputs {
                    guard let position = byID[input] else { continue }
                    out.append("      <trigger>\n")
                    Self.write(synapses[position].action, indent: 8, full: false, to: &out)
                    out.append("      </trigger>\n")
                }
                out.append("    </inputs>\n")
            }
            out.append("  </synapse>\n")
        }
        out.append("</transition_graph>\n")
        return out.bytes
    }

    private static func write(_ action: Action, indent: Int, full: Bool, to out: inout GraphWriter) {
        out.indent(indent)
        out.append("<")
        out.append(action.element)
        out.append(" id=\"")
        out.append(action.id)
        out.append("\"")
        out.attribute("operation", action.operation)
        out.attribute("operation_key", action.operationKey)
        if let key = action.internalOperationKey { out.attribute("internal_operation_key", key) }
        if let node = action.node { out.attribute("on_node", node) }
        if let uuid = action.nodeUUID { out.attribute("on_node_uuid", uuid) }
        guard full else {
            out.append("/>\n")
            return
        }
        out.append(">\n")
        if let primitive = action.primitive {
            out.indent(indent + 2)
            out.append("<primitive")
            for (name, value) in primitive { out.attribute(name, value) }
            out.append("/>\n")
        }
        out.indent(indent + 2)
        out.append("<attributes")
        for (name, value) in action.attributes { out.attribute(name, value) }
        out.append("/>\n")
        if !action.downed.isEmpty {
            out.indent(indent + 2)
            out.append("<downed>\n")
            for node in action.downed {
                out.indent(indent + 4)
                out.append("<node")
                out.attribute("id", node)
                out.append("/>\n")
            }
            out.indent(indent + 2)
            out.append("</downed>\n")
        }
        out.indent(indent)
        out.append("</")
        out.append(action.element)
        out.append(">\n")
    }
}

/// Appends XML text to one growing byte buffer, escaping attribute values byte by byte.
struct GraphWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func indent(_ count: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    /// ` name="value"`, with `&<>"'` escaped as `xmlEscaped` does (all ASCII, so bytes suffice).
    mutating func attribute(_ name: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&apos;".utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
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
