/// An agent's answer, as the OCF standard numbers it. Exhaustive: any other number is `.unknown`.
///
/// Results are data, not errors: "not running" is an answer the policy engine reasons about.
public enum OCFExitCode: Sendable, Hashable, CustomStringConvertible {
    /// 0: the action succeeded; for monitor, running (unpromoted).
    case success
    /// 1: generic error.
    case genericError
    /// 2: parameters invalid on this host.
    case invalidArguments
    /// 3: action not implemented.
    case unimplemented
    /// 4: insufficient privileges.
    case insufficientPrivileges
    /// 5: software or agent missing on this host.
    case notInstalled
    /// 6: parameters inherently invalid.
    case notConfigured
    /// 7: cleanly stopped (monitor).
    case notRunning
    /// 8: running in the promoted role.
    case runningPromoted
    /// 9: failed in the promoted role.
    case failedPromoted
    /// 190: running but degraded.
    case degraded
    /// 191: promoted but degraded.
    case degradedPromoted
    /// Any other number, before normalisation.
    case unknown(Int32)

    /// Maps a raw exit status to its case.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .success
        case 1: self = .genericError
        case 2: self = .invalidArguments
        case 3: self = .unimplemented
        case 4: self = .insufficientPrivileges
        case 5: self = .notInstalled
        case 6: self = .notConfigured
        case 7: self = .notRunning
        case 8: self = .runningPromoted
        case 9: self = .failedPromoted
        case 190: self = .degraded
        case 191: self = .degradedPromoted
        default: self = .unknown(rawValue)
        }
    }

    /// The number the agent returned.
    public var rawValue: Int32 {
        switch self {
        case .success: 0
        case .genericError: 1
        case .invalidArguments: 2
        case .unimplemented: 3
        case .insufficientPrivileges: 4
        case .notInstalled: 5
        case .notConfigured: 6
        case .notRunning: 7
        case .runningPromoted: 8
        case .failedPromoted: 9
        case .degraded: 190
        case .degradedPromoted: 191
        case .unknown(let value): value
        }
    }

    /// Pacemaker's normalisation: the known codes pass through, anything else becomes a generic error.
    public var normalized: OCFExitCode {
        if case .unknown = self { .genericError } else { self }
    }

    /// Whether a monitor with this answer found the resource active (in any role, degraded or not).
    public var isActive: Bool {
        switch self {
        case .success, .runningPromoted, .degraded, .degradedPromoted, .failedPromoted: true
        default: false
        }
    }

    /// The text Pacemaker prints for the code (`crm_exit_str`), as in `rc:not running`.
    public var description: String {
        switch self {
        case .success: "ok"
        case .genericError: "error"
        case .invalidArguments: "invalid parameter"
        case .unimplemented: "unimplemented feature"
        case .insufficientPrivileges: "insufficient privileges"
        case .notInstalled: "not installed"
        case .notConfigured: "not configured"
        case .notRunning: "not running"
        case .runningPromoted: "promoted"
        case .failedPromoted: "promoted (failed)"
        case .degraded: "degraded"
        case .degradedPromoted: "promoted (degraded)"
        case .unknown(let value): "unknown (\(value))"
        }
    }
}
