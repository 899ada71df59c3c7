import Messaging
/// Which node breaks a 50:50 tie when `auto_tie_breaker` is on (votequorum's `auto_tie_breaker_node`).
public enum TieBreaker: Sendable, Hashable, CustomStringConvertible {
    /// The configured node with the lowest node id.
    case lowest
    /// The configured node with the highest node id.
    case highest
    /// The first node of this list that is configured.
    case list([NodeID])

    /// The value as written in ha.cf (`lowest`, `highest` or node ids separated by spaces).
    public var description: String {
        switch self {
        case .lowest: "lowest"
        case .highest: "highest"
        case .list(let nodes): nodes.map(\.description).joined(separator: " ")
        }
    }
}

/// The votequorum options users know, as configured (the same on every node).
public struct QuorumOptions: Sendable, Hashable {
    /// `expected_votes`: overrides the sum of the configured nodes' votes.
    public var expectedVotes: Int?
    /// `two_node`: a two-node cluster stays quorate with one node (quorum is one vote).
    public var twoNode: Bool
    /// `wait_for_all`: not quorate the first time until every vote was seen at once. Defaults to `twoNode`
    /// without an auto tie breaker, as votequorum does.
    public var waitForAll: Bool?
    /// `last_man_standing`: lower expected votes to the present votes after a stable window.
    public var lastManStanding: Bool
    /// `last_man_standing_window`: how long a reduced membership must stay stable first.
    public var lastManStandingWindow: Duration
    /// `auto_tie_breaker` with its node choice; `nil` when off.
    public var autoTieBreaker: TieBreaker?

    /// Options with votequorum's defaults: plain majority of expected votes.
    public init(
        expectedVotes: Int? = nil, twoNode: Bool = false, waitForAll: Bool? = nil, lastManStanding: Bool = false,
        lastManStandingWindow: Duration = .seconds(10), autoTieBreaker: TieBreaker? = nil
    ) {
        self.expectedVotes = expectedVotes
        self.twoNode = twoNode
        self.waitForAll = waitForAll
        self.lastManStanding = lastManStanding
        self.lastManStandingWindow = lastManStandingWindow
        self.autoTieBreaker = autoTieBreaker
    }

    /// Whether `wait_for_all` applies, resolving its default.
    public var isWaitForAllEnabled: Bool { waitForAll ?? (twoNode && autoTieBreaker == nil) }
}

/// The part of quorum that has history and therefore travels with each view: members merge theirs when a
/// view forms, so every member of a view holds the same one.
public struct QuorumState: Sendable, Hashable {
    /// The expected votes now: configured, raised when more votes are present, lowered by last man standing.
    public var expectedVotes: Int
    /// Whether `wait_for_all` still holds quorum back (not every vote has been seen at once yet).
    public var isWaitingForAll: Bool

    /// Builds a state.
    public init(expectedVotes: Int, isWaitingForAll: Bool) {
        self.expectedVotes = expectedVotes
        self.isWaitingForAll = isWaitingForAll
    }

    /// Merges the states members bring into a new view: the highest expected votes wins (votequorum's rule),
    /// and one member that has seen the whole cluster releases `wait_for_all` for all.
    public static func merged(_ states: [QuorumState]) -> QuorumState? {
        guard let first = states.first else { return nil }
        return states.dropFirst().reduce(first) { result, next in
            QuorumState(
                expectedVotes: max(result.expectedVotes, next.expectedVotes),
                isWaitingForAll: result.isWaitingForAll && next.isWaitingForAll)
        }
    }
}

/// Quorum of one view, as every member reports it (`corosync-quorumtool -s`).
public struct QuorumStatus: Sendable, Hashable {
    /// Whether this partition may act.
    public var isQuorate: Bool
    /// The votes of the view's members.
    public var totalVotes: Int
    /// The votes needed for quorum.
    public var quorum: Int
    /// Expected votes and the wait-for-all flag after this view.
    public var state: QuorumState
    /// Whether quorum was granted by the tie breaker (exactly half the expected votes present).
    public var isTieBroken: Bool

    /// Builds a status.
    public init(isQuorate: Bool, totalVotes: Int, quorum: Int, state: QuorumState, isTieBroken: Bool) {
        self.isQuorate = isQuorate
        self.totalVotes = totalVotes
        self.quorum = quorum
        self.state = state
        self.isTieBroken = isTieBroken
    }
}

/// votequorum's arithmetic as a pure value: the configured votes and options in, a status per view out.
public struct Quorum: Sendable, Hashable {
    /// The options, the same on every node.
    public let options: QuorumOptions
    /// The configured nodes and their votes (`votes` per node, 1 by default).
    public let configuredVotes: [NodeID: Int]

    /// Builds the calculator for a configuration.
    public init(options: QuorumOptions, configuredVotes: [NodeID: Int]) {
        self.options = options
        self.configuredVotes = configuredVotes
    }

    /// The state a node starts with: configured expected votes, and wait-for-all armed if enabled.
    public var initialState: QuorumState {
        let configured = options.expectedVotes ?? configuredVotes.values.reduce(0, +)
        return QuorumState(expectedVotes: max(configured, 1), isWaitingForAll: options.isWaitForAllEnabled)
    }

    /// The votes one node carries: its configured votes, or 1 for a node that joined without configuration.
    public func votes(of node: NodeID) -> Int { configuredVotes[node] ?? 1 }

    /// The votes needed for quorum with `expectedVotes` expected (half plus one; one with `two_node`).
    public func threshold(expectedVotes: Int) -> Int {
        if options.twoNode && expectedVotes == 2 { return 1 }
        return expectedVotes / 2 + 1
    }

    /// Decides quorum for a view of `members`, starting from the merged `state` its members brought.
    public func evaluate(members: [NodeID], state: QuorumState) -> QuorumStatus {
        var state = state
        let total = members.reduce(0) { $0 + votes(of: $1) }
        if total > state.expectedVotes { state.expectedVotes = total }
        if state.isWaitingForAll && total >= state.expectedVotes { state.isWaitingForAll = false }
        let quorum = threshold(expectedVotes: state.expectedVotes)
        let tieBroken = isTieWon(members: members, total: total, expectedVotes: state.expectedVotes)
        let quorate = !state.isWaitingForAll && (total >= quorum || tieBroken)
        return QuorumStatus(
            isQuorate: quorate, totalVotes: total, quorum: quorum, state: state,
            isTieBroken: quorate && total < quorum)
    }

    /// The state last man standing moves to once a quorate, reduced view stayed stable for the window:
    /// expected votes drop to the votes present. `nil` when nothing would change.
    public func lastManStandingState(after status: QuorumStatus) -> QuorumState? {
        guard options.lastManStanding, status.isQuorate, status.totalVotes < status.state.expectedVotes else {
            return nil
        }
        return QuorumState(expectedVotes: max(status.totalVotes, 1), isWaitingForAll: false)
    }

    /// The node whose side wins an even split.
    public var tieBreakerNode: NodeID? {
        let configured = configuredVotes.keys.sorted()
        switch options.autoTieBreaker {
        case nil: return nil
        case .lowest: return configured.first
        case .highest: return configured.last
        case .list(let nodes): return nodes.first { configuredVotes[$0] != nil }
        }
    }

    private func isTieWon(members: [NodeID], total: Int, expectedVotes: Int) -> Bool {
        guard let breaker = tieBreakerNode, expectedVotes % 2 == 0, total * 2 == expectedVotes else { return false }
        return members.contains(breaker)
    }
}
