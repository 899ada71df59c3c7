import ArgumentParser
import Glibc
import Logging
import ResourceAgents
import ServiceLifecycle

/// `ha-bench lrm`: Dummy monitor operations through lrmd against a bare fork/exec of the same agent.
struct LRMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrm",
        abstract: "Benchmark the local resource manager: lrmd overhead and monitor throughput.",
        discussion: """
            Runs the same agent action, in interleaved rounds so that load from other processes hits every \
            variant alike: (1) bare posix_spawn + waitpid; (2) the process supervisor alone; (3) through \
            lrmd's Unix socket, one operation at a time. Then the same three as single operations \
            alternating step by step (medians over steps). Then (4) throughput: many resources' operations \
            queued in lrmd at once, against bare fork/exec with one worker per core. lrmd runs in this \
            process (the service the daemon runs) and is reached over its socket; the client runs as an \
            actor on its connection's event loop (--client loop) or as a plain task (--client task).
            """)

    @Option(help: "Agent to run (CLASS:PROVIDER:TYPE).") var agent: String = "ocf:heartbeat:Dummy"
    @Option(help: "Action to run.") var action: String = "monitor"
    @Option(help: "Interleaved rounds for the sequential measurements.") var rounds: Int = 10
    @Option(help: "Operations per variant per round.") var perRound: Int = 40
    @Option(help: "Resources for the throughput measurement.") var resources: Int = 50
    @Option(help: "Operations per resource for the throughput measurement.") var perResource: Int = 20
    @Option(help: "Extra OCF agent directories (colon-separated), searched before OCF_RA_PATH.") var ocfPath: String?
    @Option(help: "Steps of single operations alternating between the variants (0: none).") var steps: Int = 300
    @Option(help: "Where the benchmark's client runs: loop (an actor on its connection's event loop) or task.")
    var client: String = "loop"
    @Option(help: "Sequential variants to run, comma-separated (bare,supervisor,lrmd); fewer for profiling.")
    var variants: String = "bare,supervisor,lrmd"

    func validate() throws {
        guard rounds > 0, perRound > 0, resources > 0, perResource > 0, steps >= 0 else {
            throw ValidationError("counts must be positive")
        }
        guard client == "loop" || client == "task" else { throw ValidationError("--client is loop or task") }
        let unknown = Set(selectedVariants).subtracting(["bare", "supervisor", "lrmd"])
        guard unknown.isEmpty, !selectedVariants.isEmpty else {
            throw ValidationError("unknown variant in --variants: \(unknown.sorted().joined(separator: ","))")
        }
    }

    var clientOnLoop: Bool { client == "loop" }
    var selectedVariants: [String] { variants.split(separator: ",").map(String.init) }

    func run() async throws {
        let identifier = try AgentIdentifier(parsing: agent)
        var environment = RunDirectory.environment
        if let ocfPath {
            environment["OCF_RA_PATH"] = ocfPath + ":" + (environment["OCF_RA_PATH"] ?? "/usr/lib/ocf/resource.d")
        }
        let locator = AgentLocator(environment: environment)
        guard let path = locator.path(for: identifier) else { throw ValidationError("agent \(agent) is not installed") }
        let directory = lrmMakeTemporaryDirectory()
        defer { lrmRemoveDirectory(directory) }
        let settings = AgentEnvironmentSettings(resourceTemporaryDirectory: directory)
        let invocation = AgentInvocation(
            resource: "bench0", agent: identifier, action: action, parameters: ["state": "\(directory)/bench0"])
        let command = invocation.command(path: path, settings: settings)
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        print(
            "lrm benchmark: \(agent) \(action); client on a \(client); \(cores) cores; load average \(lrmLoadAverage())"
        )
        let measurement = LRMDMeasurement(
            locator: locator, settings: settings, directory: directory, agent: identifier, action: action)
        let plan = LRMBenchPlan(
            rounds: rounds, perRound: perRound, steps: steps, resources: resources, perResource: perResource,
            variants: Set(selectedVariants))
        let figures = try await measurement.measure { client in
            guard clientOnLoop else {
                return try await plan.measureAll(
                    measurement, client: client, command: command, invocation: invocation, cores: cores)
            }
            return try await LRMLoopDriver(loop: client.eventLoop).run(
                plan, measurement, client: client, command: command, invocation: invocation, cores: cores)
        }
        LRMReport(samples: figures.0, bareParallel: figures.1, throughput: figures.2, paired: figures.3, cores: cores)
            .print()
        print("load average after: \(lrmLoadAverage())")
    }

}

