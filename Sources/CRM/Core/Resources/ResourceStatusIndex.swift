import XML

/// Where each resource runs, read from the status section's operation history: a simple reading of the
/// last recorded operation per resource and node, on nodes that are up.
///
/// This is what `crm_resource --list`/`--locate` show offline. It is not the scheduler's full status
/// unpacking (failed operations, on-fail policies, orphans, migrations, unclean nodes); the policy engine
/// will own that, and these tools should then ask it.
public struct ResourceStatusIndex: Sendable {
    /// A role a resource instance was last seen in on a node.
    public enum Role: String, Sendable {
        case started = "Started"
        case promoted = "Promoted"
        case unpromoted = "Unpromoted"
    }

    /// Active instances by resource id (clone instance suffixes `:N` removed), in node order.
    public private(set) var active: [String: [(node: String, role: Role)]] = [:]

    /// Reads `document`'s status section.
    public init(_ document: XMLDocument) {
        guard let status = document.root.firstChild(named: "status") else { return }
        for nodeState in status.children(named: "node_state") where Self.isUp(nodeState) {
            guard let node = nodeState[attribute: "uname"] ?? nodeState[attribute: "id"] else { continue }
            let resources = nodeState.firstChild(named: "lrm")?.firstChild(named: "lrm_resources")?.children(named: "lrm_resource") ?? []
            for resource in resources {
                guard let id = resource[attribute: "id"], let role = Self.lastRole(resource) else { continue }
                let base = String(id.split(separator: ":").first ?? Substring(id))
                active[base, default: []].append((node, role))
            }
        }
    }

    /// The nodes (and roles) where `resource` is active.
    public func placements(of resource: String) -> [(node: String, role: Role)] { active[resource] ?? [] }

    static func isUp(_ nodeState: XMLElement) -> Bool {
        if nodeState[attribute: "remote_node"] == "true" { return nodeState[attribute: "in_ccm"] != "false" }
        return nodeState[attribute: "in_ccm"] == "true" && nodeState[attribute: "crmd"] == "online"
    }

    /// The role the most recent completed operation leaves the resource in, nil when stopped.
    static func lastRole(_ resource: XMLElement) -> Role? {
        let operations = resource.children(named: "lrm_rsc_op").compactMap { operation -> (Int, XMLElement)? in
            guard let call = Int(operation[attribute: "call-id"] ?? ""), call >= 0 else { return nil }
            return (call, operation)
        }
        guard let last = operations.max(by: { $0.0 < $1.0 })?.1 else { return nil }
        let rc = Int(last[attribute: "rc-code"] ?? "") ?? 1
        switch (last[attribute: "operation"] ?? "", rc) {
        case ("stop", 0), ("migrate_to", 0): return nil
        case ("promote", 0), ("monitor", 8): return .promoted
        case ("demote", 0): return .unpromoted
        case ("monitor", 7): return nil
        case ("start", 0), ("migrate_from", 0), ("monitor", 0), ("notify", 0), ("reload", 0), ("reload-agent", 0):
            return .started
        default: return nil
        }
    }
}
