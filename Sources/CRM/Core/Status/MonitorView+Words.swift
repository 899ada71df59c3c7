import ResourceAgents

extension MonitorView {
    /// An interval as Pacemaker writes it for people: `11s`, `2m`, `1h30m`, `30.160s`, `500ms`.
    public static func readableInterval(_ milliseconds: Int) -> String {
        guard milliseconds > 0 else { return "0s" }
        var rest = milliseconds
        var text = ""
        for (size, name) in [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m")] where rest >= size {
            text += "\(rest / size)\(name)"
            rest %= size
        }
        let seconds = rest / 1000
        let fraction = rest % 1000
        if seconds > 0 {
            text += fraction > 0 ? "\(seconds).\(String(fraction).leftPadded(to: 3))s" : "\(seconds)s"
        } else if fraction > 0 {
            text += "\(fraction)ms"
        }
        return text
    }

    /// An agent exit code's name (`services_ocf_exitcode_str`).
    public static func exitText(_ code: Int) -> String {
        guard let value = Int32(exactly: code) else { return "unknown" }
        switch OCFExitCode(rawValue: value) {
        case .unknown: return "unknown"
        case let known: return known.description
        }
    }

    /// An `op-status` as Pacemaker 2.1.5 names it (`pcmk_exec_status_str`).
    public static func executionStatusText(_ status: Int) -> String {
        switch status {
        case -1: return "pending"
        case 0: return "complete"
        case 1: return "Cancelled"
        case 2: return "Timed Out"
        case 3: return "NOT SUPPORTED"
        case 4: return "Error"
        case 5: return "Hard error"
        case 6: return "Fatal error"
        case 7: return "Not installed"
        case 8: return "Internal communication failure"
        case 9: return "Cannot execute now"
        case 10: return "No fence device"
        case 11: return "CIB secrets unavailable"
        default: return "UNKNOWN!"
        }
    }

    /// The resource part of an operation key `RSC_TASK_INTERVAL` (tasks may hold `_`, as `migrate_to`).
    public static func resourceName(ofKey key: String, fallback: String) -> String {
        guard let intervalStart = key.lastIndex(of: "_"), key[key.index(after: intervalStart)...].allSatisfy(\.isNumber)
        else { return fallback }
        var head = key[..<intervalStart]
        for task in ["_migrate_to", "_migrate_from"] where head.hasSuffix(task) {
            return String(head.dropLast(task.count))
        }
        guard let taskStart = head.lastIndex(of: "_") else { return fallback }
        head = head[..<taskStart]
        return head.isEmpty ? fallback : String(head)
    }
}

extension String {
    /// The string padded with zeros on the left to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
