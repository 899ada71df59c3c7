import Messaging
/// Heartbeat's timing knobs, as Membership uses them.
public struct MembershipTimings: Sendable, Hashable {
    /// `keepalive`: how often a node announces itself.
    public var keepalive: Duration
    /// `warntime`: silence after which a late peer is logged.
    public var warntime: Duration
    /// `deadtime`: silence after which a peer is lost.
    public var deadtime: Duration
    /// `initdead`: how long a starting node waits for its peers before forming a view without them.
    public var initdead: Duration
    /// How long a coordinator waits for acceptances, and a member for the commit (Totem's consensus timeout).
    public var consensusTimeout: Duration

    /// Our defaults, chosen so a killed node leaves the view within a second: announce every 150 ms, lost
    /// after 600 ms of silence.
    public init(
        keepalive: Duration = .milliseconds(150), warntime: Duration = .milliseconds(400),
        deadtime: Duration = .milliseconds(600), initdead: Duration = .seconds(2),
        consensusTimeout: Duration = .milliseconds(300)
    ) {
        self.keepalive = keepalive
        self.warntime = warntime
        self.deadtime = deadtime
        self.initdead = initdead
        self.consensusTimeout = consensusTimeout
    }
}

/// What a node knows of its peers from their announces: when it last heard each, and whether each hears it
/// back. A peer counts as connected only both ways, so one-way loss never pulls a node into a view.
public struct Liveness: Sendable, Hashable {
    /// The latest announce of one peer and when it arrived.
    public struct Record: Sendable, Hashable {
        /// The announce.
        public var announce: Announce
        /// When it arrived.
        public var heardAt: Instant
    }

    /// This node.
    public let me: Member
    /// The silence after which a peer no longer counts.
    public let deadtime: Duration
    /// The latest record per peer node.
    public private(set) var records: [NodeID: Record] = [:]
    /// Incarnations that left or were suspected; their late announces are ignored until a newer one appears.
    public private(set) var departed: Set<Member> = []

    /// Starts with no peer known.
    public init(me: Member, deadtime: Duration) {
        self.me = me
        self.deadtime = deadtime
    }

    /// Records an announce. Returns false when it came from an older incarnation or a departed member.
    public mutating func record(_ announce: Announce, at now: Instant) -> Bool {
        let member = announce.sender.member
        guard member.node != me.node, !departed.contains(member) else { return false }
        if let known = records[member.node], known.announce.sender.member.incarnation > member.incarnation {
            return false
        }
        records[member.node] = Record(announce: announce, heardAt: now)
        return true
    }

    /// Forgets `member` now (graceful leave, or a suspicion from Messaging's failure detector).
    public mutating func markDeparted(_ member: Member) {
        departed.insert(member)
        if records[member.node]?.announce.sender.member == member { records[member.node] = nil }
    }

    /// Peers heard within deadtime, sorted.
    public func heard(at now: Instant) -> [Member] {
        records.values.filter { now - $0.heardAt <= deadtime }.map(\.announce.sender.member).sorted()
    }

    /// Peers heard within deadtime that also hear this node, with their records, sorted by node id.
    public func connected(at now: Instant) -> [Record] {
        records.values
            .filter { now - $0.heardAt <= deadtime && $0.announce.hears.contains(me) }
            .sorted { $0.announce.sender.member < $1.announce.sender.member }
    }

    /// The highest epoch any peer reported.
    public var highestEpochReported: UInt64 {
        records.values.map(\.announce.highestEpoch).max() ?? 0
    }

    /// The latest record of `node`, if heard within deadtime.
    public func record(of node: NodeID, at now: Instant) -> Record? {
        guard let record = records[node], now - record.heardAt <= deadtime else { return nil }
        return record
    }
}

/// Totem's failed set with back-off: members excluded from the next rounds because they did not answer,
/// or coordinators that did not act. Each repeat within a minute doubles the exclusion (up to four times),
/// so persistent one-way loss settles instead of flapping every round.
public struct FailedSet: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var until: Instant
        var strikes: Int
        var lastFailedAt: Instant
    }

    /// The base exclusion.
    public let base: Duration
    private var entries: [NodeID: Entry] = [:]

    /// An empty set whose first exclusion lasts `base`.
    public init(base: Duration) { self.base = base }

    /// Excludes `node` for exactly `duration`, without counting a strike.
    public mutating func exclude(_ node: NodeID, at now: Instant, for duration: Duration) {
        let strikes = entries[node]?.strikes ?? 0
        let lastFailedAt = entries[node]?.lastFailedAt ?? now
        entries[node] = Entry(until: now + duration, strikes: strikes, lastFailedAt: lastFailedAt)
    }

    /// Excludes `node` from now on, for longer if it failed recently.
    public mutating func exclude(_ node: NodeID, at now: Instant) {
        var strikes = 0
        if let entry = entries[node], now - entry.lastFailedAt < .seconds(60) { strikes = min(entry.strikes + 1, 2) }
        entries[node] = Entry(until: now + base * (1 << strikes), strikes: strikes, lastFailedAt: now)
    }

    /// Whether `node` is excluded now.
    public func contains(_ node: NodeID, at now: Instant) -> Bool {
        guard let entry = entries[node] else { return false }
        return entry.until > now
    }

    /// Forgets entries that no longer matter.
    public mutating func prune(at now: Instant) {
        entries = entries.filter { now - $0.value.lastFailedAt < .seconds(60) }
    }
}
