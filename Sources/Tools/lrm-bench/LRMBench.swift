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
            Runs the same agent action three ways in one run: (1) bare posix_spawn + waitpid, sequentially and \
            with one worker per core; (2) through lrmd's socket one at a time (per-operation overhead); \
            (3) through lrmd with many resources queued at once (throughput). lrmd runs in this process \
            (the same service the daemon runs) and is reached over its Unix socket.
            """)

    @Option(help: "Agent to run (CLASS:PROVIDER:TYPE).") var agent: String = "ocf:heartbeat:Dummy"
    @Option(help: "Action to run.") var action: String = "monitor"
    @Option(help: "Operations for the sequential measurements.") var sequential: Int = 300
    @Option(help: "Resources for the throughput measurement.") var resources: Int = 50
    @Option(help: "Operations per resource for the throughput measurement.") var perResource: Int = 20
    @Option(help: "Extra OCF agent directories (colon-separated), searched before OCF_RA_PATH.") var ocfPath: String?

    func validate() throws {
        guard sequential > 0, resources > 0, perResource > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        let identifier = try AgentIdentifier(parsing: agent)
        var environment = RunDirectory.environment
        if let ocfPath { environment["OCF_RA_PATH"] = ocfPath + ":" + (environment["OCF_RA_PATH"] ?? "/usr/lib/ocf/resource.d") }
        let locator = AgentLocator(environment: environment)
        guard let path = locator.path(for: identifier) else { throw ValidationError("agent \(agent) is not installed") }
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let settings = AgentEnvironmentSettings(resourceTemporaryDirectory: directory)
        let invocation = AgentInvocation(
            resource: "bench0", agent: identifier, action: action, parameters: ["state": "\(directory)/bench0"])
        let command = invocation.command(path: path, settings: settings)
        print("lrm benchmark: \(agent) \(action), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores")

        let bare = try BareSpawner.measure(command, count: sequential, workers: 1)
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let bareParallel = try BareSpawner.measure(command, count: resources * perResource, workers: cores)
        let viaLRMD = try await LRMDMeasurement(
            locator: locator, settings: settings, directory: directory, agent: identifier, action: action)
            .measure(sequential: sequential, resources: resources, perResource: perResource)
        report(bare: bare, bareParallel: bareParallel, cores: cores, viaLRMD: viaLRMD)
    }

    func report(bare: BareSpawner.Figures, bareParallel: BareSpawner.Figures, cores: Int, viaLRMD: LRMDMeasurement.Figures) {
        let overhead = (viaLRMD.sequentialMean - bare.mean) / bare.mean * 100
        print("bare fork/exec, sequential:      \(format(bare.mean)) ms/op  (\(bare.count) ops)")
        print("bare fork/exec, \(cores) workers:       \(format(bareParallel.opsPerSecond)) ops/s")
        print("lrmd, one at a time:             \(format(viaLRMD.sequentialMean)) ms/op  (\(viaLRMD.sequentialCount) ops)")
        print("lrmd overhead per operation:     \(format(viaLRMD.sequentialMean - bare.mean)) ms  (\(format(overhead))% of bare)")
        print("lrmd, \(viaLRMD.resources) resources queued:   \(format(viaLRMD.opsPerSecond)) ops/s  (\(viaLRMD.throughputCount) ops)")
        print("lrmd CPU (user+sys) per op:      \(format(viaLRMD.cpuPerOperation)) ms")
    }
}

func format(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return String(scaled)
}

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/lrm-bench-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return path.map { String(cString: $0) } ?? "/tmp"
}

func removeDirectory(_ path: String) {
    guard path.hasPrefix("/tmp/lrm-bench-"), let handle = opendir(path) else { return }
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { unlink("\(path)/\(name)") }
    }
    closedir(handle)
    rmdir(path)
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}

/// CPU time (user + system) this process has used, in seconds, including reaped children.
func processCPUSeconds(children: Bool) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t((children ? RUSAGE_CHILDREN : RUSAGE_SELF).rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
