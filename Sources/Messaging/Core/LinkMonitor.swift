/// Tracks which links carry each peer's heartbeats and picks the link data should use: the lowest-numbered link
/// that heard the peer within `deadtime` (Heartbeat's multiple media; Corosync knet's passive link mode).
/// Pure: the heartbeat plane feeds it, the data plane reads its choices.
public struct LinkMonitor: Sendable {
    /// How recent a heartbeat must be for its link to count as up.
    public let deadtime: Duration
    /// Number of configured links.
    public let linkCount: Int
    private var lastHeard: [NodeID: [Instant?]] = [:]

    /// A monitor for `linkCount` links.
    public init(linkCount: Int, deadtime: Duration) {
        self.linkCount = linkCount
        self.deadtime = deadtime
    }

    /// Records a heartbeat from `peer` on `link`.
    public mutating func heard(_ peer: NodeID, on link: Int, at now: Instant) {
        guard link >= 0 && link < linkCount else { return }
        lastHeard[peer, default: Array(repeating: nil, count: linkCount)][link] = now
    }

    /// Whether `link` heard `peer` within deadtime.
    public func isUp(_ link: Int, for peer: NodeID, at now: Instant) -> Bool {
        guard let heard = lastHeard[peer]?[link] else { return false }
        return now - heard < deadtime
    }

    /// The link data to `peer` should use: the first one up, else link 0.
    public func preferredLink(for peer: NodeID, at now: Instant) -> Int {
        (0..<linkCount).first { isUp($0, for: peer, at: now) } ?? 0
    }

    /// Every peer's preferred link, sorted by node id.
    public func preferredLinks(at now: Instant) -> [NodeID: Int] {
        Dictionary(uniqueKeysWithValues: lastHeard.keys.sorted().map { ($0, preferredLink(for: $0, at: now)) })
    }

    /// Per link, the peers it currently reaches (for status displays).
    public func status(at now: Instant) -> [[NodeID]] {
        (0..<linkCount).map { link in lastHeard.keys.sorted().filter { isUp(link, for: $0, at: now) } }
    }
}
