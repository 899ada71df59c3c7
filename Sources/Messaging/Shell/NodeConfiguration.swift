import Glibc
import NIOCore

/// One network path to the peers (Heartbeat's `ucast`, `mcast`, `bcast` media). Data uses the bound port, and
/// heartbeats the port above it, on a separate socket and thread.
public struct LinkConfiguration: Sendable {
    /// How packets reach every peer on this link.
    public enum Kind: Sendable {
        /// Unicast to each configured peer (`ucast`).
        case unicast(peers: [NodeID: SocketAddress])
        /// One multicast group (`mcast`): group address and data port, interface name, TTL, loopback.
        case multicast(group: SocketAddress, interface: String?, ttl: Int, loop: Bool)
        /// Broadcast to an address such as 192.168.1.255 (`bcast`), through one interface if named.
        case broadcast(address: SocketAddress, interface: String?)
    }
    /// The local address and data port to bind.
    public var bind: SocketAddress
    /// How peers are reached.
    public var kind: Kind
    /// Builds a link.
    public init(bind: SocketAddress, kind: Kind) {
        self.bind = bind
        self.kind = kind
    }
}

/// Everything a `MessagingNode` needs, validated before start.
public struct NodeConfiguration: Sendable {
    /// This node's id.
    public var node: NodeID
    /// This run (default: the wall clock in nanoseconds, so a restart is a new incarnation).
    public var incarnation: Incarnation
    /// The cluster id in every header (default: derived from the cluster name).
    public var clusterID: UInt32
    /// The links, in order of preference for data.
    public var links: [LinkConfiguration]
    /// Keys by authkeys number.
    public var keys: [UInt8: ClusterKey]
    /// The number used to send.
    public var activeKeyNumber: UInt8
    /// AES-256-GCM on (default) or HMAC-SHA256 only.
    public var encrypt: Bool
    /// Ordering and flow-control tunables.
    public var messaging: GroupMessaging.Configuration
    /// Heartbeat timing.
    public var detector: FailureDetector.Configuration
    /// The other configured nodes (for `initdead`).
    public var expectedNodes: [NodeID]
    /// The largest datagram sent.
    public var maximumPacketSize: Int

    /// Builds a configuration with defaults for the tunables.
    public init(
        node: NodeID, clusterName: String, links: [LinkConfiguration], keys: [UInt8: ClusterKey],
        activeKeyNumber: UInt8, encrypt: Bool = true, expectedNodes: [NodeID] = []
    ) {
        self.node = node
        self.incarnation = Incarnation.fromWallClock()
        self.clusterID = Self.clusterID(for: clusterName)
        self.links = links
        self.keys = keys
        self.activeKeyNumber = activeKeyNumber
        self.encrypt = encrypt
        self.messaging = GroupMessaging.Configuration()
        self.detector = FailureDetector.Configuration()
        self.expectedNodes = expectedNodes
        self.maximumPacketSize = 1_400
    }

    /// FNV-1a of the cluster name: two clusters with different names drop each other's packets.
    public static func clusterID(for name: String) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }

    /// Checks the values against each other.
    public func validate() throws(ConfigurationError) {
        guard !links.isEmpty else { throw .invalid("at least one link (ucast, mcast or bcast) is needed") }
        guard keys[activeKeyNumber] != nil else { throw .invalid("auth \(activeKeyNumber) names no key") }
        try detector.validate()
        let unitRoom = maximumPacketSize - PacketHeader.size - 32 - 3 - 29
        guard maximumPacketSize <= 9_216 else { throw .invalid("packets are at most 9216 bytes (jumbo frames)") }
        guard messaging.maximumUnitPayload <= unitRoom else {
            throw .invalid("unit payload \(messaging.maximumUnitPayload) does not fit packets of \(maximumPacketSize)")
        }
    }
}

extension Incarnation {
    /// The current wall-clock time in nanoseconds: later runs get larger incarnations.
    public static func fromWallClock() -> Incarnation {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Incarnation(UInt64(max(0, now.tv_sec)) * 1_000_000_000 + UInt64(max(0, now.tv_nsec)))
    }
}
