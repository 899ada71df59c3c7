import Messaging
extension ViewAgreement {
    /// Decides, in the steady phase, whether a new view is needed and whether this node coordinates it.
    mutating func evaluate(at now: Instant) -> [Directive] {
        guard case .steady = phase else { return [] }
        let connected = liveness.connected(at: now).filter { !failed.contains($0.announce.sender.node, at: now) }
        let candidates = ([me] + connected.map(\.announce.sender)).sorted()
        let coordinator = candidates[0]
        let isCoordinator = coordinator.member == me.member
        guard needsChange(candidates: candidates, connected: connected, asCoordinator: isCoordinator) else {
            clock.wantsChangeSince = nil
            return isCoordinator ? lastManStanding(at: now) : []
        }
        if isCoordinator {
            guard view != nil || mayFormFirstView(candidates: candidates, at: now) else { return [] }
            return startRound(members: candidates, lowersExpectedVotesTo: nil, at: now)
        }
        // Waiting is right while our view only lacks nodes the coordinator may not hear (they form their own
        // view); a view holding members we no longer hear is stale and must not be kept for ever.
        guard view.map({ isStale($0, at: now) }) ?? true else { return [] }
        guard let since = clock.wantsChangeSince else {
            clock.wantsChangeSince = now
            return []
        }
        guard now - since >= timings.deadtime else { return [] }
        // The coordinator does not act on what this node sees (it may not hear us): exclude it for a while.
        failed.exclude(coordinator.node, at: now)
        clock.wantsChangeSince = nil
        return evaluate(at: now)
    }

    private func isStale(_ view: MembershipView, at now: Instant) -> Bool {
        let heard = Set(liveness.connected(at: now).map(\.announce.sender.member))
        return view.members.contains { $0.member != me.member && !heard.contains($0.member) }
    }

    private func needsChange(candidates: [MemberInfo], connected: [Liveness.Record], asCoordinator: Bool) -> Bool {
        guard let view else { return true }
        if view.members.map(\.member) != candidates.map(\.member) { return true }
        guard asCoordinator else { return false }
        // A member that moved on to a newer view must be brought back into one with us.
        // (One still announcing no view or an older one has only missed the commit: `resendCommits` repairs that.)
        return connected.contains { record in (record.announce.viewID.map { $0 > view.id }) ?? false }
    }

    private func mayFormFirstView(candidates: [MemberInfo], at now: Instant) -> Bool {
        if now - clock.startedAt >= timings.initdead { return true }
        let present = Set(candidates.map(\.node))
        return quorum.configuredVotes.keys.allSatisfy { present.contains($0) }
    }

    private mutating func lastManStanding(at now: Instant) -> [Directive] {
        guard let due = clock.lastManStandingDue, now >= due, let view else { return [] }
        clock.lastManStandingDue = nil
        guard let lowered = quorum.lastManStandingState(after: view.quorum) else { return [] }
        return startRound(members: view.members, lowersExpectedVotesTo: lowered.expectedVotes, at: now)
    }

    /// Proposes a view of `members` under a fresh id.
    mutating func startRound(members: [MemberInfo], lowersExpectedVotesTo: Int?, at now: Instant) -> [Directive] {
        let epoch = max(highestEpoch, liveness.highestEpochReported, promised?.epoch ?? 0) + 1
        highestEpoch = epoch
        let id = ViewID(epoch: epoch, coordinator: me.node)
        promised = id
        let proposal = Proposal(
            id: id, coordinator: me, members: members, lowersExpectedVotesTo: lowersExpectedVotesTo)
        phase = .coordinating(
            Round(
                proposal: proposal, accepted: [me.node: quorumState],
                deadline: now + clock.roundTimeout(base: timings.consensusTimeout)))
        var directives: [Directive] = [.persistEpoch(epoch), .viewChangeStarted(id)]
        for member in proposal.members where member.member != me.member {
            directives.append(.send(.propose(proposal), to: member.node))
        }
        return directives + commitIfComplete(at: now)
    }

