import XML

/// `crm_resource --why`: whether resources run (on a node), and which parts of the configuration hold them
/// back, read from the policy engine's unpacked state (`ClusterStatus`), worded as Pacemaker words it.
public struct ResourceReasons {
    /// The checks Pacemaker reports for a resource (about its top-level resource).
    public struct Check: Sendable, Equatable {
        /// The top-level resource the checks are about.
        public var id: String
        /// `target-role=Stopped`.
        public var remainsStopped: Bool
        /// `is-managed=false` (or maintenance).
        public var isUnmanaged: Bool
    }

    public let status: ClusterStatus

    /// Reasons from a status.
    public init(status: ClusterStatus) { self.status = status }

    /// The top-level resource holding `id` (itself when top-level).
    func topLevel(of id: String) -> ClusterStatus.Resource? {
        status.resources.first { $0.id == id || $0.primitives.contains { $0.id == id } || $0.children.contains { $0.id == id } }
    }

    /// The checks of `id`, or nil when the resource is unknown.
    public func check(_ id: String) -> Check? {
        guard let resource = status.resource(id), let top = topLevel(of: id) else { return nil }
        return Check(id: top.id, remainsStopped: top.isDisabled, isUnmanaged: !top.isManaged || !resource.isManaged)
    }

    /// The nodes `id` (or any of its primitives) is active on.
    public func nodes(of id: String) -> [String] {
        guard let resource = status.resource(id) else { return [] }
        var nodes: [String] = []
        for primitive in resource.primitives.isEmpty ? [resource] : resource.primitives {
            for node in primitive.nodes where !nodes.contains(node) { nodes.append(node) }
        }
        return nodes
    }

    /// Text lines for `-Y` with an optional resource and node.
    public func textLines(resource: String?, node: String?) -> [String] {
        var lines: [String] = []
        for (id, running) in subjects(resource: resource, node: node) {
            if let node {
                lines.append("Resource \(id) is \(running ? "" : "not ")running on host \(node)")
            } else {
                lines.append("Resource \(id) is \(running ? "" : "not ")running")
            }
            if let check = check(id) { lines += Self.checkLines(check) }
        }
        return lines
    }

    /// The `<reason>` element for `-Y --output-as xml`.
    public func xmlElement(resource: String?, node: String?) -> String {
        let subjects = subjects(resource: resource, node: node)
        if let resource, let (_, running) = subjects.first {
            let head: String
            if let node {
                head = running ? "<reason running_on=\"\(xmlEscaped(node))\">" : "<reason>"
            } else {
                head = "<reason running=\"\(running)\">"
            }
            return head + "\n  " + checkXML(check(resource)) + "\n</reason>"
        }
        let items = subjects.map { (id, running) in
            let host = node.map { " host=\"\(xmlEscaped($0))\"" } ?? ""
            return "    <resource id=\"\(xmlEscaped(id))\" running=\"\(running)\"\(host)>\n      \(checkXML(check(id)))\n    </resource>"
        }
        return "<reason>\n  <resources>\n" + items.joined(separator: "\n") + "\n  </resources>\n</reason>"
    }

    /// The resources reported and whether each runs (on `node`, when given).
    private func subjects(resource: String?, node: String?) -> [(String, Bool)] {
        if let resource { return [(resource, node.map { nodes(of: resource).contains($0) } ?? !nodes(of: resource).isEmpty)] }
        if let node {
            // Without a resource, only what runs on the node is reported (nothing is assigned offline).
            let running = status.nodes.first { $0.name == node }?.runningResources ?? []
            return running.map { ($0, true) }
        }
        return status.resources.map { ($0.id, $0.isActive) }
    }

    private func checkXML(_ check: Check?) -> String {
        guard let check else { return "<check/>" }
        var attributes = " id=\"\(xmlEscaped(check.id))\""
        if check.remainsStopped { attributes += " remain_stopped=\"true\"" }
        if check.isUnmanaged { attributes += " unmanaged=\"true\"" }
        return "<check\(attributes)/>"
    }

    static func checkLines(_ check: Check) -> [String] {
        var lines: [String] = []
        if check.remainsStopped { lines.append("Configuration specifies '\(check.id)' should remain stopped") }
        if check.isUnmanaged { lines.append("Configuration prevents cluster from stopping or starting unmanaged '\(check.id)'") }
        return lines
    }
}
