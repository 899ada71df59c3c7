import Messaging
import NIOCore

/// A process in a named group, as Corosync's CPG names it: the node (in one incarnation) and the process id,
/// plus the daemon's connection number so two connections of one process are two members.
public struct GroupMember: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The node and incarnation of the daemon serving the process.
    public var member: Member
    /// The process id on that node.
    public var pid: UInt32
    /// The daemon's number for the client connection.
    public var connection: UInt32

    /// Builds a group member.
    public init(member: Member, pid: UInt32, connection: UInt32) {
        self.member = member
        self.pid = pid
        self.connection = connection
    }

    public static func < (lhs: GroupMember, rhs: GroupMember) -> Bool {
        (lhs.member, lhs.pid, lhs.connection) < (rhs.member, rhs.pid, rhs.connection)
    }
    public var description: String { "\(member.node):\(pid)" }
}

/// A change of one group's membership, delivered to its members in agreed order (CPG's confchg).
public struct GroupChange: Sendable, Hashable {
    /// The group.
    public var group: String
    /// Its members after the change, sorted.
    public var members: [GroupMember]
    /// Who joined.
    public var joined: [GroupMember]
    /// Who left (or was on a node that left the view).
    public var left: [GroupMember]
    /// Where in the agreed stream the change happened, when the group's membership is agreed there: every
    /// daemon of the view reports the same position with the same members (see `GroupPosition`). `nil` for
    /// changes made while the daemons of a new view still merge their group lists, and from older daemons.
    public var agreedAt: GroupPosition?

    /// Builds a change.
    public init(
        group: String, members: [GroupMember], joined: [GroupMember], left: [GroupMember],
        agreedAt: GroupPosition? = nil
    ) {
        self.group = group
        self.members = members
        self.joined = joined
        self.left = left
        self.agreedAt = agreedAt
    }
}

/// A point of the agreed message stream: the membership view and the number of messages delivered in it
/// before (and including) the one that made the change; 0 is the view's own delivery. Positions grow within
/// a view, and view ids grow, so `(view.epoch, index)` grows along the stream and is the same on every node.
public struct GroupPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The membership view.
    public var view: ViewID
    /// Messages delivered in `view` up to this point.
    public var index: UInt64

    /// Names a position.
    public init(view: ViewID, index: UInt64) {
        self.view = view
        self.index = index
    }

    public static func < (lhs: GroupPosition, rhs: GroupPosition) -> Bool {
        (lhs.view.epoch, lhs.index) < (rhs.view.epoch, rhs.index)
    }
    public var description: String { "\(view.epoch).\(index)" }
}

/// One configured node as the daemon sees it (for `crm_node -l` and the status tool).
public struct NodeStatus: Sendable, Hashable {
    /// Membership state of a configured node.
    public enum State: UInt8, Sendable {
        /// In this node's current view.
        case member = 1
        /// Not in the view.
        case lost = 2
    }

    /// The node id.
    public var id: NodeID
    /// The node name.
    public var name: String
    /// Its configured votes.
    public var votes: Int
    /// Member or lost.
    public var state: State
    /// Whether its announces arrive (the link to it is up).
    public var isLinkUp: Bool

    /// Builds a node status.
    public init(id: NodeID, name: String, votes: Int, state: State, isLinkUp: Bool) {
        self.id = id
        self.name = name
        self.votes = votes
        self.state = state
        self.isLinkUp = isLinkUp
    }
}

/// What the local daemon reports about itself, its view and its peers.
public struct DaemonStatus: Sendable, Hashable {
    /// The cluster name.
    public var clusterName: String
    /// This node.
    public var local: MemberInfo
    /// The view held now, if any.
    public var view: MembershipView?
    /// Every configured node, and any other member of the view.
    public var nodes: [NodeStatus]
    /// The quorum options in force, as flags.
    public var quorumFlags: QuorumFlags

    /// Builds a status.
    public init(
        clusterName: String, local: MemberInfo, view: MembershipView?, nodes: [NodeStatus], quorumFlags: QuorumFlags
    ) {
        self.clusterName = clusterName
        self.local = local
        self.view = view
        self.nodes = nodes
        self.quorumFlags = quorumFlags
    }
}

/// The quorum options in force, as `corosync-quorumtool -s` lists them.
public struct QuorumFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    /// Wraps raw flags.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `two_node`.
    public static let twoNode = QuorumFlags(rawValue: 1)
    /// `wait_for_all` (configured or implied by `two_node`).
    public static let waitForAll = QuorumFlags(rawValue: 2)
    /// `last_man_standing`.
    public static let lastManStanding = QuorumFlags(rawValue: 4)
    /// `auto_tie_breaker`.
    public static let autoTieBreaker = QuorumFlags(rawValue: 8)

    /// The flags of a set of options.
    public init(_ options: QuorumOptions) {
        var flags: QuorumFlags = []
        if options.twoNode { flags.insert(.twoNode) }
        if options.isWaitForAllEnabled { flags.insert(.waitForAll) }
        if options.lastManStanding { flags.insert(.lastManStanding) }
        if options.autoTieBreaker != nil { flags.insert(.autoTieBreaker) }
        self = flags
    }
}

/// A local client's request to the heartbeat daemon over its Unix socket.
public enum ClientRequest: Sendable, Hashable {
    /// Opens the session with the client's name and process id; answered by `.status`.
    case hello(name: String, pid: UInt32)
    /// Joins a named group.
    case join(group: String)
    /// Leaves a named group.
    case leave(group: String)
    /// Multicasts a message to a group, in agreed order (the sender must have joined it).
    case send(group: String, payload: ByteBuffer)
    /// Asks for the daemon's status; answered by `.status`.
    case queryStatus
}

/// An event from the daemon to a local client.
public enum ClientEvent: Sendable, Hashable {
    /// The daemon's status (answer to `.hello` and `.queryStatus`).
    case status(DaemonStatus)
    /// A new view, at its place in the ordered message stream; quorum travels with it.
    case view(MembershipView)
    /// A group the client joined changed.
    case groupChanged(GroupChange)
    /// A message to a group the client joined, in agreed order.
    case message(group: String, from: GroupMember, payload: ByteBuffer)
    /// A request was refused.
    case failure(String)
}
