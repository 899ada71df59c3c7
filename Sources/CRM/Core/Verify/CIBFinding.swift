/// One problem crm_verify reports beyond the schema: a dangling reference, a duplicate operation, …
///
/// Printed as Pacemaker prints its log lines, `(origin) \tseverity: message`, so people used to
/// Pacemaker's crm_verify recognise them; `origin` names the Pacemaker step that reports the same thing.
public struct CIBFinding: Equatable, Sendable, CustomStringConvertible {
    /// How bad a finding is, with Pacemaker's distinction between its configuration problems (which make
    /// crm_verify exit 78) and other warnings (printed with `-VV`, exit status unchanged).
    public enum Severity: String, Sendable {
        /// A configuration error (`pcmk__config_err`): "Errors found during check: config not valid".
        case error
        /// A configuration warning (`pcmk__config_warn`): "Warnings found during check: config may not be valid".
        case configurationWarning
        /// A warning that does not make the configuration invalid.
        case warning

        /// The word Pacemaker's log line carries.
        public var label: String { self == .error ? "error" : "warning" }
        /// Whether crm_verify counts it against the configuration (exit status 78).
        public var isConfigurationProblem: Bool { self != .warning }
    }

    /// Error or warning.
    public var severity: Severity
    /// The Pacemaker function that reports the same problem (`unpack_resources`, `is_op_dup`, …).
    public var origin: String
    /// What is wrong and where, in Pacemaker's words where Pacemaker has some.
    public var message: String
    /// The line of the element concerned (0 for documents built in memory).
    public var line: Int

    /// Creates a finding.
    public init(_ severity: Severity, origin: String, _ message: String, line: Int = 0) {
        self.severity = severity
        self.origin = origin
        self.message = message
        self.line = line
    }

    /// The line as crm_verify prints it with `-V`.
    public var description: String { "(\(origin)) \t\(severity.label): \(message)" }
}
