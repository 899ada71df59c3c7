/// A node's configured, cluster-wide identifier (Corosync's `nodeid`). Stable across restarts.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numeric value carried on the wire.
    public var rawValue: UInt32
    /// Wraps a configured node id.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "\(rawValue)" }
}

/// One run of a node process. A restarted node has a larger incarnation and is a new member;
/// packets of an older incarnation are replays and are dropped.
public struct Incarnation: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numeric value carried on the wire (shells use the start time in nanoseconds).
    public var rawValue: UInt64
    /// Wraps an incarnation number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: Incarnation, rhs: Incarnation) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "\(rawValue)" }
}

/// A monotonic view number, chosen by Membership; larger is newer.
public struct ViewID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numeric value carried on the wire.
    public var rawValue: UInt64
    /// Wraps a view number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: ViewID, rhs: ViewID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "\(rawValue)" }
}

/// A node in one incarnation: what a view lists and what a failure detector suspects.
public struct Member: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The configured node id.
    public var node: NodeID
    /// The run of that node.
    public var incarnation: Incarnation
    /// Names a member.
    public init(node: NodeID, incarnation: Incarnation) {
        self.node = node
        self.incarnation = incarnation
    }
    public static func < (lhs: Member, rhs: Member) -> Bool {
        (lhs.node, lhs.incarnation) < (rhs.node, rhs.incarnation)
    }
    public var description: String { "\(node)/\(incarnation)" }
}

/// A group view as Membership decides it: messages are totally ordered within one view.
/// The member with the lowest node id is the view's sequencer (see Docs/Protocols/Messaging.md).
public struct View: Hashable, Sendable, CustomStringConvertible {
    /// The view number; every member of the view installs the same id with the same members.
    public var id: ViewID
    /// The members, sorted by node id, at most one incarnation per node.
    public private(set) var members: [Member]

    /// Builds a view; members are sorted and must name each node once.
    public init(id: ViewID, members: [Member]) {
        self.id = id
        self.members = members.sorted()
        precondition(
            Set(self.members.map(\.node)).count == self.members.count,
            "a view lists each node once: \(self.members)")
    }

    /// The member that assigns the total order in this view.
    public var sequencer: Member? { members.first }

    /// Whether this exact incarnation belongs to the view.
    public func contains(_ member: Member) -> Bool { members.contains(member) }

    /// The incarnation of `node` in this view, if it is a member.
    public func incarnation(of node: NodeID) -> Incarnation? {
        members.first { $0.node == node }?.incarnation
    }
    public var description: String { "view \(id) \(members)" }
}

/// Monotonic time in nanoseconds. Shells read it from the system's monotonic clock, the simulator
/// from its virtual clock; cores only receive it in events.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since an arbitrary, fixed origin.
    public var nanoseconds: Int64
    /// Wraps a nanosecond count.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    /// The origin, used by the simulator.
    public static let zero = Instant(nanoseconds: 0)
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    /// The instant `duration` later.
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &+ rhs.nanosecondsClamped)
    }
    /// The time elapsed from `rhs` to `lhs`.
    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }
    public var description: String { "\(nanoseconds)ns" }
}

extension Duration {
    /// This duration in whole nanoseconds, clamped to `Int64`.
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return scaled &+ attoseconds / 1_000_000_000
    }
}
