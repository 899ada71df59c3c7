import XML

extension CRMAttribute {
    /// What was asked on the command line, checked for combinations Pacemaker refuses.
    struct AttributeRequest {
        enum Command: Equatable {
            case query
            case update(String)
            case delete
        }

        var command: Command
        var name: String?
        var pattern: String?
        var type: String?
        var node: String?
        var lifetime: String?
        var setID: String?
        var nvpairID: String?
        var defaultValue: String?
        var isUtilization: Bool
        var isQuiet: Bool
        /// `-p/--promotion [RSC]`: the resource whose promotion score is meant (`master-<rsc>`, transient).
        var promotionResource: String?

        init(_ arguments: ToolArguments, environment: [String: String] = [:]) throws(Failure) {
            let commands = [arguments.has("query"), arguments.has("update"), arguments.has("delete")].filter { $0 }
            guard commands.count <= 1 else { throw Failure(.usage, "Only one of -G, -v and -D may be given") }
            if let value = arguments.value("update") {
                command = .update(value)
            } else {
                command = arguments.has("delete") ? .delete : .query
            }
            name = arguments.value("name")
            pattern = arguments.value("pattern")
            type = arguments.value("type")
            node = arguments.value("node")
            lifetime = arguments.value("lifetime")
            setID = arguments.value("set-name")
            nvpairID = arguments.value("id")
            defaultValue = arguments.value("default")
            isUtilization = arguments.has("utilization")
            isQuiet = arguments.has("quiet")
            if arguments.has("promotion") {
                // The resource is the option's value, else the agent's own (crm_attribute called from an agent).
                let resource = arguments.value("promotion") ?? environment["OCF_RESOURCE_INSTANCE"] ?? ""
                guard !resource.isEmpty else {
                    throw Failure(.usage, "--promotion needs a resource: give it, or set OCF_RESOURCE_INSTANCE")
                }
                // Clone instances share one score attribute.
                let base = String(resource.split(separator: ":", maxSplits: 1).first ?? Substring(resource))
                promotionResource = base
                name = "master-\(base)"
                lifetime = "reboot"
            }
            try check(arguments)
        }

        private func check(_ arguments: ToolArguments) throws(Failure) {
            if command != .query && name == nil && nvpairID == nil {
                throw Failure(.usage, "-n/--name (or -i/--id) is required with -v and -D")
            }
            if pattern != nil && command != .query {
                throw Failure(.disconnect, "-P with -v or -D works on transient attributes, which need the live cluster")
            }
            if let lifetime, !["forever", "reboot"].contains(lifetime) {
                throw Failure(.usage, "Invalid lifetime '\(lifetime)': use forever or reboot")
            }
            if type == "tickets" {
                throw Failure(.disconnect, "Tickets live in the status section and need the live cluster (not available yet)")
            }
        }

        /// The attribute's location in `document`.
        func locator(in document: XMLDocument, hostName: String) throws(Failure) -> CIBAttributeLocator {
            let owner: CIBAttributeLocator.Owner
            let setElement: String
            switch type {
            case "crm_config" where node == nil, nil where node == nil && lifetime == nil:
                owner = .clusterOptions
                setElement = "cluster_property_set"
            case "rsc_defaults": owner = .resourceDefaults; setElement = "meta_attributes"
            case "op_defaults": owner = .operationDefaults; setElement = "meta_attributes"
            case _ where lifetime == "reboot" || type == "status":
                // Transient attributes: written straight into the node's status entry, as Pacemaker does with
                // CIB_file (a live cluster's attribute daemon would own them).
                let uname = node ?? hostName
                guard let id = Self.nodeID(named: uname, in: document) else {
                    throw Failure(.noSuchObject, "Could not map name=\(uname) to a UUID")
                }
                owner = .nodeStatus(id: id)
                setElement = "instance_attributes"
            case "nodes", "crm_config", "forever", nil:
                let uname = node ?? hostName
                guard let id = Self.nodeID(named: uname, in: document) else {
                    throw Failure(.noSuchObject, "Could not map name=\(uname) to a UUID")
                }
                owner = .node(id: id)
                setElement = isUtilization ? "utilization" : "instance_attributes"
            case .some(let other):
                throw Failure(.usage, "Invalid type '\(other)': use crm_config, rsc_defaults, op_defaults or nodes")
            }
            return CIBAttributeLocator(owner: owner, setElement: setElement, setID: setID, nvpairID: nvpairID, name: name)
        }

        /// The id of the node whose `uname` is `name` (or whose id is `name`).
        static func nodeID(named name: String, in document: XMLDocument) -> String? {
            let nodes = document.root.firstChild(named: "configuration")?.firstChild(named: "nodes")?.children(named: "node") ?? []
            let node = nodes.first { $0[attribute: "uname"] == name } ?? nodes.first { $0[attribute: "id"] == name }
            return node?[attribute: "id"]
        }
    }
}
