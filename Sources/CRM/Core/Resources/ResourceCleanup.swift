import XML

/// What `crm_resource --cleanup` and `--refresh` remove from the status section: the operation history and
/// fail counts of resources on nodes, by Pacemaker's rules. Pure: it reads a document and names what to
/// delete; the tool deletes each through its `CIBSession` (a live cluster's controller then re-probes).
///
/// - `--refresh` forgets a resource's whole history on each node (`lrm_resource`) and its fail counts.
/// - `--cleanup` forgets only failures: the failed operation records and the fail counts
///   (`fail-count-RSC#OP_INTERVAL`, `last-failure-…`), limited to one operation with `-n`/`-I`.
public struct ResourceCleanup: Sendable, Equatable {
    /// One element to delete, named by ids so it can be found again after earlier deletions.
    public enum Deletion: Sendable, Equatable {
        /// A whole `lrm_resource` of a node.
        case history(nodeID: String, resource: String)
        /// One `lrm_rsc_op` of a node's `lrm_resource`.
        case operation(nodeID: String, resource: String, id: String)
        /// One transient attribute `nvpair` of a node.
        case attribute(nodeID: String, id: String)

        /// The element in `document`, nil when it is gone.
        public func element(in document: XMLDocument) -> XMLElement? {
            switch self {
            case .history(let node, let resource):
                return ResourceCleanup.histories(on: node, in: document).first { $0[attribute: "id"] == resource }
            case .operation(let node, let resource, let id):
                return ResourceCleanup.histories(on: node, in: document).first { $0[attribute: "id"] == resource }?
                    .children(named: "lrm_rsc_op").first { $0[attribute: "id"] == id }
            case .attribute(let node, let id):
                return ResourceCleanup.transientPairs(on: node, in: document).first { $0[attribute: "id"] == id }
            }
        }
    }

    /// Whether only failures go (`--cleanup`) or all history (`--refresh`).
    public var isFailuresOnly: Bool
    /// `-r`: the resource (a group or clone stands for its primitives); nil for every resource.
    public var resource: String?
    /// `-N`: the node's name; nil for every online node.
    public var node: String?
    /// `-n`: one operation's failures only.
    public var operation: String?
    /// `-I`: that operation's interval in milliseconds.
    public var intervalMs: Int

    /// A cleanup or refresh request.
    public init(isFailuresOnly: Bool, resource: String?, node: String?, operation: String?, intervalMs: Int) {
        self.isFailuresOnly = isFailuresOnly
        self.resource = resource
        self.node = node
        self.operation = operation
        self.intervalMs = intervalMs
    }

    /// The deletions, and the (primitive, node name) pairs cleaned, in node then resource order.
    public func plan(in document: XMLDocument) -> (deletions: [Deletion], cleaned: [(resource: String, node: String)]) {
        let primitives = resource.map { Self.primitives(of: $0, in: document) }
        var deletions: [Deletion] = []
        var cleaned: [(resource: String, node: String)] = []
        for state in Self.nodeStates(in: document) {
            guard let nodeID = state[attribute: "id"], let name = state[attribute: "uname"] ?? state[attribute: "id"] else { continue }
            if let node, node != name { continue }
            // Without -N, only nodes that are up are cleaned (Pacemaker asks their controllers).
            if node == nil && !ResourceStatusIndex.isUp(state) { continue }
            for id in primitives ?? [] { cleaned.append((id, name)) }
            for history in Self.histories(on: nodeID, in: document) {
                guard let historyID = history[attribute: "id"], matches(historyID, primitives) else { continue }
                deletions += historyDeletions(history, nodeID: nodeID, resource: historyID)
            }
            for pair in Self.transientPairs(on: nodeID, in: document) {
                guard let name = pair[attribute: "name"], let id = pair[attribute: "id"], isFailAttribute(name, primitives) else { continue }
                deletions.append(.attribute(nodeID: nodeID, id: id))
            }
        }
        return (deletions, cleaned)
    }

    private func historyDeletions(_ history: XMLElement, nodeID: String, resource: String) -> [Deletion] {
        guard isFailuresOnly else { return [.history(nodeID: nodeID, resource: resource)] }
        return history.children(named: "lrm_rsc_op").compactMap { record in
            guard let id = record[attribute: "id"], Self.isFailed(record) else { return nil }
            if let operation {
                guard record[attribute: "operation"] == operation, Int(record[attribute: "interval"] ?? "0") == intervalMs
                else { return nil }
            }
            return .operation(nodeID: nodeID, resource: resource, id: id)
        }
    }

    /// Whether a history id (`rsc` or a clone instance `rsc:N`) belongs to the primitives (nil: all).
    private func matches(_ historyID: String, _ primitives: [String]?) -> Bool {
        guard let primitives else { return true }
        let base = historyID.split(separator: ":").first.map(String.init) ?? historyID
        return primitives.contains(base)
    }

    /// Whether `name` is a fail count or last-failure stamp of the primitives (and operation, with `-n`).
    private func isFailAttribute(_ name: String, _ primitives: [String]?) -> Bool {
        for prefix in ["fail-count-", "last-failure-"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            let resource = String(rest.prefix { $0 != "#" })
            guard matches(resource, primitives) else { continue }
            guard let operation else { return true }
            return rest == "\(resource)#\(operation)_\(intervalMs)"
        }
        return false
    }

    /// Whether a recorded result is a failure: an execution error or an exit code other than expected
    /// (probes finding the resource stopped, running or promoted are answers, not failures).
    static func isFailed(_ record: XMLElement) -> Bool {
        let status = Int(record[attribute: "op-status"] ?? "0") ?? 0
        let rc = Int(record[attribute: "rc-code"] ?? "0") ?? 0
        if status == -1 || status == 1 { return false }
        let key = record[attribute: "transition-key"] ?? ""
        let fields = key.split(separator: ":")
        let expected = fields.count >= 3 ? Int(fields[2]) ?? 0 : 0
        let isProbe = record[attribute: "operation"] == "monitor" && (record[attribute: "interval"] ?? "0") == "0"
        if isProbe && status == 0 && [0, 7, 8].contains(rc) { return false }
        return status != 0 || rc != expected
    }

    /// The primitives a resource id stands for: itself, or the primitives inside a group, clone or bundle.
    public static func primitives(of id: String, in document: XMLDocument) -> [String] {
        guard let element = ResourceListing.element(id, in: document) else { return [id] }
        if element.name == "primitive" { return [id] }
        var ids: [String] = []
        element.forEachDescendant { if $0.name == "primitive", let id = $0[attribute: "id"] { ids.append(id) } }
        return ids
    }

    static func nodeStates(in document: XMLDocument) -> [XMLElement] {
        document.root.firstChild(named: "status")?.children(named: "node_state") ?? []
    }

    static func histories(on nodeID: String, in document: XMLDocument) -> [XMLElement] {
        let state = nodeStates(in: document).first { $0[attribute: "id"] == nodeID }
        return state?.firstChild(named: "lrm")?.firstChild(named: "lrm_resources")?.children(named: "lrm_resource") ?? []
    }

    static func transientPairs(on nodeID: String, in document: XMLDocument) -> [XMLElement] {
        let state = nodeStates(in: document).first { $0[attribute: "id"] == nodeID }
        return (state?.firstChild(named: "transient_attributes")?.children(named: "instance_attributes") ?? [])
            .flatMap { $0.children(named: "nvpair") }
    }
}
