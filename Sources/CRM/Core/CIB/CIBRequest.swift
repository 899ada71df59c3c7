import XML

/// Where a request applies: the whole CIB, one section, or the elements an XPath selects.
public enum CIBTarget: Sendable, Equatable {
    case whole
    case scope(CIBScope)
    case xpath(String)
}

/// One operation on the CIB, as `cibadmin` and the other tools issue them.
///
/// Elements passed in may belong to any document; they are copied, never adopted.
public enum CIBRequest {
    /// Read the target (`-Q`).
    case query(CIBTarget)
    /// Add `element` (or, when it is the section itself, each of its children) to a section (`-C`).
    /// Without a scope Pacemaker performs a modify instead, and so do we.
    case create(CIBTarget, XMLElement)
    /// Merge `element` into the first element with the same tag and id (`-M`); `allowCreate` adds it
    /// to the section when nothing matches (`-c`).
    case modify(CIBTarget, XMLElement, allowCreate: Bool)
    /// Replace the first element with the same tag and id, or the whole CIB when `element` is `<cib>` (`-R`).
    case replace(CIBTarget, XMLElement)
    /// Delete the first element whose tag and given attributes all match `element` (`-D -X`),
    /// or the first / every element an XPath selects (`-D -A`, `-d`).
    case delete(CIBTarget, XMLElement?, allMatches: Bool)
    /// Replace everything with an empty CIB, keeping the version and bumping `admin_epoch` (`-E`).
    case erase
    /// Increment `epoch` (`-B`).
    case bump
    /// Apply a v2 patchset (`-P`).
    case applyPatch(XMLElement)

    /// Whether the request changes nothing.
    public var isReadOnly: Bool {
        if case .query = self { return true }
        return false
    }

    /// The name Pacemaker gives the operation in `<failed_update operation=…>` and logs.
    public var operationName: String {
        switch self {
        case .query: return "cib_query"
        case .create: return "cib_create"
        case .modify: return "cib_modify"
        case .replace: return "cib_replace"
        case .delete: return "cib_delete"
        case .erase: return "cib_erase"
        case .bump: return "cib_bump"
        case .applyPatch: return "cib_apply_diff"
        }
    }
}

/// What an update did: the versions before and after, and whether the configuration changed.
public struct CIBUpdateResult: Sendable, Equatable {
    /// The version before the request.
    public var before: CIBVersion
    /// The version after the request (equal to `before` when nothing changed).
    public var after: CIBVersion
    /// Whether anything changed at all.
    public var isChanged: Bool
    /// Whether something under `/cib/configuration` changed (so `epoch` moved).
    public var isConfigurationChanged: Bool
}

/// Checks a candidate CIB against the schema; an empty answer means valid.
///
/// The CIB runs it after every edit and rejects the edit when it reports anything. The RelaxNG
/// validator of `crm_verify` plugs in here; tests may use a closure.
public protocol CIBValidator {
    /// The problems of `document`, empty when it is valid.
    func validate(_ document: XMLDocument) -> [XMLValidationIssue]
}

/// A `CIBValidator` built from a closure.
public struct CIBClosureValidator: CIBValidator {
    private let body: (XMLDocument) -> [XMLValidationIssue]

    /// Wraps `body`.
    public init(_ body: @escaping (XMLDocument) -> [XMLValidationIssue]) { self.body = body }

    /// Runs the closure.
    public func validate(_ document: XMLDocument) -> [XMLValidationIssue] { body(document) }
}
