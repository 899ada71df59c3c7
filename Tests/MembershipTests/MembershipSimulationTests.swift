import Foundation
import Membership
import Messaging
import Testing

/// The seeds a run uses: `SIM_SEED=<n>` replays one, `SIM_SEEDS=<count>` runs more than CI's fixed set.
enum Seeds {
    static var selected: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["SIM_SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 120
        return (1...UInt64(count)).map { $0 &* 0x2545_F491_4F6C_DD1D }
    }
}

extension Instant {
    static func seconds(_ value: Double) -> Instant { Instant(nanoseconds: Int64(value * 1e9)) }
}

@Suite("Membership simulation")
struct MembershipSimulationTests {
    @Test func threeNodesFormOneQuorateView() {
        var simulation = ClusterSimulation(nodes: 3, seed: 1)
        simulation.run(until: .seconds(3))
        expectConverged(simulation)
        #expect(simulation.checker.failures.isEmpty, "\(simulation.checker.failures)")
    }

    @Test func killedNodeLeavesTheViewWithinASecond() throws {
        var simulation = ClusterSimulation(nodes: 3, seed: 2)
        simulation.run(until: .seconds(3))
        let before = try #require(simulation.nodes[NodeID(1)]?.view)
        simulation.crash(NodeID(3))
        let killedAt = simulation.now
        var agreedAt: Instant?
        while simulation.now < killedAt + .seconds(2) {
            simulation.run(until: simulation.now + .milliseconds(10))
            let views = simulation.currentViews.values
            if views.count == 2, Set(views).count == 1, views.allSatisfy({ $0.members.count == 2 }) {
                agreedAt = simulation.now
                break
            }
        }
        let agreed = try #require(agreedAt, "survivors never agreed")
        #expect(agreed - killedAt <= .seconds(1))
        #expect(simulation.nodes[NodeID(1)]?.view?.quorum.isQuorate == true)
        #expect(simulation.nodes[NodeID(1)]!.view!.id > before.id)
    }

    @Test func restartedNodeRejoinsAsNewIncarnation() throws {
        var simulation = ClusterSimulation(nodes: 3, seed: 3)
        simulation.run(until: .seconds(3))
        simulation.crash(NodeID(2))
        simulation.run(until: .seconds(5))
        simulation.start(NodeID(2))
        simulation.run(until: .seconds(7))
        expectConverged(simulation)
        let view = try #require(simulation.nodes[NodeID(1)]?.view)
        #expect(view.info(of: NodeID(2))?.member.incarnation == Incarnation(2))
    }

    @Test func gracefulLeaveIsFasterThanDeadtime() throws {
        var simulation = ClusterSimulation(nodes: 3, seed: 4)
        simulation.run(until: .seconds(3))
        simulation.leave(NodeID(3))
        simulation.run(until: simulation.now + .milliseconds(400))
        let view = try #require(simulation.nodes[NodeID(1)]?.view)
        #expect(view.members.map(\.node) == [NodeID(1), NodeID(2)])
    }

    @Test func splitKeepsQuorumOnTheMajorityOnlyAndHealMerges() throws {
        var simulation = ClusterSimulation(nodes: 3, seed: 5)
        simulation.run(until: .seconds(3))
        simulation.network.partition([[NodeID(1), NodeID(2)], [NodeID(3)]])
        simulation.run(until: .seconds(5))
        let majority = try #require(simulation.nodes[NodeID(1)]?.view)
        let minority = try #require(simulation.nodes[NodeID(3)]?.view)
        #expect(majority.members.count == 2 && majority.quorum.isQuorate)
        #expect(minority.members.count == 1 && !minority.quorum.isQuorate)
        simulation.network.heal()
        let healedAt = simulation.now
        simulation.run(until: healedAt + .seconds(1))
        expectConverged(simulation)
        #expect(simulation.checker.failures.isEmpty, "\(simulation.checker.failures)")
    }

