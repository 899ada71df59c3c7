import Messaging

/// The `ha.cf` file as a typed value: Heartbeat's directives that still make sense plus ours (cluster name,
/// node ids, votes, quorum options, crypto). Parsed by `HeartbeatConfiguration.parse`; see Docs/Heartbeat.md.
public struct HeartbeatConfiguration: Sendable, Hashable {
    /// One `node` line.
    public struct Node: Sendable, Hashable {
        /// The node's name (`uname -n`).
        public var name: String
        /// Its id: `id=` or its position in the node list (1-based).
        public var id: NodeID
        /// Its votes (`votes=`, 1 by default).
        public var votes: Int
        /// The address peers send to (`addr=`), if given.
        public var address: String?

        /// Builds a node entry.
        public init(name: String, id: NodeID, votes: Int = 1, address: String? = nil) {
            self.name = name
            self.id = id
            self.votes = votes
            self.address = address
        }
    }

    /// A communication medium (Heartbeat's `ucast`, `mcast`, `bcast`).
    public enum Link: Sendable, Hashable {
        /// `ucast <interface> <peer address>`.
        case unicast(interface: String, peer: String)
        /// `mcast <interface> <group> <port> <ttl> <loop>`.
        case multicast(interface: String, group: String, port: Int, ttl: Int, loop: Bool)
        /// `bcast <interface> [<interface> ...]`.
        case broadcast(interfaces: [String])
    }

    /// `autojoin`: whether nodes not listed may join.
    public enum Autojoin: String, Sendable, Hashable {
        /// Only listed nodes (the default).
        case none
        /// Other nodes may join (Heartbeat: any node with the authkeys but this one's own name).
        case other
        /// Any node with the right authkeys.
        case any
    }

    /// `cluster <name>`: names the cluster on the wire; packets of other clusters are dropped.
    public var clusterName = "linux-ha"
    /// `node` lines, in order.
    public var nodes: [Node] = []
    /// `nodename <name>`: which node this is (default: the host name).
    public var localNodeName: String?
    /// Media.
    public var links: [Link] = []
    /// `udpport`: the UDP port (694 as Heartbeat).
    public var udpPort = 694
    /// `keepalive`, `warntime`, `deadtime`, `initdead`.
    public var timings = MembershipTimings()
    /// `autojoin`.
    public var autojoin = Autojoin.none
    /// Quorum options (`expected_votes`, `two_node`, `wait_for_all`, `last_man_standing`,
    /// `last_man_standing_window`, `auto_tie_breaker`, `auto_tie_breaker_node`).
    public var quorum = QuorumOptions()
    /// `crypto on|off`: encrypt packets (AES-256-GCM) besides authenticating them. On by default.
    public var isEncrypted = true
    /// Directives accepted but without effect here, each with the line and why.
    public var warnings: [String] = []

    /// An empty configuration with the defaults.
    public init() {}

    /// The node called `name`.
    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// The node with id `id`.
    public func node(id: NodeID) -> Node? { nodes.first { $0.id == id } }

    /// The configured votes per node id, for `Quorum`.
    public var configuredVotes: [NodeID: Int] {
        Dictionary(nodes.map { ($0.id, $0.votes) }, uniquingKeysWith: { first, _ in first })
    }

    /// A 32-bit id of the cluster name for packet headers (FNV-1a), so clusters sharing a network ignore
    /// each other.
    public var clusterID: UInt32 {
        clusterName.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
    }
}

/// A configuration error with its place: `file:line: reason`.
public struct ConfigurationFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The line (1-based); 0 when the error concerns the whole file.
    public var line: Int
    /// What is wrong.
    public var reason: String

    /// Builds an error.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}
