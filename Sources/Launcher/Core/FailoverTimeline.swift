/// The phases of one failover, read from the crmd logs of the surviving nodes (Docs/Controller.md, "Log
/// format": `<UTC time with ms> crmd[<node>] notice: <event> key=value …`), given when the node was killed.
///
/// Phases, each measured between the first log lines that mark it (wall-clock milliseconds):
/// - detection: the kill → the first crmd installing a view without the killed node (heartbeat's failure
///   detection, view agreement, and the view reaching crmd);
/// - agreement: that view → `dc elected` on it (DC election and join);
/// - scheduling: the election → `transition started` (status updates and the policy engine);
/// - fencing: `fencing requested target=<killed>` → `fencing succeeded|confirmed target=<killed>`;
/// - starting: the first `action dispatched` of a start of a watched resource → the last of their starts
///   `action finished … rc=0`;
/// - total: the kill → that last start finished.
/// The phases overlap little but are not forced to add up: dispatch latencies are in none of them.
public struct FailoverTimeline: Sendable, Equatable {
    /// Milliseconds of each phase.
    public var detection: Int
    /// See the type's description.
    public var agreement: Int
    /// See the type's description.
    public var scheduling: Int
    /// Zero when no fencing was logged (stonith disabled).
    public var fencing: Int
    /// See the type's description.
    public var starting: Int
    /// The kill → the last watched start finished.
    public var total: Int
    /// The node where the last watched start ran.
    public var newNode: String

    /// A timeline (milliseconds).
    public init(detection: Int, agreement: Int, scheduling: Int, fencing: Int, starting: Int, total: Int, newNode: String) {
        self.detection = detection
        self.agreement = agreement
        self.scheduling = scheduling
        self.fencing = fencing
        self.starting = starting
        self.total = total
        self.newNode = newNode
    }

    /// Why a timeline could not be built.
    public enum Missing: Error, Sendable, Equatable, CustomStringConvertible {
        /// No log line marks this event after the kill.
        case event(String)
        /// `the crmd logs have no '…' after the kill`.
        public var description: String {
            switch self {
            case .event(let what): return "the crmd logs have no '\(what)' after the kill"
            }
        }
    }

    /// One parsed log line.
    public struct Line: Sendable, Equatable {
        /// Wall-clock milliseconds since the Unix epoch.
        public var milliseconds: Int
        /// The node that logged it (`crmd[<node>]`).
        public var node: String
        /// The event text after `notice: `.
        public var event: String
        /// `key=value` fields of the event.
        public var fields: [String: String]
    }

    /// Builds the timeline from every survivor's log lines. `killedAt` is wall-clock ms; `resources` are the
    /// primitives whose starts end the failover (a group's members).
    public static func build(
        lines: [String], killedAt: Int, killedNode: String, resources: [String]
    ) throws(Missing) -> FailoverTimeline {
        let events = lines.compactMap(parse).filter { $0.milliseconds >= killedAt }.sorted { $0.milliseconds < $1.milliseconds }
        guard
            let view = events.first(where: {
                $0.event == "view installed" && !($0.fields["members"] ?? "").split(separator: ",").contains(Substring(killedNode))
            })
        else { throw .event("view installed") }
        let elected = events.first { $0.event == "dc elected" && $0.milliseconds >= view.milliseconds }
        let agreed = elected?.milliseconds ?? view.milliseconds
        guard let transition = events.first(where: { $0.event == "transition started" && $0.milliseconds >= agreed })
        else { throw .event("transition started") }
        let fenceRequested = events.first { $0.event == "fencing requested" && $0.fields["target"] == killedNode }
        let fenced = events.first {
            ($0.event == "fencing succeeded" || $0.event == "fencing confirmed") && $0.fields["target"] == killedNode
        }
        let startKeys = Set(resources.map { "\($0)_start_0" })
        guard let firstDispatch = events.first(where: { $0.event == "action dispatched" && startKeys.contains($0.fields["op"] ?? "") })
        else { throw .event("action dispatched op=<resource>_start_0") }
        var finished: [String: Line] = [:]
        for line in events where line.event == "action finished" && line.fields["rc"] == "0" {
            if let key = line.fields["op"], startKeys.contains(key), finished[key] == nil { finished[key] = line }
        }
        guard finished.count == startKeys.count, let last = finished.values.max(by: { $0.milliseconds < $1.milliseconds })
        else { throw .event("action finished op=<resource>_start_0 rc=0 (for every resource)") }
        var fencing = 0
        if let fenceRequested {
            guard let fenced else { throw .event("fencing succeeded target=\(killedNode)") }
            fencing = fenced.milliseconds - fenceRequested.milliseconds
        }
        return FailoverTimeline(
            detection: view.milliseconds - killedAt, agreement: agreed - view.milliseconds,
            scheduling: transition.milliseconds - agreed, fencing: fencing,
            starting: last.milliseconds - firstDispatch.milliseconds, total: last.milliseconds - killedAt,
            newNode: last.fields["node"] ?? last.node)
    }

    /// Parses `2026-11-25T02:08:29.123Z crmd[node1] notice: action finished op=a_start_0 node=node1 rc=0`.
    public static func parse(_ line: String) -> Line? {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count == 3, let milliseconds = epochMilliseconds(parts[0]), parts[1].hasPrefix("crmd["),
            parts[1].hasSuffix("]"), parts[2].hasPrefix("notice: ")
        else { return nil }
        let node = String(parts[1].dropFirst(5).dropLast())
        let text = parts[2].dropFirst("notice: ".count)
        var words: [Substring] = []
        var fields: [String: String] = [:]
        for word in text.split(separator: " ") {
            if let equals = word.firstIndex(of: "=") {
                fields[String(word[..<equals])] = String(word[word.index(after: equals)...]).trimmingQuotes
            } else if fields.isEmpty {
                words.append(word)
            }
        }
        return Line(milliseconds: milliseconds, node: node, event: words.joined(separator: " "), fields: fields)
    }

    /// `2026-11-25T02:08:29.123Z` → milliseconds since the Unix epoch (UTC, proleptic Gregorian).
    public static func epochMilliseconds(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
            bytes[19] == 46, bytes[23] == 90
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), let millisecond = number(20..<23),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    /// Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}