    /// A member's side of a proposal: promise it if it is newer than anything promised.
    mutating func proposed(_ proposal: Proposal, at now: Instant) -> [Directive] {
        guard proposal.members.contains(where: { $0.member == me.member }) else { return [] }
        if let promised, proposal.id <= promised {
            let rejection = Rejection(id: proposal.id, sender: me.member, highestEpoch: max(highestEpoch, promised.epoch))
            return [.send(.reject(rejection), to: proposal.coordinator.node)]
        }
        promised = proposal.id
        highestEpoch = max(highestEpoch, proposal.id.epoch)
        phase = .promised(proposal, since: now)
        clock.wantsChangeSince = nil
        let acceptance = Acceptance(
            id: proposal.id, sender: me.member, quorumState: quorumState, highestEpoch: highestEpoch)
        return [.viewChangeStarted(proposal.id), .send(.accept(acceptance), to: proposal.coordinator.node)]
    }

    /// The coordinator's side of a promise.
    mutating func accepted(_ acceptance: Acceptance, at now: Instant) -> [Directive] {
        guard case .coordinating(var round) = phase, round.proposal.id == acceptance.id,
            round.proposal.members.contains(where: { $0.member == acceptance.sender })
        else { return [] }
        highestEpoch = max(highestEpoch, acceptance.highestEpoch)
        round.accepted[acceptance.sender.node] = acceptance.quorumState
        phase = .coordinating(round)
        return commitIfComplete(at: now)
    }

    /// The coordinator's side of a refusal: give the round up and retry above the epoch reported.
    mutating func rejected(_ rejection: Rejection, at now: Instant) -> [Directive] {
        guard case .coordinating(let round) = phase, round.proposal.id == rejection.id else { return [] }
        highestEpoch = max(highestEpoch, rejection.highestEpoch)
        phase = .steady
        return evaluate(at: now)
    }

    private mutating func commitIfComplete(at now: Instant) -> [Directive] {
        guard case .coordinating(let round) = phase,
            round.proposal.members.allSatisfy({ round.accepted[$0.node] != nil }),
            var state = QuorumState.merged(round.accepted.sorted { $0.key < $1.key }.map(\.value))
        else { return [] }
        if let lowered = round.proposal.lowersExpectedVotesTo { state.expectedVotes = lowered }
        let status = quorum.evaluate(members: round.proposal.members.map(\.node), state: state)
        let view = MembershipView(id: round.proposal.id, members: round.proposal.members, quorum: status)
        let sends: [Directive] = round.proposal.members.filter { $0.member != me.member }.map {
            .send(.commit(view), to: $0.node)
        }
        return sends + install(view, at: now)
    }

    /// A member's side of a commit: install it unless it is older than what this node holds or promised.
    mutating func committed(_ view: MembershipView, at now: Instant) -> [Directive] {
        guard view.contains(me.member) else { return [] }
        if let current = self.view, view.id <= current.id { return [] }
        if let promised, view.id < promised { return [] }
        return install(view, at: now)
    }

    private mutating func install(_ view: MembershipView, at now: Instant) -> [Directive] {
        self.view = view
        clock.roundTimeout = nil
        phase = .steady
        promised = max(promised ?? view.id, view.id)
        highestEpoch = max(highestEpoch, view.id.epoch)
        clock.wantsChangeSince = nil
        let lowersLater = view.id.coordinator == me.node && quorum.lastManStandingState(after: view.quorum) != nil
        clock.lastManStandingDue = lowersLater ? now + quorum.options.lastManStandingWindow : nil
        return [.installView(view)]
    }

    /// The coordinator of the held view resends the commit to members still announcing an older view.
    func resendCommits(at now: Instant) -> [Directive] {
        guard case .steady = phase, let view, view.id.coordinator == me.node else { return [] }
        return view.members.compactMap { info -> Directive? in
            guard info.member != me.member, let record = liveness.record(of: info.node, at: now),
                record.announce.sender.member == info.member,
                (record.announce.viewID.map { $0 < view.id }) ?? true
            else { return nil }
            return .send(.commit(view), to: info.node)
        }
    }
}
