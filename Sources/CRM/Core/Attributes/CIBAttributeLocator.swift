import XML

/// Finds, creates and deletes one name/value attribute of the CIB the way Pacemaker's crm_attribute and
/// crm_resource address them: a section (cluster options, resource or operation defaults, a node, a
/// resource), a set type, an optional set id and nvpair id, and a name.
///
/// Pure: reads a document and produces `CIBRequest`s; the caller applies them through a `CIBDocument`
/// or `CIBSession`, which moves the version counters, checks ACLs and validates.
public struct CIBAttributeLocator: Sendable, Equatable {
    /// The element the attribute sets hang under.
    public enum Owner: Sendable, Equatable {
        /// `crm_config`, with `cluster_property_set` sets.
        case clusterOptions
        /// `rsc_defaults`, with `meta_attributes` sets.
        case resourceDefaults
        /// `op_defaults`, with `meta_attributes` sets.
        case operationDefaults
        /// The `<node>` with this id in the nodes section.
        case node(id: String)
        /// The resource element (primitive, group, clone, bundle, template) with this id.
        case resource(id: String)
        /// The transient (`-l reboot`) attributes of the node with this id: `transient_attributes` in its
        /// `node_state` of the status section, where fail counts and agents' attributes live.
        case nodeStatus(id: String)
    }

    /// Where the sets live.
    public var owner: Owner
    /// The set element: `cluster_property_set`, `instance_attributes`, `meta_attributes` or `utilization`.
    public var setElement: String
    /// `-s/--set-name`: only sets with this id (and a created set gets it).
    public var setID: String?
    /// `-i/--id`: only nvpairs with this id (and a created nvpair gets it).
    public var nvpairID: String?
    /// The attribute's name; nil matches every name (queries only).
    public var name: String?

    /// Creates a locator.
    public init(owner: Owner, setElement: String, setID: String? = nil, nvpairID: String? = nil, name: String?) {
        self.owner = owner
        self.setElement = setElement
        self.setID = setID
        self.nvpairID = nvpairID
        self.name = name
    }

    /// The section the owner lives in, as crm_attribute reports it (`scope=…`).
    public var scope: CIBScope {
        switch owner {
        case .clusterOptions: return .crmConfig
        case .resourceDefaults: return .resourceDefaults
        case .operationDefaults: return .operationDefaults
        case .node: return .nodes
        case .resource: return .resources
        case .nodeStatus: return .status
        }
    }

    /// The owner element in `document`, nil when it does not exist.
    public func ownerElement(in document: XMLDocument) -> XMLElement? {
        let root = document.root
        switch owner {
        case .clusterOptions, .resourceDefaults, .operationDefaults:
            return scope.path.reduce(Optional(root)) { $0?.firstChild(named: $1) }
        case .node(let id):
            return root.firstChild(named: "configuration")?.firstChild(named: "nodes")?.children(named: "node")
                .first { $0[attribute: "id"] == id }
        case .resource(let id):
            return root.firstChild(named: "configuration")?.firstChild(named: "resources")?.first { element in
                element[attribute: "id"] == id && ["primitive", "group", "clone", "master", "bundle", "template"].contains(element.name)
            }
        case .nodeStatus(let id):
            return Self.nodeState(id, in: document)?.firstChild(named: "transient_attributes")
        }
    }

    /// The `node_state` of node `id` in the status section.
    static func nodeState(_ id: String, in document: XMLDocument) -> XMLElement? {
        document.root.firstChild(named: "status")?.children(named: "node_state").first { $0[attribute: "id"] == id }
    }

    /// The matching nvpairs, in document order (sets directly under the owner only).
    public func matches(in document: XMLDocument) -> [XMLElement] {
        guard let owner = ownerElement(in: document) else { return [] }
        var found: [XMLElement] = []
        for set in owner.children(named: setElement) where setID == nil || set[attribute: "id"] == setID {
            for pair in set.children(named: "nvpair")
            where (name == nil || pair[attribute: "name"] == name) && (nvpairID == nil || pair[attribute: "id"] == nvpairID) {
                found.append(pair)
            }
        }
        return found
    }

    /// The id of the set a new attribute goes into when none is named, as Pacemaker chooses it.
    public var defaultSetID: String {
        switch owner {
        case .clusterOptions: return "cib-bootstrap-options"
        case .resourceDefaults: return "rsc_defaults-options"
        case .operationDefaults: return "op_defaults-options"
        case .node(let id): return setElement == "utilization" ? "nodes-\(id)-utilization" : "nodes-\(id)"
        case .resource(let id): return "\(id)-\(setElement)"
        case .nodeStatus(let id): return "status-\(id)"
        }
    }

