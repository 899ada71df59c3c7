import ResourceAgents

/// Single operations of each variant alternating (bare, supervisor, lrmd, in an order that rotates every
/// step), each timed alone: load from other processes then hits the variants of one step alike, and the median
/// of the per-step differences ignores the steps a burst of load happened to hit.
struct LRMPairedSamples {
    var bare: [Double] = []
    var supervisor: [Double] = []
    var lrmd: [Double] = []
    /// lrmd's own measure of each agent run (from just before posix_spawn to reaping).
    var lrmdAgentRun: [Double] = []

    /// Runs `steps` steps of the selected variants; every figure is a wall time in milliseconds.
    nonisolated(nonsending) static func measure(
        steps: Int, variants: Set<String>, bare: () throws -> Void,
        supervisor: nonisolated(nonsending) () async -> Void,
        lrmd: nonisolated(nonsending) () async throws -> Double
    ) async throws -> LRMPairedSamples {
        var samples = LRMPairedSamples()
        let order = ["bare", "supervisor", "lrmd"].filter(variants.contains)
        for step in 0..<steps {
            for index in 0..<order.count {
                let variant = order[(index + step) % order.count]
                let start = ContinuousClock.now
                switch variant {
                case "bare": try bare()
                case "supervisor": await supervisor()
                default: samples.lrmdAgentRun.append(try await lrmd())
                }
                let milliseconds = lrmSeconds(ContinuousClock.now - start) * 1000
                switch variant {
                case "bare": samples.bare.append(milliseconds)
                case "supervisor": samples.supervisor.append(milliseconds)
                default: samples.lrmd.append(milliseconds)
                }
            }
        }
        return samples
    }

    /// The median over steps of (lrmd − bare), in milliseconds.
    var overhead: Double { lrmMedian(zip(bare, lrmd).map { $1 - $0 }) }

    func print() {
        guard !bare.isEmpty || !lrmd.isEmpty || !supervisor.isEmpty else { return }
        let steps = max(bare.count, supervisor.count, lrmd.count)
        let medianBare = lrmMedian(bare)
        Swift.print("alternating single operations, medians over \(steps) steps:")
        Swift.print("  bare posix_spawn + waitpid      \(lrmFormat(medianBare)) ms/op")
        Swift.print("  process supervisor alone        \(lrmFormat(lrmMedian(supervisor))) ms/op")
        Swift.print("  through lrmd's socket           \(lrmFormat(lrmMedian(lrmd))) ms/op")
        let outside = lrmMedian(zip(lrmd, lrmdAgentRun).map { $0 - $1 })
        let agentRun = lrmFormat(lrmMedian(lrmdAgentRun))
        Swift.print("  lrmd: agent run as lrmd saw it  \(agentRun) ms/op, the rest \(lrmFormat(outside)) ms/op")
        let percent = lrmFormat(overhead / medianBare * 100)
        Swift.print("  lrmd overhead (median of steps) \(lrmFormat(overhead)) ms/op = \(percent)% of bare")
    }
}
