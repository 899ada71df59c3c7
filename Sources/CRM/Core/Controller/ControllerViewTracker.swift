import Membership
import Messaging

/// Turns the heartbeat daemon's events for the crmd process group into `ControllerView`s.
///
/// A view is produced only at a group change the daemon marks as agreed (`GroupChange.agreedAt`): there every
/// daemon of the membership view holds the same group members, so every crmd installs the same value at the
/// same point of the stream. The id is `(membership epoch << 32) | position in that view`, which grows along
/// the stream and across views (see Docs/Controller.md, "The controller view id").
public struct ControllerViewTracker: Sendable {
    /// The process group of the controllers.
    public let group: String
    /// Nodes that must hold an update on disk before it is acknowledged (a majority of the configured nodes).
    public let durabilityQuorum: Int
    /// The membership view the daemon reported last (quorum travels with it).
    public private(set) var membership: MembershipView?
    /// The last view produced.
    public private(set) var current: ControllerView?

    /// A tracker for `group`.
    public init(group: String = "crmd", durabilityQuorum: Int) {
        self.group = group
        self.durabilityQuorum = durabilityQuorum
    }

    /// The majority of `configuredNodes` nodes.
    public static func majority(of configuredNodes: Int) -> Int { configuredNodes / 2 + 1 }

    /// Feeds one daemon event; returns the view to install, if this event completes one.
    public mutating func handle(_ event: ClientEvent) -> ControllerView? {
        switch event {
        case .status(let status):
            if membership == nil || (status.view.map { $0.id > membership!.id } ?? false) { membership = status.view }
            return nil
        case .view(let view):
            membership = view
            return nil
        case .groupChanged(let change):
            guard change.group == group, let position = change.agreedAt, let membership,
                position.view == membership.id
            else { return nil }
            let nodes = Set(change.members.map(\.member.node))
            let view = ControllerView(
                id: Self.viewID(position), members: Array(nodes), isQuorate: membership.quorum.isQuorate,
                durabilityQuorum: durabilityQuorum)
            current = view
            return view
        case .message, .failure:
            return nil
        }
    }

    /// The controller view id of an agreed position: the membership epoch in the high 32 bits, the position
    /// (clamped to 32 bits) in the low ones.
    public static func viewID(_ position: GroupPosition) -> ViewID {
        ViewID((position.view.epoch << 32) | min(position.index, UInt64(UInt32.max)))
    }
}
