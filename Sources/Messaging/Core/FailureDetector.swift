/// Decides which peers are alive from heartbeats and time, with Heartbeat's knobs. Reads no clock, opens no socket.
///
/// The Shell runs it on its own thread and socket (the heartbeat channel), so heartbeats are sent and received
/// however busy message processing is; Membership turns its suspicions into views.
public struct FailureDetector: Sendable {
    /// Heartbeat's `ha.cf` timing directives.
    public struct Configuration: Hashable, Sendable {
        /// `keepalive`: interval between our heartbeats.
        public var keepalive: Duration = .milliseconds(100)
        /// `warntime`: silence after which a peer is reported late.
        public var warntime: Duration = .milliseconds(300)
        /// `deadtime`: silence after which a peer is suspected dead.
        public var deadtime: Duration = .milliseconds(500)
        /// `initdead`: how long after start a configured node may stay unheard before it is reported.
        public var initdead: Duration = .seconds(2)
        /// Defaults: sub-second detection on a LAN.
        public init() {}
        /// Checks Heartbeat's rules: keepalive < warntime <= deadtime <= initdead.
        public func validate() throws(ConfigurationError) {
            guard keepalive > .zero else { throw .invalid("keepalive must be positive") }
            guard warntime > keepalive else { throw .invalid("warntime must exceed keepalive") }
            guard deadtime >= warntime else { throw .invalid("deadtime must be at least warntime") }
            guard initdead >= deadtime else { throw .invalid("initdead must be at least deadtime") }
        }
    }

    /// Inputs.
    public enum Event: Sendable, Equatable {
        /// The Shell started the detector.
        case started(at: Instant)
        /// An authentic heartbeat from `from`, which is in view `view` (0 when it has none).
        case heartbeatReceived(from: Member, view: ViewID, at: Instant)
        /// Periodic.
        case tick(at: Instant)
    }

    /// Outputs.
    public enum Directive: Sendable, Equatable {
        /// Send our heartbeat to every peer on every link.
        case broadcastHeartbeat
        /// A peer is heard for the first time, in a new incarnation, or again after a suspicion.
        case peerHeard(Member, view: ViewID)
        /// A peer has been silent for `warntime` (Heartbeat's "late heartbeat" warning).
        case peerLate(Member, silence: Duration)
        /// A peer has been silent for `deadtime`: Membership should exclude it.
        case peerSuspected(Member)
        /// A configured node was never heard within `initdead` of start.
        case nodeNeverHeard(NodeID)
        /// Call `.tick` after this long.
        case scheduleTick(after: Duration)
    }

    enum PeerState: Hashable, Sendable {
        case alive(Member, lastHeard: Instant, isLate: Bool)
        case suspected(Member)
    }

    /// The timing in force.
    public let configuration: Configuration
    /// Nodes expected from configuration (for `initdead`).
    public let expectedNodes: [NodeID]
    private var peers: [NodeID: PeerState] = [:]
    private var startedAt: Instant?
    private var isInitialWaitOver = false
    private var lastHeartbeat = Instant(nanoseconds: .min / 2)

    /// Builds a detector; `expectedNodes` are the configured peers (not this node).
    public init(configuration: Configuration, expectedNodes: [NodeID]) {
        self.configuration = configuration
        self.expectedNodes = expectedNodes.sorted()
    }

    /// Peers currently believed alive, sorted.
    public var alivePeers: [Member] {
        peers.values.compactMap { state in
            if case .alive(let member, _, _) = state { return member }
            return nil
        }.sorted()
    }

    /// Handles one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .started(let now):
            startedAt = now
            lastHeartbeat = now
            return [.broadcastHeartbeat, .scheduleTick(after: tickInterval)]
        case .heartbeatReceived(let member, let view, let now):
            return heard(member, view: view, at: now)
        case .tick(let now):
            return check(at: now)
        }
    }

    private var tickInterval: Duration { configuration.keepalive / 2 }

    private mutating func heard(_ member: Member, view: ViewID, at now: Instant) -> [Directive] {
        switch peers[member.node] {
        case .alive(let known, _, _) where known.incarnation == member.incarnation:
            peers[member.node] = .alive(member, lastHeard: now, isLate: false)
            return []
        case .alive(let known, _, _) where known.incarnation > member.incarnation,
            .suspected(let known) where known.incarnation > member.incarnation:
            return []  // an older run: a replay or a delayed packet
        default:
            peers[member.node] = .alive(member, lastHeard: now, isLate: false)
            return [.peerHeard(member, view: view)]
        }
    }

    private mutating func check(at now: Instant) -> [Directive] {
        var directives: [Directive] = []
        if now - lastHeartbeat >= configuration.keepalive {
            lastHeartbeat = now
            directives.append(.broadcastHeartbeat)
        }
        for node in peers.keys.sorted() {
            guard case .alive(let member, let lastHeard, let isLate) = peers[node] else { continue }
            let silence = now - lastHeard
            if silence >= configuration.deadtime {
                peers[node] = .suspected(member)
                directives.append(.peerSuspected(member))
            } else if silence >= configuration.warntime && !isLate {
                peers[node] = .alive(member, lastHeard: lastHeard, isLate: true)
                directives.append(.peerLate(member, silence: silence))
            }
        }
        if !isInitialWaitOver, let startedAt, now - startedAt >= configuration.initdead {
            isInitialWaitOver = true
            for node in expectedNodes where peers[node] == nil { directives.append(.nodeNeverHeard(node)) }
        }
        directives.append(.scheduleTick(after: tickInterval))
        return directives
    }
}

/// A configuration value is out of range or inconsistent.
public enum ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason, naming the directive.
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
