import XML

/// The semantic checks of crm_verify: what a schema cannot see.
///
/// Run on a CIB that passed `CIBSchema` (or declares `validate-with="none"`), it reports dangling and
/// mistyped references, duplicate ids, agent forms (class/provider/type), duplicate operations, `on-fail`
/// values an action cannot take, role settings that need a promotable clone, invalid constraint options,
/// unparsable intervals and the STONITH rule, each in the words Pacemaker's crm_verify uses. Checks that
/// need the scheduler's view of the status section ("active on 2 nodes") are not made here.
/// Pure: reads the document, touches nothing else.
public enum CIBVerifier {
    /// Every finding for `document`, errors and warnings, in the order Pacemaker would report them.
    public static func check(_ document: XMLDocument) -> [CIBFinding] {
        guard let configuration = document.root.firstChild(named: "configuration") else {
            return [CIBFinding(.error, origin: "unpack_config", "The CIB has no configuration section", line: document.root.line)]
        }
        let model = ConfigurationModel(configuration)
        var findings: [CIBFinding] = []
        findings += model.duplicateIdentifierFindings()
        findings += model.idReferenceFindings()
        findings += model.agentFindings()
        findings += model.roleFindings()
        findings += model.stonithFindings()
        findings += model.constraintFindings()
        findings += model.deprecationFindings()
        findings += model.operationFindings()
        return findings
    }
}

/// The parts of a configuration the checks look up, indexed once.
struct ConfigurationModel {
    let configuration: XMLElement
    /// Every element carrying an `id` it defines (references such as `resource_ref` excluded), in order.
    private(set) var definitions: [(id: String, element: XMLElement)] = []
    /// Resources (and templates) by id.
    private(set) var resources: [String: XMLElement] = [:]
    /// Tag ids.
    private(set) var tags: Set<String> = []

    /// Elements whose `id` refers to something else instead of defining it.
    static let referenceElements: Set<String> = ["resource_ref", "obj_ref", "role", "role_ref"]
    /// Elements whose ids live in their own namespace (node ids may equal a remote node's resource id;
    /// ACL targets and groups are named after users and groups).
    static let separateNamespaces: Set<String> = ["node", "acl_target", "acl_group", "acl_user"]
    /// The elements that are resources (`template` included: constraints may name templates).
    static let resourceElements: Set<String> = ["primitive", "group", "clone", "master", "bundle", "template"]

    init(_ configuration: XMLElement) {
        self.configuration = configuration
        configuration.forEachDescendant { element in
            guard let id = element[attribute: "id"], !Self.referenceElements.contains(element.name) else { return }
            definitions.append((id, element))
            if Self.resourceElements.contains(element.name), resources[id] == nil { resources[id] = element }
            if element.name == "tag" { tags.insert(id) }
        }
    }

    /// The first value of cluster option `name` in `crm_config` (sets in document order; rule-bound sets skipped).
    func clusterOption(_ name: String) -> String? {
        for set in configuration.firstChild(named: "crm_config")?.children(named: "cluster_property_set") ?? []
        where set.firstChild(named: "rule") == nil {
            if let pair = set.children(named: "nvpair").first(where: { $0[attribute: "name"] == name }) {
                return pair[attribute: "value"]
            }
        }
        return nil
    }

    /// The value of meta attribute `name` set directly on `resource` (first set without a rule).
    func metaAttribute(_ name: String, of resource: XMLElement) -> String? {
        for set in resource.children(named: "meta_attributes") where set.firstChild(named: "rule") == nil {
            if let pair = set.children(named: "nvpair").first(where: { $0[attribute: "name"] == name }) {
                return pair[attribute: "value"]
            }
        }
        return nil
    }

    /// Every element of the configuration named `name`, in document order.
    func elements(named name: String) -> [XMLElement] {
        var found: [XMLElement] = []
        configuration.forEachDescendant { if $0.name == name { found.append($0) } }
        return found
    }

    func duplicateIdentifierFindings() -> [CIBFinding] {
        var first: [String: XMLElement] = [:]
        var findings: [CIBFinding] = []
        for (id, element) in definitions {
            let key = Self.separateNamespaces.contains(element.name) ? element.name + "\u{0}" + id : id
            if let earlier = first[key] {
                findings.append(
                    CIBFinding(
                        .error, origin: "unpack_config",
                        "Duplicate id '\(id)': <\(element.name)> on line \(element.line) reuses the id of <\(earlier.name)> on line \(earlier.line)",
                        line: element.line))
            } else {
                first[key] = element
            }
        }
        return findings
    }

    /// `id-ref` must name an element of the same kind (an nvpair names an nvpair, a rule a rule, …).
    func idReferenceFindings() -> [CIBFinding] {
        var byID: [String: XMLElement] = [:]
        for (id, element) in definitions where byID[id] == nil { byID[id] = element }
        var findings: [CIBFinding] = []
        configuration.forEachDescendant { element in
            guard let target = element[attribute: "id-ref"] else { return }
            if let found = byID[target], found.name == element.name { return }
            let what = byID[target].map { "a <\($0.name)>, not a <\(element.name)>" } ?? "not defined"
            findings.append(
                CIBFinding(
                    .error, origin: "expand_idref",
                    "The id-ref '\(target)' of a <\(element.name)> on line \(element.line) is \(what)",
                    line: element.line))
        }
        return findings
    }
}
