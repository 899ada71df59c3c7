import Membership
import Messaging

/// Elects the DC (designated controller) of one view: every member votes once, in agreed order; when the
/// votes of all members are in, every member computes the same winner from the same votes.
///
/// The best vote wins: the highest CIB lineage, then the highest version, then the previous DC, then the
/// lowest node id. So the DC always holds the best copy of the CIB in its partition (no copy has to move
/// before it can act), an unchanged DC survives view changes that do not touch it, and ties break the same
/// way everywhere. A member that fails to vote makes Membership install a new view, which restarts the
/// election. Reads no clock and sends nothing itself: see Docs/Protocols/Election.md.
public struct DCElection: Sendable {
    /// Inputs.
    public enum Event: Sendable, Equatable {
        /// A new view was installed; `vote` is this node's offer.
        case viewInstalled(ControllerView, vote: ElectionVote)
        /// A vote was delivered (in agreed order).
        case voteDelivered(from: NodeID, view: ViewID, ElectionVote)
    }

    /// Outputs.
    public enum Directive: Sendable, Equatable {
        /// Multicast this node's vote for `view`.
        case broadcastVote(view: ViewID, ElectionVote)
        /// The election of `view` is decided; `votes` are everyone's offers, so the DC knows who lags.
        case elected(dc: NodeID, view: ViewID, votes: [NodeID: ElectionVote])
    }

    /// Where the election stands.
    public enum State: Sendable, Equatable {
        /// No view yet.
        case idle
        /// Votes are coming in for `view`.
        case voting(ControllerView, votes: [NodeID: ElectionVote])
        /// `dc` won the election of `view`.
        case decided(ControllerView, dc: NodeID)
    }

    /// This node.
    public let node: NodeID
    /// Where the election stands.
    public private(set) var state: State = .idle

    /// An election instance for `node`.
    public init(node: NodeID) { self.node = node }

    /// The DC of the current view, once decided.
    public var dc: NodeID? {
        if case .decided(_, let dc) = state { return dc }
        return nil
    }

    /// Whether this node is the decided DC.
    public var isDC: Bool { dc == node }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .viewInstalled(let view, let vote):
            state = .voting(view, votes: [:])
            guard view.members.contains(node) else { return [] }
            return [.broadcastVote(view: view.id, vote)]
        case .voteDelivered(let voter, let viewID, let vote):
            guard case .voting(let view, var votes) = state, view.id == viewID, view.members.contains(voter) else {
                return []
            }
            votes[voter] = vote
            guard votes.count == view.members.count else {
                state = .voting(view, votes: votes)
                return []
            }
            let winner = DCElection.winner(of: votes)
            state = .decided(view, dc: winner)
            return [.elected(dc: winner, view: view.id, votes: votes)]
        }
    }

    /// The best vote's node; `votes` must not be empty.
    public static func winner(of votes: [NodeID: ElectionVote]) -> NodeID {
        let ranked = votes.sorted { isBetter($0, than: $1) }
        guard let best = ranked.first else { preconditionFailure("an election needs at least one vote") }
        return best.key
    }

    private static func isBetter(_ lhs: (key: NodeID, value: ElectionVote), than rhs: (key: NodeID, value: ElectionVote))
        -> Bool
    {
        if lhs.value.lineage != rhs.value.lineage { return lhs.value.lineage > rhs.value.lineage }
        if lhs.value.version != rhs.value.version { return lhs.value.version > rhs.value.version }
        if lhs.value.wasDC != rhs.value.wasDC { return lhs.value.wasDC }
        return lhs.key < rhs.key
    }
}