    /// The request that sets the attribute to `value`: changes the first match, or adds an nvpair to the
    /// first matching set, or adds a new set. `value` may use `name++` / `name+=N` as Pacemaker allows.
    /// - Throws: `CIBError.noSuchObject` when the owner does not exist.
    public func updateRequest(value: String, in document: XMLDocument) throws(CIBError) -> CIBRequest {
        guard let name else { throw .invalidRequest("an attribute name is required to set a value") }
        guard let ownerElement = ownerElement(in: document) else {
            if case .nodeStatus(let id) = owner {
                // The node's transient attributes are created with the set, inside its node_state.
                guard let state = Self.nodeState(id, in: document) else { throw .noSuchObject(ownerDescription) }
                let transient = try element("transient_attributes", [("id", id)])
                let set = transient.appendCopy(of: try element(setElement, [("id", setID ?? defaultSetID)]))
                set.appendCopy(of: try element("nvpair", [("id", nvpairID ?? Self.sanitizedID("\(setID ?? defaultSetID)-\(name)")), ("name", name), ("value", value)]))
                return .create(.xpath(state.path), transient)
            }
            guard owner == .resourceDefaults || owner == .operationDefaults else { throw .noSuchObject(ownerDescription) }
            // A missing defaults section is created with the set (Pacemaker 2.1.6 and later; 2.1.5 fails here).
            let section = try element(scope.rawValue, [])
            let set = section.appendCopy(of: try element(setElement, [("id", setID ?? defaultSetID)]))
            set.appendCopy(of: try element("nvpair", [("id", nvpairID ?? Self.sanitizedID("\(setID ?? defaultSetID)-\(name)")), ("name", name), ("value", value)]))
            return .create(.scope(.configuration), section)
        }
        let ownerTarget = CIBTarget.xpath(ownerElement.path)
        if let existing = matches(in: document).first, let id = existing[attribute: "id"] {
            let pair = try element("nvpair", [("id", id), ("name", name), ("value", value)])
            return .modify(.xpath(existing.path), pair, allowCreate: false)
        }
        // A new attribute goes into the named set or the default one (created when missing), never into some
        // other existing set: Pacemaker's choice, observed with 2.1.5.
        let wanted = setID ?? defaultSetID
        let set = ownerElement.children(named: setElement).first { $0[attribute: "id"] == wanted }
        let setIdentifier = wanted
        let pairID = nvpairID ?? Self.sanitizedID("\(setIdentifier)-\(name)")
        let pair = try element("nvpair", [("id", pairID), ("name", name), ("value", value)])
        if let set {
            return .create(.xpath(set.path), pair)
        }
        let newSet = try element(setElement, [("id", setIdentifier)])
        newSet.appendCopy(of: pair)
        return .create(ownerTarget, newSet)
    }

    /// The request that deletes `pair` (one of `matches`).
    public func deleteRequest(_ pair: XMLElement) -> CIBRequest {
        .delete(.xpath(pair.path), nil, allMatches: false)
    }

    private var ownerDescription: String {
        switch owner {
        case .clusterOptions, .resourceDefaults, .operationDefaults: return "section <\(scope.rawValue)>"
        case .node(let id): return "node with id '\(id)'"
        case .resource(let id): return "resource '\(id)'"
        case .nodeStatus(let id): return "status of node with id '\(id)'"
        }
    }

    private func element(_ name: String, _ attributes: [(String, String)]) throws(CIBError) -> XMLElement {
        do {
            return try XMLDocument(rootName: name).root.withAttributes(attributes)
        } catch {
            throw .invalidRequest("cannot build <\(name)>: \(error)")
        }
    }

    /// Pacemaker's `crm_xml_sanitize_id`: characters not allowed in an XML ID become `.`; a leading digit gets a prefix.
    static func sanitizedID(_ id: String) -> String {
        var result = String(id.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "." })
        if let first = result.first, first.isNumber || first == "-" || first == "." { result = "_" + result }
        return result
    }
}

extension XMLElement {
    /// Sets each attribute and returns the element (for building request elements).
    func withAttributes(_ attributes: [(String, String)]) throws(XMLError) -> XMLElement {
        for (name, value) in attributes { try setAttribute(name, value) }
        return self
    }
}