/// The counts of one `ha-bench lrm` run, and the run itself.
struct LRMBenchPlan: Sendable {
    var rounds: Int
    var perRound: Int
    var steps: Int
    var resources: Int
    var perResource: Int
    var variants: Set<String>

    nonisolated(nonsending) func measureAll(
        _ measurement: LRMDMeasurement, client: LRMDClient, command: AgentCommand, invocation: AgentInvocation,
        cores: Int
    ) async throws -> LRMFigures {
        let locator = measurement.locator
        let settings = measurement.settings
        var samples = LRMSamples()
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let direct = AgentRunner(locator: locator, settings: settings, supervisor: supervisor)
            for _ in 0..<rounds {
            if variants.contains("bare") {
                samples.bare.append(try LRMBareSpawner.measure(command, count: perRound, workers: 1))
            }
            if variants.contains("supervisor") {
                samples.supervisor.append(
                    try await LRMTiming.measure(perRound) { _ = await direct.run(invocation) })
            }
            if variants.contains("lrmd") {
                samples.lrmd.append(try await LRMTiming.measure(perRound) { try await measurement.once(client) })
            }
        }
        let paired = try await LRMPairedSamples.measure(
            steps: steps, variants: variants,
            bare: { _ = try LRMBareSpawner.measure(command, count: 1, workers: 1) },
            supervisor: { _ = await direct.run(invocation) }, lrmd: { try await measurement.once(client) })
        let bareParallel = try LRMBareSpawner.measure(command, count: resources * perResource, workers: cores)
        let throughput = try await measurement.throughput(client, resources: resources, perResource: perResource)
        return (samples, bareParallel, throughput, paired)
    }
}

/// Per-round means of each variant.
struct LRMSamples {
    var bare: [LRMTiming] = []
    var supervisor: [LRMTiming] = []
    var lrmd: [LRMTiming] = []
}

/// Wall and CPU time of a batch of sequential operations.
struct LRMTiming {
    var count: Int
    var wall: Double
    var ownCPU: Double
    var childCPU: Double
    /// Context switches of this process (all threads, voluntary and involuntary).
    var switches: Double = 0

    var switchesPerOperation: Double { switches / Double(count) }
    var wallPerOperation: Double { wall / Double(count) * 1000 }
    var ownCPUPerOperation: Double { ownCPU / Double(count) * 1000 }
    var childCPUPerOperation: Double { childCPU / Double(count) * 1000 }

    nonisolated(nonsending) static func measure(
        _ count: Int, _ body: nonisolated(nonsending) () async throws -> Void
    ) async throws -> LRMTiming {
        let own = lrmProcessCPUSeconds(children: false)
        let child = lrmProcessCPUSeconds(children: true)
        let switches = lrmContextSwitches()
        let start = ContinuousClock.now
        for _ in 0..<count { try await body() }
        return LRMTiming(
            count: count, wall: lrmSeconds(ContinuousClock.now - start),
            ownCPU: lrmProcessCPUSeconds(children: false) - own,
            childCPU: lrmProcessCPUSeconds(children: true) - child, switches: lrmContextSwitches() - switches)
    }
}

struct LRMReport {
    var samples: LRMSamples
    var bareParallel: LRMTiming
    var throughput: LRMTiming
    var paired: LRMPairedSamples
    var cores: Int

