import XML

/// The resource list `crm_resource --list` prints (crm_mon's resource section) and the instance ids
/// `--list-raw` prints, built from the configuration and a `ResourceStatusIndex`. Pure.
public struct ResourceListing {
    let resources: [XMLElement]
    let nodes: [String]
    let status: ResourceStatusIndex

    /// A listing of `document`.
    public init(_ document: XMLDocument) {
        let configuration = document.root.firstChild(named: "configuration")
        resources = (configuration?.firstChild(named: "resources")?.children ?? []).filter {
            ["primitive", "group", "clone", "master", "bundle"].contains($0.name)
        }
        nodes = (configuration?.firstChild(named: "nodes")?.children(named: "node") ?? []).compactMap { node in
            node[attribute: "type"] == "ping" ? nil : node[attribute: "uname"]
        }.sorted(by: ResourceListing.naturalOrder)
        status = ResourceStatusIndex(document)
    }

    /// Whether any resource is configured.
    public var isEmpty: Bool { resources.isEmpty }

    /// The text lines of `--list`, without the "Full List of Resources:" header.
    public func textLines() -> [String] {
        resources.flatMap { lines(for: $0, indent: "  ", inheritedDisabled: false, inheritedUnmanaged: false) }
    }

    /// The `--list` lines of one configured resource.
    public func textLines(for element: XMLElement) -> [String] {
        lines(for: element, indent: "  ", inheritedDisabled: false, inheritedUnmanaged: false)
    }

    private func lines(for element: XMLElement, indent: String, inheritedDisabled: Bool, inheritedUnmanaged: Bool) -> [String] {
        let id = element[attribute: "id"] ?? ""
        let disabled = inheritedDisabled || isDisabled(element)
        let unmanaged = inheritedUnmanaged || isUnmanaged(element)
        switch element.name {
        case "primitive":
            return [primitiveLine(element, id: id, indent: indent, disabled: disabled, unmanaged: unmanaged)]
        case "group":
            let header = "\(indent)* Resource Group: \(id)\(disabled ? " (disabled)" : ""):"
            return [header] + element.children(named: "primitive").flatMap {
                lines(for: $0, indent: indent + "  ", inheritedDisabled: disabled, inheritedUnmanaged: unmanaged)
            }
        case "clone", "master":
            return cloneLines(element, id: id, indent: indent, disabled: disabled, unmanaged: unmanaged)
        case "bundle":
            return bundleLines(element, id: id, indent: indent)
        default:
            return []
        }
    }

    private func primitiveLine(_ element: XMLElement, id: String, indent: String, disabled: Bool, unmanaged: Bool) -> String {
        let placements = status.placements(of: id)
        // crm_resource --list names the role, not the node (crm_mon adds the node).
        var state = placements.first?.role.rawValue ?? "Stopped"
        if disabled { state += " (disabled)" } else if unmanaged { state += " (unmanaged)" }
        return "\(indent)* \(id)\t(\(agent(of: element))):\t \(state)"
    }

    private func cloneLines(_ clone: XMLElement, id: String, indent: String, disabled: Bool, unmanaged: Bool) -> [String] {
        guard let child = clone.children.first(where: { $0.name == "primitive" || $0.name == "group" }) else { return [] }
        let childID = child[attribute: "id"] ?? ""
        let promotable = isPromotable(clone)
        let unique = meta("globally-unique", of: clone).flatMap(Self.boolean) ?? false
        var flags: [String] = []
        if promotable { flags.append("promotable") }
        if unique { flags.append("unique") }
        if disabled { flags.append("disabled") }
        var result = ["\(indent)* Clone Set: \(id) [\(childID)]\(flags.isEmpty ? "" : " (" + flags.joined(separator: ", ") + ")"):"]
        if unique && child.name == "primitive" {
            for instance in 0..<cloneMax(clone) {
                result.append(
                    primitiveLine(child, id: "\(childID):\(instance)", indent: indent + "  ", disabled: disabled, unmanaged: unmanaged))
            }
            return result
        }
        let members = child.name == "group" ? child.children(named: "primitive").compactMap { $0[attribute: "id"] } : [childID]
        let placements = members.first.map { status.placements(of: $0) } ?? []
        let promoted = placements.filter { $0.role == .promoted }.map(\.node)
        let started = placements.filter { $0.role != .promoted }.map(\.node)
        if !promoted.isEmpty { result.append("\(indent)  * Promoted: [ \(promoted.sorted(by: Self.naturalOrder).joined(separator: " ")) ]") }
        if !started.isEmpty {
            let label = promotable ? "Unpromoted" : "Started"
            result.append("\(indent)  * \(label): [ \(started.sorted(by: Self.naturalOrder).joined(separator: " ")) ]")
        }
        let running = Set(placements.map(\.node))
        let stopped = nodes.filter { !running.contains($0) }
        if !stopped.isEmpty { result.append("\(indent)  * Stopped: [ \(stopped.joined(separator: " ")) ]") }
        return result
    }

