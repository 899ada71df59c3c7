import XML

/// Why a CIB request failed; each case maps to the exit code Pacemaker's tools use for it.
public enum CIBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The supplied XML is not well-formed, not UTF-8, too large, or has the wrong shape.
    case invalidXML(XMLError)
    /// The request is missing something it needs or combines things that do not go together.
    case invalidRequest(String)
    /// A scope name Pacemaker does not define.
    case unknownScope(String)
    /// Nothing matched the id, scope or XPath (`No such device or address` in Pacemaker).
    case noSuchObject(String)
    /// `-C` of an element whose id already exists in the target section.
    case alreadyExists(element: String, id: String)
    /// The section a create targets does not exist (Pacemaker: EINVAL, exit 70).
    case missingSection(String)
    /// A whole-CIB replace or a patch carries an older version than the CIB.
    case olderVersion(current: CIBVersion, supplied: CIBVersion)
    /// A patch's source version does not match the CIB it is applied to.
    case patchVersionMismatch(expected: CIBVersion, actual: CIBVersion)
    /// A patch could not be applied (a path it names does not exist, …).
    case patchFailed(String)
    /// The request would destroy data and needs `--force`.
    case needsForce(String)
    /// An ACL denied the request for `user`.
    case permissionDenied(user: String, reason: String)
    /// The result does not conform to the schema; nothing was changed.
    case schemaViolation([XMLValidationIssue])
    /// An XPath expression is invalid, or addresses something that cannot be edited.
    case invalidXPath(String)

    /// The Pacemaker exit code a tool returns for this error.
    public var exitCode: CRMExitCode {
        switch self {
        case .invalidXML: return .dataError
        case .invalidRequest: return .usage
        case .unknownScope: return .usage
        case .noSuchObject: return .noSuchObject
        case .alreadyExists: return .exists
        case .missingSection: return .software
        case .olderVersion: return .old
        case .patchVersionMismatch: return .old
        case .patchFailed: return .dataError
        case .needsForce: return .unsafe
        case .permissionDenied: return .insufficientPrivileges
        case .schemaViolation: return .config
        case .invalidXPath: return .invalidParameter
        }
    }

    public var description: String {
        switch self {
        case .invalidXML(let error): return "invalid XML: \(error)"
        case .invalidRequest(let why): return why
        case .unknownScope(let scope):
            return "unknown scope '\(scope)' (known: \(CIBScope.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .noSuchObject(let what): return "No such object: \(what)"
        case .alreadyExists(let element, let id): return "\(element) with id '\(id)' already exists"
        case .missingSection(let section): return "section <\(section)> does not exist in the CIB"
        case .olderVersion(let current, let supplied):
            return "Update was older than existing configuration: supplied \(supplied), CIB is at \(current)"
        case .patchVersionMismatch(let expected, let actual):
            return "patch applies to CIB version \(expected), but the CIB is at \(actual)"
        case .patchFailed(let why): return "patch could not be applied: \(why)"
        case .needsForce(let what):
            return "\(what): the supplied command is considered dangerous; use --force to proceed"
        case .permissionDenied(let user, let reason): return "Permission denied for user \(user): \(reason)"
        case .schemaViolation(let issues):
            let first = issues.prefix(5).map(\.description).joined(separator: "; ")
            return "Update does not conform to the configured schema: \(first)"
        case .invalidXPath(let why): return why
        }
    }
}
