import Messaging
/// A member of a view as Membership reports it to clients: who (node id and incarnation) and its name.
public struct MemberInfo: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The node in one incarnation; a restarted node is a new member.
    public var member: Member
    /// The node's name (`uname -n` in ha.cf's `node` lines).
    public var name: String

    /// Builds a member record.
    public init(member: Member, name: String) {
        self.member = member
        self.name = name
    }

    /// The configured node id.
    public var node: NodeID { member.node }

    public static func < (lhs: MemberInfo, rhs: MemberInfo) -> Bool { lhs.member < rhs.member }
    public var description: String { "\(name)(\(member))" }
}

extension ViewID {
    /// Builds a view id that no other coordinator can choose: the epoch in the high 32 bits, the coordinator's
    /// node id in the low 32 bits. Larger epochs are newer; epochs are persisted, so a restart never reuses one.
    public init(epoch: UInt64, coordinator: NodeID) {
        self.init((epoch << 32) | UInt64(coordinator.rawValue))
    }

    /// The epoch part of the id.
    public var epoch: UInt64 { rawValue >> 32 }

    /// The node that coordinated the view.
    public var coordinator: NodeID { NodeID(UInt32(truncatingIfNeeded: rawValue)) }
}

/// One agreed view: its id, its members with names, and the quorum decided with it. Every member that
/// installs a view with this id installs exactly this value.
public struct MembershipView: Sendable, Hashable, CustomStringConvertible {
    /// The view id and members as Messaging orders messages within it.
    public var view: View
    /// The members with their names, sorted by node id.
    public private(set) var members: [MemberInfo]
    /// Quorum for this view.
    public var quorum: QuorumStatus

    /// Builds a view from its members (sorted here).
    public init(id: ViewID, members: [MemberInfo], quorum: QuorumStatus) {
        self.members = members.sorted()
        self.view = View(id: id, members: self.members.map(\.member))
        self.quorum = quorum
    }

    /// The view id.
    public var id: ViewID { view.id }

    /// Whether this exact incarnation is a member.
    public func contains(_ member: Member) -> Bool { view.contains(member) }

    /// The member record of `node`, if it is in the view.
    public func info(of node: NodeID) -> MemberInfo? { members.first { $0.node == node } }

    public var description: String {
        "view \(id.epoch).\(id.coordinator) \(members) quorate=\(quorum.isQuorate)"
    }
}
