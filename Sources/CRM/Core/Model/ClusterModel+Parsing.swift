import XML

extension ClusterModel {
    /// Parses a whole CIB (`<cib>` element) into typed values; refuses what the engine cannot schedule.
    public init(cib: XMLElement) throws(SchedulerError) {
        self.init()
        guard cib.name == "cib" else { throw .invalid(element: cib.name, id: nil, reason: "the root must be <cib>") }
        applyRootAttributes(cib.attributes)
        guard let configuration = cib.firstChild(named: "configuration") else {
            throw .invalid(element: "cib", id: nil, reason: "no <configuration> section")
        }
        try parseConfiguration(configuration)
        if let status = cib.firstChild(named: "status") { try parseStatus(status) }
    }

    mutating func applyRootAttributes(_ attributes: [(name: String, value: String)]) {
        for (name, value) in attributes {
            switch name {
            case "have-quorum": hasQuorum = Self.isTrue(value)
            case "dc-uuid": dcUUID = value
            case "execution-date": executionDate = Int(value.trimmingSpaces)
            default: break
            }
        }
    }

    mutating func parseConfiguration(_ configuration: XMLElement) throws(SchedulerError) {
        var references = ReferenceIndex(configuration: configuration)
        for section in configuration.children {
            switch section.name {
            case "crm_config":
                propertySets = try section.children(named: "cluster_property_set").map { element throws(SchedulerError) in
                    try references.attributeSet(element)
                }
            case "rsc_defaults": resourceDefaults = try references.attributeSets(in: section, named: "meta_attributes")
            case "op_defaults": operationDefaults = try references.attributeSets(in: section, named: "meta_attributes")
            case "nodes": nodes = try section.children(named: "node").map { element throws(SchedulerError) in try references.node(element) }
            case "resources": try parseResources(section, &references)
            case "tags": tags = Self.parseTags(section)
            default: break
            }
        }
        if let constraints = configuration.firstChild(named: "constraints") {
            try parseConstraints(constraints, &references)
        }
    }

    static func isTrue(_ text: String?) -> Bool {
        guard let text else { return false }
        switch text.trimmingSpaces.lowercased() {
        case "true", "yes", "on", "y", "1": return true
        default: return false
        }
    }

    private static func parseTags(_ section: XMLElement) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for tag in section.children(named: "tag") {
            guard let id = tag[attribute: "id"] else { continue }
            result[id] = tag.children(named: "obj_ref").compactMap { $0[attribute: "id"] }
        }
        return result
    }

    private mutating func parseResources(_ section: XMLElement, _ references: inout ReferenceIndex) throws(SchedulerError) {
        for element in section.children {
            switch element.name {
            case "primitive": resources.append(.primitive(try references.primitive(element)))
            case "group": resources.append(.group(try references.group(element)))
            case "template":
                if let id = element[attribute: "id"] { templateIDs.insert(id) }
            case "clone": resources.append(.clone(try references.clone(element)))
            case "master":
                throw .unsupported(
                    element: element.name, id: element[attribute: "id"],
                    reason: "promotable clones (master) are not supported by this policy engine yet")
            case "bundle":
                throw .unsupported(
                    element: element.name, id: element[attribute: "id"],
                    reason: "bundles are not supported by this policy engine yet")
            default:
                throw .unsupported(element: element.name, id: element[attribute: "id"], reason: "unknown resource type")
            }
        }
    }
}

/// Resolves `id-ref` and templates while parsing; lives only during `ClusterModel(cib:)`.
struct ReferenceIndex {
    private var byID: [String: XMLElement] = [:]

    init(configuration: XMLElement) {
        configuration.forEachDescendant { element in
            if let id = element[attribute: "id"], byID[id] == nil { byID[id] = element }
        }
    }

    /// The element an `id-ref` points at, or the element itself.
    func resolve(_ element: XMLElement) -> XMLElement {
        guard let reference = element[attribute: "id-ref"], let target = byID[reference] else { return element }
        return target
    }

    func element(id: String) -> XMLElement? { byID[id] }

    func attributeSets(in parent: XMLElement, named name: String) throws(SchedulerError) -> [AttributeSet] {
        var sets: [AttributeSet] = []
        for child in parent.children(named: name) { sets.append(try attributeSet(child)) }
        return sets
    }

    func attributeSet(_ original: XMLElement) throws(SchedulerError) -> AttributeSet {
        let element = resolve(original)
        var pairs: [(name: String, value: String?)] = []
        var rule: Rule?
        for child in element.children {
            switch child.name {
            case "nvpair":
                let pair = resolve(child)
                guard let name = pair[attribute: "name"] else { continue }
                pairs.append((name, pair[attribute: "value"]))
            case "rule":
                rule = try parseRule(child)
            default: break
            }
        }
        let score = element[attribute: "score"].flatMap { Score.parse($0) } ?? 0
        return AttributeSet(id: element[attribute: "id"] ?? "", score: score, rule: rule, pairs: pairs)
    }

