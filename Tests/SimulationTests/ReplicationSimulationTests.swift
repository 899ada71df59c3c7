import CRM
import Simulation
import Testing

/// Seeds CI runs for the replication simulation; `SIM_SEED=n` replays one.
enum ReplicationSeeds {
    static var pullRequest: [UInt64] {
        if let text = Environment.seed, let seed = UInt64(text) { return [seed] }
        if let range = Environment.seedRange { return Array(range) }
        return Array(1...60)
    }
}

@Test(arguments: ReplicationSeeds.pullRequest)
func replicationLosesNoAcknowledgedUpdateAndElectsOneDCPerView(seed: UInt64) {
    var simulation = ReplicationSimulation(nodes: 3 + Int(seed % 3), seed: seed)
    let passed = simulation.run(steps: 3_000, faultRate: 0.03)
    #expect(passed, "SIM_SEED=\(seed) \(simulation.violations)\n\(simulation.trace.suffix(60).joined(separator: "\n"))")
    #expect(simulation.acknowledged.count > 0, "SIM_SEED=\(seed): nothing was acknowledged \(simulation.outcomes)")
}

@Test func quietClusterCommitsEveryUpdate() {
    var simulation = ReplicationSimulation(nodes: 3, seed: 7)
    let passed = simulation.run(steps: 2_000, faultRate: 0)
    #expect(passed, "\(simulation.violations)")
    #expect(simulation.outcomes["interrupted"] == nil)
    #expect(simulation.outcomes["committed"] == simulation.acknowledged.count)
}
