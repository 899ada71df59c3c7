/// A named section of the CIB that `-o/--scope` selects.
public enum CIBScope: String, CaseIterable, Sendable {
    case configuration
    case nodes
    case resources
    case constraints
    case crmConfig = "crm_config"
    case resourceDefaults = "rsc_defaults"
    case operationDefaults = "op_defaults"
    case acls
    case fencingTopology = "fencing-topology"
    case tags
    case alerts
    case status

    /// The scope for a user-supplied name; `cib` and `all` mean the whole CIB and give nil.
    /// - Throws: `CIBError.unknownScope` for any other name. Pacemaker 2.1.5 silently falls back to
    ///   the whole CIB there; we refuse, so a typo never edits or prints the wrong section.
    public static func parse(_ name: String) throws(CIBError) -> CIBScope? {
        if name == "cib" || name == "all" { return nil }
        guard let scope = CIBScope(rawValue: name) else { throw .unknownScope(name) }
        return scope
    }

    /// Element names from `<cib>` down to this section.
    public var path: [String] {
        switch self {
        case .configuration: return ["configuration"]
        case .status: return ["status"]
        default: return ["configuration", rawValue]
        }
    }

    /// The section's XPath, e.g. `/cib/configuration/nodes`.
    public var xpath: String { "/cib/" + path.joined(separator: "/") }
}
