import Membership
import Messaging
import Testing

@Suite("Quorum")
struct QuorumTests {
    func quorum(_ nodes: Int, _ options: QuorumOptions = QuorumOptions(), votes: [UInt32: Int] = [:]) -> Quorum {
        Quorum(
            options: options,
            configuredVotes: Dictionary(uniqueKeysWithValues: (1...nodes).map {
                (NodeID(UInt32($0)), votes[UInt32($0)] ?? 1)
            }))
    }

    func ids(_ values: UInt32...) -> [NodeID] { values.map(NodeID.init) }

    @Test func majorityOfExpectedVotesIsQuorate() {
        let calculator = quorum(5)
        #expect(calculator.evaluate(members: ids(1, 2, 3), state: calculator.initialState).isQuorate)
        #expect(!calculator.evaluate(members: ids(4, 5), state: calculator.initialState).isQuorate)
        #expect(calculator.evaluate(members: ids(1, 2, 3), state: calculator.initialState).quorum == 3)
    }

    @Test func evenSplitHasNoQuorumWithoutTieBreaker() {
        let calculator = quorum(4)
        #expect(!calculator.evaluate(members: ids(1, 2), state: calculator.initialState).isQuorate)
        #expect(!calculator.evaluate(members: ids(3, 4), state: calculator.initialState).isQuorate)
    }

    @Test(arguments: [
        (TieBreaker.lowest, [UInt32(1), 2]), (TieBreaker.highest, [3, 4]), (TieBreaker.list([NodeID(3), NodeID(1)]), [3, 4]),
        (TieBreaker.list([NodeID(9), NodeID(2)]), [1, 2]),
    ])
    func tieBreakerPicksExactlyOneHalf(breaker: TieBreaker, winners: [UInt32]) {
        let calculator = quorum(4, QuorumOptions(autoTieBreaker: breaker))
        let left = calculator.evaluate(members: ids(1, 2), state: calculator.initialState)
        let right = calculator.evaluate(members: ids(3, 4), state: calculator.initialState)
        #expect(left.isQuorate == (winners == [1, 2]))
        #expect(right.isQuorate == (winners == [3, 4]))
        #expect(left.isQuorate != right.isQuorate)
        #expect((left.isQuorate ? left : right).isTieBroken)
    }

    @Test func weightedVotesCount() {
        let calculator = quorum(3, votes: [1: 3])
        #expect(calculator.evaluate(members: ids(1), state: calculator.initialState).isQuorate)
        #expect(!calculator.evaluate(members: ids(2, 3), state: calculator.initialState).isQuorate)
    }

    @Test func configuredExpectedVotesOverrideAndRiseWithMoreVotes() {
        let calculator = quorum(3, QuorumOptions(expectedVotes: 2))
        let status = calculator.evaluate(members: ids(1, 2, 3), state: calculator.initialState)
        #expect(status.state.expectedVotes == 3)
        #expect(status.quorum == 2)
        let later = calculator.evaluate(members: ids(1), state: status.state)
        #expect(!later.isQuorate, "expected votes never fall back on their own")
    }

    @Test func twoNodeKeepsQuorumWithOneNodeAfterSeeingBoth() {
        let calculator = quorum(2, QuorumOptions(twoNode: true))
        #expect(calculator.options.isWaitForAllEnabled)
        let alone = calculator.evaluate(members: ids(1), state: calculator.initialState)
        #expect(!alone.isQuorate, "wait_for_all holds a fresh node back")
        let both = calculator.evaluate(members: ids(1, 2), state: calculator.initialState)
        #expect(both.isQuorate && !both.state.isWaitingForAll)
        let survivor = calculator.evaluate(members: ids(1), state: both.state)
        #expect(survivor.isQuorate && survivor.quorum == 1)
    }

    @Test func waitForAllOnLargerCluster() {
        let calculator = quorum(3, QuorumOptions(waitForAll: true))
        #expect(!calculator.evaluate(members: ids(1, 2), state: calculator.initialState).isQuorate)
        let all = calculator.evaluate(members: ids(1, 2, 3), state: calculator.initialState)
        #expect(calculator.evaluate(members: ids(1, 2), state: all.state).isQuorate)
    }

    @Test func lastManStandingLowersExpectedVotesToThePresentOnes() throws {
        let calculator = quorum(5, QuorumOptions(lastManStanding: true))
        let three = calculator.evaluate(members: ids(1, 2, 3), state: calculator.initialState)
        let lowered = try #require(calculator.lastManStandingState(after: three))
        #expect(lowered.expectedVotes == 3)
        let two = calculator.evaluate(members: ids(1, 2), state: lowered)
        #expect(two.isQuorate)
        #expect(calculator.lastManStandingState(after: calculator.evaluate(members: ids(1, 2), state: three.state)) == nil,
                "no lowering once quorum is lost")
    }

    @Test func mergedStateTakesHighestExpectedAndReleasesWaitForAll() {
        let merged = QuorumState.merged([
            QuorumState(expectedVotes: 3, isWaitingForAll: true), QuorumState(expectedVotes: 5, isWaitingForAll: false),
        ])
        #expect(merged == QuorumState(expectedVotes: 5, isWaitingForAll: false))
        #expect(QuorumState.merged([]) == nil)
    }

    @Test func lastManStandingRunsThroughTheProtocol() {
        var simulation = ClusterSimulation(
            nodes: 5, seed: 11, options: QuorumOptions(lastManStanding: true, lastManStandingWindow: .seconds(2)))
        simulation.run(until: .seconds(3))
        simulation.crash(NodeID(5))
        simulation.crash(NodeID(4))
        simulation.run(until: .seconds(7))
        #expect(simulation.nodes[NodeID(1)]?.view?.quorum.state.expectedVotes == 3)
        simulation.crash(NodeID(3))
        simulation.run(until: .seconds(8))
        #expect(simulation.nodes[NodeID(1)]?.view?.quorum.isQuorate == true, "2 of lowered 3 keep quorum")
        #expect(simulation.checker.failures.isEmpty, "\(simulation.checker.failures)")
    }
}
