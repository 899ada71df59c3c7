/// Pacemaker's tool exit codes (`crm_exit_t`), with the names and descriptions `crm_error -X -n` prints.
///
/// Every CRM tool exits with one of these so scripts written for Pacemaker keep working; the raw
/// values, `CRM_EX_*` names and descriptions are exactly Pacemaker 2.1.5's (`crm_error -l -X -n`).
public enum CRMExitCode: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// Success.
    case ok = 0
    /// A generic failure.
    case error = 1
    /// A parameter was invalid.
    case invalidParameter = 2
    /// The requested feature is not implemented.
    case unimplementedFeature = 3
    /// The user lacks the privileges (an ACL denied the request).
    case insufficientPrivileges = 4
    /// Required software is not installed.
    case notInstalled = 5
    /// The configuration is wrong for this request.
    case notConfigured = 6
    /// The service is not running.
    case notRunning = 7
    /// The service is running in the promoted role.
    case promoted = 8
    /// The service failed in the promoted role.
    case failedPromoted = 9
    /// Bad command-line options or arguments.
    case usage = 64
    /// The supplied data (XML, …) is invalid.
    case dataError = 65
    /// An input file is missing or unreadable.
    case noInput = 66
    /// The user does not exist.
    case noUser = 67
    /// The host does not exist.
    case noHost = 68
    /// A necessary service is unavailable.
    case unavailable = 69
    /// An internal software bug.
    case software = 70
    /// An operating-system error.
    case osError = 71
    /// A system file is not available.
    case osFile = 72
    /// An output file cannot be created.
    case cannotCreate = 73
    /// An I/O error.
    case ioError = 74
    /// A temporary failure; try again.
    case temporaryFailure = 75
    /// A protocol was violated.
    case protocolViolation = 76
    /// Permission denied by the operating system.
    case noPermission = 77
    /// The configuration is invalid (for example it does not conform to the schema).
    case config = 78
    /// A fatal error; the daemon will not be respawned.
    case fatal = 100
    /// A system panic is required.
    case panic = 101
    /// Not connected to the daemon.
    case disconnect = 102
    /// The update is older than the existing configuration.
    case old = 103
    /// A digest did not match.
    case digest = 104
    /// No such object (no such id, or an XPath matched nothing).
    case noSuchObject = 105
    /// Quorum is required.
    case quorum = 106
    /// The operation is not safe without `--force`.
    case unsafe = 107
    /// The requested item already exists.
    case exists = 108
    /// Several items match the request.
    case multiple = 109
    /// The requested item has expired.
    case expired = 110
    /// The requested item is not yet in effect.
    case notYetInEffect = 111
    /// The status could not be determined.
    case indeterminate = 112
    /// Not applicable under the current conditions.
    case unsatisfied = 113
    /// A timeout occurred.
    case timeout = 124
    /// The service is active but might fail soon.
    case degraded = 190
    /// The service is promoted but might fail soon.
    case degradedPromoted = 191
    /// No exit status is available.
    case none = 193

    /// Pacemaker's symbolic name, e.g. `CRM_EX_NOSUCH`.
    public var name: String { Self.table[self]!.name }

    /// Pacemaker's one-line description, e.g. `No such object`.
    public var description: String { Self.table[self]!.description }

    /// The code for a raw exit status, nil when Pacemaker defines none with that value.
    public init?(code: Int32) { self.init(rawValue: code) }

    /// The code named `name` (`CRM_EX_NOSUCH`), nil when unknown.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    private static let table: [CRMExitCode: (name: String, description: String)] = [
        .ok: ("CRM_EX_OK", "OK"),
        .error: ("CRM_EX_ERROR", "Error occurred"),
        .invalidParameter: ("CRM_EX_INVALID_PARAM", "Invalid parameter"),
        .unimplementedFeature: ("CRM_EX_UNIMPLEMENT_FEATURE", "Unimplemented"),
        .insufficientPrivileges: ("CRM_EX_INSUFFICIENT_PRIV", "Insufficient privileges"),
        .notInstalled: ("CRM_EX_NOT_INSTALLED", "Not installed"),
        .notConfigured: ("CRM_EX_NOT_CONFIGURED", "Not configured"),
        .notRunning: ("CRM_EX_NOT_RUNNING", "Not running"),
        .promoted: ("CRM_EX_PROMOTED", "Promoted"),
        .failedPromoted: ("CRM_EX_FAILED_PROMOTED", "Failed in promoted role"),
        .usage: ("CRM_EX_USAGE", "Incorrect usage"),
        .dataError: ("CRM_EX_DATAERR", "Invalid data given"),
        .noInput: ("CRM_EX_NOINPUT", "Input file not available"),
        .noUser: ("CRM_EX_NOUSER", "User does not exist"),
        .noHost: ("CRM_EX_NOHOST", "Host does not exist"),
        .unavailable: ("CRM_EX_UNAVAILABLE", "Necessary service unavailable"),
        .software: ("CRM_EX_SOFTWARE", "Internal software bug"),
        .osError: ("CRM_EX_OSERR", "Operating system error occurred"),
        .osFile: ("CRM_EX_OSFILE", "System file not available"),
        .cannotCreate: ("CRM_EX_CANTCREAT", "Cannot create output file"),
        .ioError: ("CRM_EX_IOERR", "I/O error occurred"),
        .temporaryFailure: ("CRM_EX_TEMPFAIL", "Temporary failure, try again"),
        .protocolViolation: ("CRM_EX_PROTOCOL", "Protocol violated"),
        .noPermission: ("CRM_EX_NOPERM", "Insufficient privileges"),
        .config: ("CRM_EX_CONFIG", "Invalid configuration"),
        .fatal: ("CRM_EX_FATAL", "Fatal error occurred, will not respawn"),
        .panic: ("CRM_EX_PANIC", "System panic required"),
        .disconnect: ("CRM_EX_DISCONNECT", "Not connected"),
        .old: ("CRM_EX_OLD", "Update was older than existing configuration"),
        .digest: ("CRM_EX_DIGEST", "Digest mismatch"),
        .noSuchObject: ("CRM_EX_NOSUCH", "No such object"),
        .quorum: ("CRM_EX_QUORUM", "Quorum required"),
        .unsafe: ("CRM_EX_UNSAFE", "Operation not safe"),
        .exists: ("CRM_EX_EXISTS", "Requested item already exists"),
        .multiple: ("CRM_EX_MULTIPLE", "Multiple items match request"),
        .expired: ("CRM_EX_EXPIRED", "Requested item has expired"),
        .notYetInEffect: ("CRM_EX_NOT_YET_IN_EFFECT", "Requested item is not yet in effect"),
        .indeterminate: ("CRM_EX_INDETERMINATE", "Could not determine status"),
        .unsatisfied: ("CRM_EX_UNSATISFIED", "Not applicable under current conditions"),
        .timeout: ("CRM_EX_TIMEOUT", "Timeout occurred"),
        .degraded: ("CRM_EX_DEGRADED", "Service is active but might fail soon"),
        .degradedPromoted: ("CRM_EX_DEGRADED_PROMOTED", "Service is promoted but might fail soon"),
        .none: ("CRM_EX_NONE", "No exit status available"),
    ]
}
