/// How an agent process ended, as the shell observed it, before any OCF interpretation.
public enum ProcessTermination: Sendable, Hashable {
    /// The process exited with this status.
    case exited(Int32)
    /// The process was killed by this signal (not by us).
    case signaled(Int32)
    /// We killed the process group because the timeout passed.
    case timedOut(after: Duration)
    /// We killed the process group because the operation was cancelled.
    case killed
    /// The program does not exist (ENOENT when spawning).
    case notFound
    /// The program could not be started; `errno` names why.
    case spawnFailed(errno: Int32, message: String)
}

/// One finished agent process: how it ended and what it printed (both bounded by the shell).
public struct AgentRun: Sendable, Hashable {
    /// How the process ended.
    public var termination: ProcessTermination
    /// Standard output, up to the capture bound.
    public var standardOutput: String
    /// Standard error, up to the capture bound (plus its tail, for the exit reason).
    public var standardError: String
    /// Whether output beyond the bound was discarded.
    public var isTruncated: Bool
    /// How long the process ran.
    public var duration: Duration

    /// Makes a run record.
    public init(
        termination: ProcessTermination, standardOutput: String = "", standardError: String = "",
        isTruncated: Bool = false, duration: Duration = .zero
    ) {
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.isTruncated = isTruncated
        self.duration = duration
    }
}

/// Turns a finished process into an exit code, execution status and reason, per standard and action.
public enum AgentOutcome {
    /// The prefix agents put before their exit reason on stderr (`OCF_EXIT_REASON_PREFIX`).
    public static let exitReasonPrefix = "ocf-exit-reason:"

    /// Interprets a run the way Pacemaker's services layer does.
    public static func interpret(
        _ run: AgentRun, standard: AgentStandard, action: String, timeout: Duration
    ) -> (exitCode: OCFExitCode, status: ExecutionStatus, reason: String) {
        switch run.termination {
        case .exited(let raw):
            let code = exitCode(raw, standard: standard, action: action)
            return (code, .done, exitReason(in: run.standardError) ?? "")
        case .signaled(let signal):
            return (.genericError, .error, "agent killed by signal \(signal)")
        case .timedOut:
            return (.genericError, .timedOut, "\(action) did not complete within \(timeout.wholeMilliseconds)ms")
        case .killed:
            return (.genericError, .cancelled, "operation cancelled")
        case .notFound:
            return (.notInstalled, .notInstalled, "agent not installed")
        case .spawnFailed(let number, let message):
            let code: OCFExitCode = number == 13 ? .insufficientPrivileges : .genericError  // 13 = EACCES
            return (code, .error, "could not run agent: \(message)")
        }
    }

    /// Maps a raw exit status per standard: OCF and fence codes normalised, LSB status codes translated.
    public static func exitCode(_ raw: Int32, standard: AgentStandard, action: String) -> OCFExitCode {
        switch standard {
        case .lsb where action == "status" || action == "monitor":
            switch raw {
            case 0: return .success
            case 1, 2, 3: return .notRunning
            case 150: return .notInstalled
            case 151: return .insufficientPrivileges
            default: return .genericError
            }
        case .lsb:
            return (0...7).contains(raw) ? OCFExitCode(rawValue: raw) : .genericError
        case .ocf, .stonith, .service, .systemd:
            return OCFExitCode(rawValue: raw).normalized
        }
    }

    /// The text after the last `ocf-exit-reason:` prefix on stderr, trimmed; nil if there is none.
    public static func exitReason(in standardError: String) -> String? {
        var found: Substring?
        for line in standardError.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let range = line.firstRange(of: exitReasonPrefix) else { continue }
            found = line[range.upperBound...]
        }
        guard let found else { return nil }
        return String(found.drop(while: { $0 == " " })).trimmingTrailingWhitespace()
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
