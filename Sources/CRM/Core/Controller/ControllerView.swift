import Membership
import Messaging

/// A view of the crmd process group as the controller needs it: who takes part, and what quorum says.
/// Every member installs the same value at the same point of the agreed message stream.
public struct ControllerView: Hashable, Sendable, CustomStringConvertible {
    /// The view id; larger is newer, and it doubles as the term of the DC this view elects.
    public var id: ViewID
    /// The nodes whose crmd is in the group, sorted.
    public private(set) var members: [NodeID]
    /// Whether this partition has quorum.
    public var isQuorate: Bool
    /// How many nodes must hold an update on disk before it is acknowledged: a majority of the configured
    /// nodes, so any later quorate partition includes one of them.
    public var durabilityQuorum: Int

    /// Builds a view; members are sorted.
    public init(id: ViewID, members: [NodeID], isQuorate: Bool, durabilityQuorum: Int) {
        self.id = id
        self.members = members.sorted()
        self.isQuorate = isQuorate
        self.durabilityQuorum = max(1, durabilityQuorum)
    }

    public var description: String { "view \(id.epoch).\(id.coordinator) \(members) quorate=\(isQuorate)" }
}