    func print() {
        let bare = lrmMedian(samples.bare.map(\.wallPerOperation))
        let supervisor = lrmMedian(samples.supervisor.map(\.wallPerOperation))
        let lrmd = lrmMedian(samples.lrmd.map(\.wallPerOperation))
        let overheads = zip(samples.bare, samples.lrmd).map { ($1.wallPerOperation - $0.wallPerOperation) }
        let overhead = lrmMedian(overheads)
        let agentCPU = lrmMedian(samples.bare.map(\.childCPUPerOperation))
        let lrmdCPU = lrmMedian(samples.lrmd.map(\.ownCPUPerOperation))
        let bareCPU = lrmMedian(samples.bare.map(\.ownCPUPerOperation))
        let rounds = samples.bare.count
        let count = samples.bare.first?.count ?? 0
        Swift.print("sequential, median of \(rounds) interleaved rounds of \(count) operations each:")
        Swift.print(
            "  bare posix_spawn + waitpid      \(lrmFormat(bare)) ms/op  (agent CPU \(lrmFormat(agentCPU)) ms/op)")
        Swift.print("  process supervisor alone        \(lrmFormat(supervisor)) ms/op")
        Swift.print("  through lrmd's socket           \(lrmFormat(lrmd)) ms/op")
        let switches = [samples.bare, samples.supervisor, samples.lrmd].map {
            lrmFormat(lrmMedian($0.map(\.switchesPerOperation)))
        }
        Swift.print(
            "  context switches/op             bare \(switches[0]), supervisor \(switches[1]), lrmd \(switches[2])")
        Swift.print(
            "  lrmd wall overhead              \(lrmFormat(overhead)) ms/op = \(lrmFormat(overhead / bare * 100))% of bare"
        )
        Swift.print("  parent CPU, bare spawn+wait     \(lrmFormat(bareCPU)) ms/op")
        Swift.print(
            "  lrmd+client CPU                 \(lrmFormat(lrmdCPU)) ms/op = \(lrmFormat(lrmdCPU / agentCPU * 100))% of the agent's CPU"
        )
        paired.print()
        Swift.print("throughput (\(throughput.count) operations):")
        Swift.print(
            "  bare fork/exec, \(cores) workers        \(lrmFormat(Double(bareParallel.count) / bareParallel.wall)) ops/s"
        )
        Swift.print("  lrmd, many resources queued     \(lrmFormat(Double(throughput.count) / throughput.wall)) ops/s")
        Swift.print("  lrmd+client CPU under load      \(lrmFormat(throughput.ownCPUPerOperation)) ms/op")
        var result = "RESULT lrm_bare_ms=\(lrmFormat(bare)) lrm_lrmd_ms=\(lrmFormat(lrmd))"
        result += " lrm_overhead_percent=\(lrmFormat(overhead / bare * 100))"
        result += " lrm_cpu_percent_of_agent=\(lrmFormat(lrmdCPU / agentCPU * 100))"
        if !paired.bare.isEmpty && !paired.lrmd.isEmpty {
            result += " lrm_step_overhead_percent=\(lrmFormat(paired.overhead / lrmMedian(paired.bare) * 100))"
        }
        result += " lrm_ops_per_second=\(lrmFormat(Double(throughput.count) / throughput.wall))"
        Swift.print(result)
    }
}

func lrmMedian(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func lrmFormat(_ value: Double) -> String { String((value * 100).rounded() / 100) }

func lrmLoadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    _ = getloadavg(&loads, 3)
    return loads.map(lrmFormat).joined(separator: " ")
}

func lrmMakeTemporaryDirectory() -> String {
    var template = Array("/tmp/lrm-bench-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return path.map { String(cString: $0) } ?? "/tmp"
}

func lrmRemoveDirectory(_ path: String) {
    guard path.hasPrefix("/tmp/lrm-bench-"), let handle = opendir(path) else { return }
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { unlink("\(path)/\(name)") }
    }
    closedir(handle)
    rmdir(path)
}

func lrmSeconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}

/// Context switches (voluntary + involuntary) of every thread of this process so far.
func lrmContextSwitches() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_nvcsw + usage.ru_nivcsw)
}

/// CPU time (user + system) of this process, or of its reaped children, in seconds.
func lrmProcessCPUSeconds(children: Bool) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t((children ? RUSAGE_CHILDREN : RUSAGE_SELF).rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Everything one run measures: rounds, the parallel bare run, lrmd's throughput, the alternating steps.
typealias LRMFigures = (LRMSamples, LRMTiming, LRMTiming, LRMPairedSamples)
