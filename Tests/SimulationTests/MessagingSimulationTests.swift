import Foundation
import Messaging
import Simulation
import Testing

/// The seeds a run checks: `SIM_SEED=n` replays one; `SIM_SEEDS=n` sets how many (default 1000).
enum MessagingSeeds {
    static var selected: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["SIM_SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 1_000
        return Array(1...UInt64(max(1, count)))
    }
}

@Suite("Messaging simulation")
struct MessagingSimulationTests {
    @Test("every seed keeps order, virtual synchrony, authenticity and liveness")
    func seedsKeepInvariants() {
        var failures: [String] = []
        var deliveries = 0
        var drops = 0
        for seed in MessagingSeeds.selected {
            var simulation = MessagingSimulation(seed: seed)
            let report = simulation.run()
            deliveries += report.deliveries
            drops += report.drops.total
            if let violation = report.violation {
                failures.append(violation)
                // The first failure's trace: the last views, deliveries and faults before it.
                if failures.count == 1 { print(report.trace.suffix(200).joined(separator: "\n")) }
            }
            if failures.count >= 5 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(deliveries > 0)
        #expect(drops > 0, "the forger's packets must be seen and dropped")
    }

    /// Seeds that once failed (duplicate or out-of-order delivery after resends along different view paths;
    /// retargeted flushes whose members had delivered past the new cut): each must keep passing.
    @Test("seeds that once failed keep every invariant", arguments: [1402, 1942, 2132, 2731] as [UInt64])
    func regressionSeed(seed: UInt64) {
        var simulation = MessagingSimulation(seed: seed)
        let report = simulation.run()
        #expect(report.violation == nil, "\(report.violation ?? "")\n\(report.trace.suffix(60).joined(separator: "\n"))")
        #expect(report.deliveries > 100)
    }

    @Test("a seed replays exactly")
    func seedReplaysExactly() {
        var first = MessagingSimulation(seed: 42)
        var second = MessagingSimulation(seed: 42)
        let one = first.run()
        let two = second.run()
        #expect(one.deliveries == two.deliveries)
        #expect(one.datagrams == two.datagrams)
        #expect(one.drops == two.drops)
        #expect(one.violation == two.violation)
    }
}
