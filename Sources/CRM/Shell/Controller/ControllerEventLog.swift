import Glibc
import Synchronization

/// The crmd's log: one line per event, `<UTC time with ms> crmd[<node>] <level>: <message>`, written to
/// standard error and appended to `<run-dir>/crmd.log`. Notice-level messages are the stable events of
/// Docs/Controller.md ("Log format"): `view installed`, `dc elected`, `fencing requested|succeeded|failed`,
/// `transition started|finished`, `action dispatched|finished`.
public final class ControllerEventLog: Sendable {
    /// Severity, in increasing order.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug, info, notice, warning, error
        /// The lower-case name.
        public var name: String { "\(self)" }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let node: String
    let minimum: Level
    let file: Mutex<Int32>

    /// A log for `node`; `path` nil writes to standard error only.
    public init(node: String, path: String?, minimum: Level = .notice) {
        self.node = node
        self.minimum = minimum
        let descriptor = path.map { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640) } ?? -1
        self.file = Mutex(descriptor)
    }

    deinit {
        file.withLock { if $0 >= 0 { close($0) } }
    }

    /// Writes one line when `level` is at least the minimum.
    public func log(_ level: Level, _ message: String) {
        guard level >= minimum else { return }
        let line = Array("\(Self.timestamp()) crmd[\(node)] \(level.name): \(message)\n".utf8)
        file.withLock { descriptor in
            line.withUnsafeBytes { bytes in
                _ = write(2, bytes.baseAddress, bytes.count)
                if descriptor >= 0 { _ = write(descriptor, bytes.baseAddress, bytes.count) }
            }
        }
    }

    /// A notice (the stable events).
    public func notice(_ message: String) { log(.notice, message) }

    /// `2026-11-25T02:08:29.123Z`: wall-clock UTC with milliseconds.
    public static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let ms = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }
}
