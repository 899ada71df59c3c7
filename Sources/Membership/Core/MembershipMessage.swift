import Messaging
/// What one node's membership instance says to another. Carried as the payload of Messaging's authenticated
/// datagrams; encoded by `MembershipMessage+Wire.swift`.
public enum MembershipMessage: Sendable, Hashable {
    /// Sent every keepalive to every configured node: the sender is alive, which view it holds and whom it hears.
    case announce(Announce)
    /// A coordinator asks the listed members to form a view (gather → commit).
    case propose(Proposal)
    /// A member promises the proposal and reports its quorum state.
    case accept(Acceptance)
    /// A member refuses a proposal whose id is not newer than what it already promised.
    case reject(Rejection)
    /// The coordinator's decision: install this view.
    case commit(MembershipView)
    /// A member leaves gracefully; the others remove it at once instead of waiting for deadtime.
    case leave(Member)

    /// The node that sent the message; the shell checks it against Messaging's authenticated sender.
    public var senderNode: NodeID {
        switch self {
        case .announce(let announce): announce.sender.node
        case .propose(let proposal): proposal.coordinator.node
        case .accept(let acceptance): acceptance.sender.node
        case .reject(let rejection): rejection.sender.node
        case .commit(let view): view.id.coordinator
        case .leave(let member): member.node
        }
    }
}

/// A membership heartbeat: who I am, what view I hold, whom I hear.
public struct Announce: Sendable, Hashable {
    /// The sender with its name.
    public var sender: MemberInfo
    /// The view the sender holds, if any.
    public var viewID: ViewID?
    /// The members the sender heard from within deadtime (the receiver checks it is heard back).
    public var hears: [Member]
    /// The highest epoch the sender has seen, so a coordinator picks a newer one.
    public var highestEpoch: UInt64

    /// Builds an announce.
    public init(sender: MemberInfo, viewID: ViewID?, hears: [Member], highestEpoch: UInt64) {
        self.sender = sender
        self.viewID = viewID
        self.hears = hears
        self.highestEpoch = highestEpoch
    }
}

/// A coordinator's proposal of a new view.
public struct Proposal: Sendable, Hashable {
    /// The proposed view id (newer than anything the coordinator promised).
    public var id: ViewID
    /// The coordinator.
    public var coordinator: MemberInfo
    /// The proposed members, the coordinator included.
    public var members: [MemberInfo]
    /// Last man standing: expected votes to adopt with this view, when the coordinator lowers them.
    public var lowersExpectedVotesTo: Int?

    /// Builds a proposal.
    public init(id: ViewID, coordinator: MemberInfo, members: [MemberInfo], lowersExpectedVotesTo: Int? = nil) {
        self.id = id
        self.coordinator = coordinator
        self.members = members.sorted()
        self.lowersExpectedVotesTo = lowersExpectedVotesTo
    }
}

/// A member's promise to install the proposal `id` and no older one.
public struct Acceptance: Sendable, Hashable {
    /// The proposal accepted.
    public var id: ViewID
    /// The accepting member.
    public var sender: Member
    /// The member's quorum state, merged by the coordinator into the view's.
    public var quorumState: QuorumState
    /// The highest epoch the member has seen.
    public var highestEpoch: UInt64

    /// Builds an acceptance.
    public init(id: ViewID, sender: Member, quorumState: QuorumState, highestEpoch: UInt64) {
        self.id = id
        self.sender = sender
        self.quorumState = quorumState
        self.highestEpoch = highestEpoch
    }
}

/// A member's refusal of a stale proposal.
public struct Rejection: Sendable, Hashable {
    /// The proposal refused.
    public var id: ViewID
    /// The refusing member.
    public var sender: Member
    /// The highest epoch the member has seen or promised; the coordinator retries above it.
    public var highestEpoch: UInt64

    /// Builds a rejection.
    public init(id: ViewID, sender: Member, highestEpoch: UInt64) {
        self.id = id
        self.sender = sender
        self.highestEpoch = highestEpoch
    }
}
