/// The three kinds of result code Pacemaker's tools and libraries use, as `crm_error` explains them.
///
/// `exitCode` is `CRMExitCode` (what tools exit with); `standard` is Pacemaker's `pcmk_rc_*` return codes
/// plus errno; `legacy` is the older function return values (errno, negated or not, plus `pcmk_err_*`).
public enum ResultCodeFamily: Sendable, CaseIterable {
    /// Legacy function return values (`crm_error` with neither `-r` nor `-X`).
    case legacy
    /// Standard return codes (`crm_error -r`).
    case standard
    /// Tool exit codes (`crm_error -X`).
    case exitCode

    /// One code: its value, symbolic name and description.
    public struct Entry: Equatable, Sendable {
        /// The numeric value.
        public var code: Int
        /// The symbolic name (`ENOENT`, `pcmk_rc_old_data`, `CRM_EX_NOSUCH`; `Unknown` when there is none).
        public var name: String
        /// The one-line description.
        public var description: String

        init(_ code: Int, _ name: String, _ description: String) {
            self.code = code
            self.name = name
            self.description = description
        }
    }

    /// Every known code of the family, in `crm_error -l` order.
    public var entries: [Entry] {
        let ok = Entry(0, "pcmk_rc_ok", "OK")
        switch self {
        case .legacy: return [ok] + Self.errnoEntries + Self.legacyEntries
        case .standard: return Self.standardEntries + [ok] + Self.errnoEntries
        case .exitCode:
            return CRMExitCode.allCases.map { Entry(Int($0.rawValue), $0.name, $0.description) }
        }
    }

    /// The name and description of `code`, with Pacemaker's answers for values it does not define.
    public func entry(for code: Int) -> Entry {
        switch self {
        case .exitCode:
            if let known = CRMExitCode(code: Int32(exactly: code) ?? -1) {
                return Entry(code, known.name, known.description)
            }
            // 255 is what -1 becomes as a process status; above 128 a signal ended the process.
            if code == 255 { return Entry(code, "CRM_EX_UNKNOWN", CRMExitCode.error.description) }
            let description = code > 128 && code < 256 ? "Interrupted by signal" : "Unknown exit status"
            return Entry(code, "CRM_EX_UNKNOWN", description)
        case .legacy:
            // Legacy functions return errno and pcmk_err_* values negated; the sign carries no meaning.
            let magnitude = abs(code)
            return entries.first { $0.code == magnitude } ?? Entry(code, "Unknown", "Unknown error \(magnitude)")
        case .standard:
            return entries.first { $0.code == code } ?? Entry(code, "Unknown", "Unknown error \(code)")
        }
    }
}