    @Test func oneWayLossNeverBreaksSafetyAndHeals() {
        var simulation = ClusterSimulation(nodes: 3, seed: 6)
        simulation.run(until: .seconds(3))
        simulation.network.blocked = [[NodeID(1), NodeID(3)]]
        let installsBefore = simulation.checker.installCount
        simulation.run(until: .seconds(10))
        // Back-off keeps persistent one-way loss from flapping every round.
        #expect(simulation.checker.installCount - installsBefore <= 30, "\(simulation.checker.installCount - installsBefore) installs")
        simulation.network.heal()
        simulation.run(until: .seconds(14))
        expectConverged(simulation)
        #expect(simulation.checker.failures.isEmpty, "\(simulation.checker.failures)")
    }

    @Test(arguments: Seeds.selected)
    func randomFaultsKeepViewsAgreedAndHeal(seed: UInt64) {
        // Each seed also picks quorum options (all but last man standing, which trades this safety away).
        let breakers: [TieBreaker?] = [nil, .lowest, .highest, .list([NodeID(2), NodeID(1)])]
        let options = QuorumOptions(waitForAll: seed % 3 == 0, autoTieBreaker: breakers[Int(seed / 7 % 4)])
        var simulation = ClusterSimulation(nodes: 3 + Int(seed % 5), seed: seed, options: options)
        var scenario = FaultScenario(seed: seed)
        scenario.run(&simulation, for: .seconds(20))
        simulation.network.heal()
        for node in simulation.allNodes where simulation.nodes[node] == nil { simulation.start(node) }
        simulation.run(until: simulation.now + .seconds(8))
        #expect(simulation.checker.failures.isEmpty, "\(simulation.checker.failures.joined(separator: "\n"))")
        expectConverged(simulation)
    }

    /// Liveness: every alive node holds the same view, whose members are exactly the alive incarnations.
    func expectConverged(_ simulation: ClusterSimulation, sourceLocation: SourceLocation = #_sourceLocation) {
        let alive = simulation.nodes.values.map(\.me.member).sorted()
        let views = Set(simulation.currentViews.values)
        let tail = simulation.trace.suffix(30).joined(separator: "\n  ")
        #expect(
            views.count == 1 && views.first?.view.members == alive
                && simulation.currentViews.count == alive.count,
            "SIM_SEED=\(simulation.seed): not converged on \(alive): \(views)\n  \(tail)",
            sourceLocation: sourceLocation)
        if let view = views.first {
            let votes = alive.count
            #expect(view.quorum.isQuorate == (votes * 2 > simulation.allNodes.count), sourceLocation: sourceLocation)
        }
    }
}

/// Random faults for one seed: crashes, restarts, graceful leaves, partitions both ways and one way, loss,
/// duplication and delay, changing about twice a second.
struct FaultScenario {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed ^ 0xFACE) }

    mutating func run(_ simulation: inout ClusterSimulation, for duration: Duration) {
        let end = simulation.now + duration
        simulation.network.dropRate = [0, 0.01, 0.05, 0.15].randomElement(using: &rng)!
        simulation.network.duplicateRate = [0, 0.02, 0.1].randomElement(using: &rng)!
        simulation.network.maximumDelay = .milliseconds([1, 5, 30].randomElement(using: &rng)!)
        while simulation.now < end {
            let step = Duration.milliseconds(Int.random(in: 100...900, using: &rng))
            simulation.run(until: min(end, simulation.now + step))
            act(on: &simulation)
        }
    }

    private mutating func act(on simulation: inout ClusterSimulation) {
        let nodes = simulation.allNodes
        let node = nodes.randomElement(using: &rng)!
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: simulation.crash(node)
        case 1: if simulation.nodes[node] == nil { simulation.start(node) }
        case 2: simulation.leave(node)
        case 3:
            let shuffled = nodes.shuffled(using: &rng)
            let cut = Int.random(in: 1..<shuffled.count, using: &rng)
            simulation.network.partition([Array(shuffled[..<cut]), Array(shuffled[cut...])])
        case 4:
            let other = nodes.filter { $0 != node }.randomElement(using: &rng)!
            simulation.network.blocked.insert([node, other])
        case 5: simulation.network.blocked = []
        default: break
        }
    }
}