    func node(_ element: XMLElement) throws(SchedulerError) -> NodeDefinition {
        guard let id = element[attribute: "id"] else { throw .invalid(element: "node", id: nil, reason: "no id") }
        let type = element[attribute: "type"] ?? "member"
        if type == "remote" {
            throw .unsupported(element: "node", id: id, reason: "remote nodes are not supported by this policy engine yet")
        }
        return NodeDefinition(
            id: id, uname: element[attribute: "uname"] ?? id, type: type,
            attributeSets: try attributeSets(in: element, named: "instance_attributes"),
            utilizationSets: try attributeSets(in: element, named: "utilization"))
    }

    func group(_ element: XMLElement) throws(SchedulerError) -> GroupDefinition {
        let id = element[attribute: "id"] ?? ""
        var members: [PrimitiveDefinition] = []
        for child in element.children(named: "primitive") { members.append(try primitive(child)) }
        return GroupDefinition(
            id: id, members: members, metaSets: try attributeSets(in: element, named: "meta_attributes"),
            instanceSets: try attributeSets(in: element, named: "instance_attributes"))
    }

    /// A `clone` of one primitive or group; refuses the clone features the scheduler does not implement.
    func clone(_ element: XMLElement) throws(SchedulerError) -> CloneDefinition {
        let id = element[attribute: "id"] ?? ""
        let metaSets = try attributeSets(in: element, named: "meta_attributes")
        for set in metaSets {
            for (name, value) in set.pairs {
                guard let value else { continue }
                let refused: String?
                switch name {
                case "promotable" where ClusterModel.isTrue(value): refused = "promotable clones are not supported yet"
                case "notify" where ClusterModel.isTrue(value): refused = "clone notifications (notify=true) are not supported yet"
                case "clone-min" where (Int(value.trimmingSpaces) ?? 0) > 0: refused = "clone-min is not supported yet"
                default: refused = nil
                }
                if let refused { throw .unsupported(element: "clone", id: id, reason: refused) }
            }
        }
        let children = element.children.filter { $0.name == "primitive" || $0.name == "group" }
        guard children.count == 1, let childElement = children.first else {
            throw .invalid(element: "clone", id: id, reason: "a clone needs exactly one primitive or group")
        }
        let child: ResourceDefinition =
            childElement.name == "group" ? .group(try group(childElement)) : .primitive(try primitive(childElement))
        return CloneDefinition(
            id: id, child: child, metaSets: metaSets, instanceSets: try attributeSets(in: element, named: "instance_attributes"))
    }

    func primitive(_ element: XMLElement) throws(SchedulerError) -> PrimitiveDefinition {
        guard let id = element[attribute: "id"] else { throw .invalid(element: "primitive", id: nil, reason: "no id") }
        var definition = PrimitiveDefinition(
            id: id, resourceClass: element[attribute: "class"] ?? "", provider: element[attribute: "provider"],
            type: element[attribute: "type"] ?? "", template: element[attribute: "template"],
            instanceSets: try attributeSets(in: element, named: "instance_attributes"),
            metaSets: try attributeSets(in: element, named: "meta_attributes"),
            utilizationSets: try attributeSets(in: element, named: "utilization"),
            operations: try operations(of: element))
        if let templateID = definition.template {
            guard let template = byID[templateID], template.name == "template" else {
                throw .invalid(element: "primitive", id: id, reason: "template '\(templateID)' does not exist")
            }
            definition.resourceClass = template[attribute: "class"] ?? definition.resourceClass
            definition.provider = template[attribute: "provider"] ?? definition.provider
            definition.type = template[attribute: "type"] ?? definition.type
            definition.instanceSets += try attributeSets(in: template, named: "instance_attributes")
            definition.metaSets += try attributeSets(in: template, named: "meta_attributes")
            definition.utilizationSets += try attributeSets(in: template, named: "utilization")
            // As Pacemaker: a template's op is dropped when the primitive has one of the same name and role.
            func key(_ op: OperationDefinition) -> String { "\(op.name)/\(op.attributes["role"] ?? "Started")" }
            let own = Set(definition.operations.map(key))
            definition.operations += try operations(of: template).filter { !own.contains(key($0)) }
        }
        if definition.resourceClass == "ocf" && definition.provider == "pacemaker" && definition.type == "remote" {
            throw .unsupported(element: "primitive", id: id, reason: "remote node connections are not supported yet")
        }
        if definition.metaSets.contains(where: { set in set.pairs.contains { $0.name == "container" } }) {
            throw .unsupported(element: "primitive", id: id, reason: "guest nodes (meta container) are not supported yet")
        }
        return definition
    }

    private func operations(of element: XMLElement) throws(SchedulerError) -> [OperationDefinition] {
        guard let operations = element.firstChild(named: "operations").map(resolve) else { return [] }
        var result: [OperationDefinition] = []
        for original in operations.children(named: "op") {
            let op = resolve(original)
            var attributes: [String: String] = [:]
            for (name, value) in op.attributes { attributes[name] = value }
            let name = attributes["name"] ?? ""
            let interval = attributes["interval"].flatMap(DurationText.milliseconds) ?? 0
            result.append(
                OperationDefinition(
                    id: attributes["id"] ?? "", name: name, intervalMs: interval, attributes: attributes,
                    metaSets: try attributeSets(in: op, named: "meta_attributes"),
                    instanceSets: try attributeSets(in: op, named: "instance_attributes")))
        }
        return result
    }
}
