import Messaging
/// The view-agreement protocol of one node, in the spirit of CCM and Totem's gather/commit: the lowest
/// connected node coordinates, proposes the members it is connected to under a new view id, collects
/// promises and commits. Reads no clock and opens no socket; see Docs/Protocols/Membership.md.
public struct ViewAgreement: Sendable {
    /// An input.
    public enum Event: Sendable, Hashable {
        /// The node started (first event): begin announcing.
        case started(at: Instant)
        /// A membership message arrived, already authenticated by Messaging.
        case messageReceived(MembershipMessage, at: Instant)
        /// The timer scheduled by `.scheduleTick` fired.
        case tick(at: Instant)
        /// Messaging's failure detector suspects this member.
        case peerSuspected(Member, at: Instant)
        /// The local administrator asked this node to leave the cluster gracefully.
        case leaveRequested(at: Instant)
    }

    /// An output, carried out by the shell in order.
    public enum Directive: Sendable, Hashable {
        /// Send to one node.
        case send(MembershipMessage, to: NodeID)
        /// Send to every configured and every heard node.
        case broadcast(MembershipMessage)
        /// Call back with `.tick` after this long.
        case scheduleTick(after: Duration)
        /// Store the epoch durably before anything else is sent (view ids never repeat across restarts).
        case persistEpoch(UInt64)
        /// A view change began: Messaging stops delivering in the old view until `.installView`.
        case viewChangeStarted(ViewID)
        /// The new view is agreed: hand it to Messaging and to clients.
        case installView(MembershipView)
        /// This node has left the cluster; the shell stops.
        case left
    }

    /// Where the protocol is.
    public enum Phase: Sendable, Hashable {
        /// Holding a view (or none yet), watching for changes.
        case steady
        /// Coordinating a round.
        case coordinating(Round)
        /// Promised a proposal, waiting for its commit.
        case promised(Proposal, since: Instant)
        /// Left the cluster; everything is ignored.
        case departed
    }

    /// A round this node coordinates.
    public struct Round: Sendable, Hashable {
        /// What was proposed.
        public var proposal: Proposal
        /// The quorum states of the members that accepted so far (the coordinator's included).
        public var accepted: [NodeID: QuorumState]
        /// When the coordinator stops waiting and excludes the silent members.
        public var deadline: Instant
    }

    /// This node: member and name.
    public let me: MemberInfo
    /// Timing knobs.
    public let timings: MembershipTimings
    /// Votes and quorum options.
    public let quorum: Quorum
    /// What this node knows of its peers.
    public internal(set) var liveness: Liveness
    /// The view this node holds; `nil` before the first.
    public internal(set) var view: MembershipView?
    /// Where the protocol is.
    public internal(set) var phase: Phase = .steady
    /// The newest view id promised; no older proposal is accepted, no older view installed.
    public internal(set) var promised: ViewID?
    /// The highest epoch seen or persisted.
    public internal(set) var highestEpoch: UInt64
    /// Timing facts: start, patience with a silent coordinator, last man standing.
    var clock: AgreementClock
    /// Coordinators and members excluded from the next rounds until the instant given (Totem's failed set).
    var failed: FailedSet

    /// Builds the instance of one node. `persistedEpoch` is the epoch stored by the last run on this node.
    public init(me: MemberInfo, timings: MembershipTimings, quorum: Quorum, persistedEpoch: UInt64) {
        self.me = me
        self.timings = timings
        self.quorum = quorum
        self.liveness = Liveness(me: me.member, deadtime: timings.deadtime)
        self.highestEpoch = persistedEpoch
        self.clock = AgreementClock()
        self.failed = FailedSet(base: timings.deadtime * 2)
    }

    /// Quorum state this node brings into the next view.
    public var quorumState: QuorumState { view?.quorum.state ?? quorum.initialState }

    /// Feeds one event; returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Directive] {
        if case .departed = phase { return [] }
        switch event {
        case .started(let now):
            clock.startedAt = now
            return [.broadcast(announce(at: now)), .scheduleTick(after: timings.keepalive)]
        case .messageReceived(let message, let now):
            return received(message, at: now)
        case .tick(let now):
            return ticked(at: now) + [.scheduleTick(after: timings.keepalive)]
        case .peerSuspected(let member, let now):
            liveness.markDeparted(member)
            return evaluate(at: now)
        case .leaveRequested:
            phase = .departed
            return [.broadcast(.leave(me.member)), .left]
        }
    }

    /// This node's announce.
    func announce(at now: Instant) -> MembershipMessage {
        .announce(
            Announce(sender: me, viewID: view?.id, hears: liveness.heard(at: now), highestEpoch: highestEpoch))
    }

    private mutating func received(_ message: MembershipMessage, at now: Instant) -> [Directive] {
        switch message {
        case .announce(let announce):
            guard liveness.record(announce, at: now) else { return [] }
            highestEpoch = max(highestEpoch, announce.highestEpoch)
            return []
        case .propose(let proposal): return proposed(proposal, at: now)
        case .accept(let acceptance): return accepted(acceptance, at: now)
        case .reject(let rejection): return rejected(rejection, at: now)
        case .commit(let view): return committed(view, at: now)
        case .leave(let member):
            guard member != me.member else { return [] }
            liveness.markDeparted(member)
            return evaluate(at: now)
        }
    }

    private mutating func ticked(at now: Instant) -> [Directive] {
        var directives: [Directive] = [.broadcast(announce(at: now))]
        failed.prune(at: now)
        switch phase {
        case .coordinating(let round) where now >= round.deadline:
            // Silent members sit out the next round only; if they are really gone, deadtime drops them anyway.
            for member in round.proposal.members where round.accepted[member.node] == nil {
                failed.exclude(member.node, at: now, for: timings.deadtime)
            }
            // A starved machine may answer slowly: give the next round longer (Totem's consensus grows too).
            clock.roundTimeout = min(clock.roundTimeout(base: timings.consensusTimeout) * 2, timings.deadtime * 4)
            phase = .steady
        case .promised(_, let since) where now - since >= timings.deadtime * 2:
            // The round failed (the coordinator excludes whoever did not answer and retries): wait for its next
            // proposal. Only a coordinator that stops acting altogether is excluded, by `evaluate`'s patience.
            phase = .steady
        default: break
        }
        directives += resendCommits(at: now)
        directives += evaluate(at: now)
        return directives
    }
}

/// Timing facts of one instance, kept apart so the instance stays small.
struct AgreementClock: Sendable, Hashable {
    /// When the node started.
    var startedAt: Instant = .zero
    /// Since when this node, not coordinating, has wanted a view change that its coordinator has not made.
    var wantsChangeSince: Instant?
    /// When the coordinator lowers expected votes (last man standing), if it will.
    var lastManStandingDue: Instant?
    /// How long the next round waits for acceptances, once a round has timed out; `nil` means the base.
    var roundTimeout: Duration?

    /// The round timeout in force.
    func roundTimeout(base: Duration) -> Duration { roundTimeout ?? base }
}