    private func bundleLines(_ bundle: XMLElement, id: String, indent: String) -> [String] {
        guard let container = bundle.children.first(where: { ["docker", "podman", "rkt"].contains($0.name) }) else { return [] }
        var result = ["\(indent)* Container bundle set: \(id) [\(container[attribute: "image"] ?? "")]:"]
        let inner = bundle.firstChild(named: "primitive")
        for replica in 0..<(Int(container[attribute: "replicas"] ?? "") ?? 1) {
            let name = inner == nil ? "\(id)-\(container.name)-\(replica)" : "\(id)-\(replica)"
            let agentText = inner.map(agent(of:)) ?? "ocf:heartbeat:\(container.name)"
            let containerID = "\(id)-\(container.name)-\(replica)"
            let placements = status.placements(of: containerID)
            let state = placements.isEmpty ? "Stopped" : "Started"
            result.append("\(indent)  * \(name)\t(\(agentText)):\t \(state)")
        }
        return result
    }

    /// The instance ids `--list-raw` prints.
    public func rawIDs() -> [String] {
        resources.flatMap(rawIDs(for:))
    }

    private func rawIDs(for element: XMLElement) -> [String] {
        let id = element[attribute: "id"] ?? ""
        switch element.name {
        case "primitive": return [id]
        case "group": return element.children(named: "primitive").compactMap { $0[attribute: "id"] }
        case "clone", "master":
            guard let child = element.children.first(where: { $0.name == "primitive" || $0.name == "group" }) else { return [] }
            let members = child.name == "group" ? child.children(named: "primitive").compactMap { $0[attribute: "id"] } : [child[attribute: "id"] ?? ""]
            return (0..<cloneMax(element)).flatMap { instance in members.map { "\($0):\(instance)" } }
        case "bundle":
            guard let container = element.children.first(where: { ["docker", "podman", "rkt"].contains($0.name) }) else { return [] }
            let replicas = Int(container[attribute: "replicas"] ?? "") ?? 1
            let inner = element.firstChild(named: "primitive")?[attribute: "id"]
            var ids: [String] = []
            for replica in 0..<replicas {
                ids.append("\(id)-\(container.name)-\(replica)")
                if inner != nil { ids.append("\(id)-\(replica)") }
            }
            if let inner { ids += (0..<replicas).map { "\(inner):\($0)" } }
            return ids
        default: return []
        }
    }

    // MARK: Attributes of resources

    func agent(of primitive: XMLElement) -> String {
        var source = primitive
        if let template = primitive[attribute: "template"],
            let found = primitive.document.root.first(where: { $0.name == "template" && $0[attribute: "id"] == template })
        {
            source = found
        }
        let agentClass = source[attribute: "class"] ?? ""
        let type = source[attribute: "type"] ?? ""
        if let provider = source[attribute: "provider"] { return "\(agentClass):\(provider):\(type)" }
        return "\(agentClass):\(type)"
    }

    func meta(_ name: String, of element: XMLElement) -> String? {
        for set in element.children(named: "meta_attributes") {
            if let pair = set.children(named: "nvpair").first(where: { $0[attribute: "name"] == name }) { return pair[attribute: "value"] }
        }
        return nil
    }

    func isDisabled(_ element: XMLElement) -> Bool { meta("target-role", of: element)?.lowercased() == "stopped" }

    func isUnmanaged(_ element: XMLElement) -> Bool { meta("is-managed", of: element).flatMap(Self.boolean) == false }

    func isPromotable(_ clone: XMLElement) -> Bool {
        clone.name == "master" || meta("promotable", of: clone).flatMap(Self.boolean) == true
    }

    func cloneMax(_ clone: XMLElement) -> Int {
        meta("clone-max", of: clone).flatMap { Int($0) } ?? nodes.count
    }

    static func boolean(_ text: String) -> Bool? { PacemakerValues.boolean(text) }

    /// Names compared with embedded numbers in numeric order (`node2` before `node10`), as Pacemaker sorts nodes.
    static func naturalOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.compare(naturally: rhs)
    }
}

extension String {
    /// Natural ordering: runs of digits compare as numbers.
    func compare(naturally other: String) -> Bool {
        var left = Substring(self)
        var right = Substring(other)
        while let a = left.first, let b = right.first {
            if a.isNumber && b.isNumber {
                let leftDigits = left.prefix { $0.isNumber }
                let rightDigits = right.prefix { $0.isNumber }
                if let x = Int(leftDigits), let y = Int(rightDigits), x != y { return x < y }
                left = left.dropFirst(leftDigits.count)
                right = right.dropFirst(rightDigits.count)
                continue
            }
            if a != b { return a < b }
            left = left.dropFirst()
            right = right.dropFirst()
        }
        return left.isEmpty && !right.isEmpty
    }
}

extension ResourceListing {
    /// The configured resource (primitive, group, clone, bundle or template) with `id`; a clone instance id
    /// such as `s1:0` names its primitive.
    public static func element(_ id: String, in document: XMLDocument) -> XMLElement? {
        let base = id.split(separator: ":").first.map(String.init) ?? id
        let kinds: Set<String> = ["primitive", "group", "clone", "master", "bundle", "template"]
        return document.root.firstChild(named: "configuration")?.firstChild(named: "resources")?.first {
            kinds.contains($0.name) && $0[attribute: "id"] == base
        }
    }
}
