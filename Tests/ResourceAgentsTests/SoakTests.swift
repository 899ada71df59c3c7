import Glibc
import Testing

@testable import ResourceAgents

/// 200 resources with 1 s monitors for a minute (LRM_SOAK_SECONDS overrides the length) against the real
/// `lrmd` daemon process: no leaked file descriptors or processes, bounded memory, and every monitor re-run
/// within one interval of its schedule. The daemon is measured through /proc, so other suites running in this
/// test process cannot disturb the figures.
@Suite(.tags(.integration, .soak), .serialized)
struct SoakTests {
    static let resources = 200
    static let interval = Duration.seconds(1)
    static var seconds: Int64 {
        getenv("LRM_SOAK_SECONDS").flatMap { Int64(String(cString: $0)) } ?? 60
    }

    @Test(.timeLimit(.minutes(4)), .enabled(if: Daemon.executable != nil))
    func twoHundredOneSecondMonitorsForAMinute() async throws {
        let directory = TestSupport.temporaryDirectory("lrm-soak")
        defer { TestSupport.removeTree(directory) }
        let daemon = try await Daemon.start(runDirectory: directory)
        defer { daemon.stop() }
        let client = try await LRMDClient.connect(socketPath: "\(directory)/lrmd.sock")
        try await client.subscribe()
        let report = try await Self.soak(client, daemon: daemon, directory: directory)
        await client.close()
        try await Task.sleep(for: .milliseconds(300))
        #expect(daemon.children().isEmpty, "agent processes left behind")
        #expect(daemon.descriptorCount() <= report.descriptorsAtStart, "lrmd leaked file descriptors")
        #expect(report.worstLateness < Self.interval, "monitor drifted by \(report.worstLateness)")
        #expect(report.fewestRuns >= Int(Self.seconds) * 8 / 10, "a resource ran only \(report.fewestRuns) monitors")
        #expect(report.failures == 0)
        #expect(report.memoryGrowthKiB < 16 * 1024, "lrmd's resident memory grew \(report.memoryGrowthKiB) KiB")
    }

    struct Report: Sendable {
        var worstLateness: Duration = .zero
        var fewestRuns = Int.max
        var failures = 0
        var memoryGrowthKiB = 0
        var descriptorsAtStart = 0
    }

    static func soak(_ client: LRMDClient, daemon: Daemon, directory: String) async throws -> Report {
        let agent = try AgentIdentifier(parsing: "ocf:linux-ha:Dummy")
        for index in 0..<resources {
            let id = "soak\(index)"
            try await client.register(
                ResourceDefinition(id: id, agent: agent, parameters: ["state": "\(directory)/\(id)"]))
            _ = try await client.executeAndWait(OperationRequest(key: OperationKey(resource: id, action: "start")))
            _ = try await client.execute(
                OperationRequest(key: OperationKey(resource: id, action: "monitor", interval: interval)))
        }
        var report = Report()
        var lastEnd: [String: Duration] = [:]
        var runs: [String: Int] = [:]
        var baselineKiB = 0
        let start = ContinuousClock.now
        for await result in client.results {
            let elapsed = ContinuousClock.now - start
            if elapsed >= .seconds(seconds) { break }
            if baselineKiB == 0 && elapsed >= .seconds(min(10, seconds / 3)) {
                baselineKiB = daemon.residentKiB()
                report.descriptorsAtStart = daemon.descriptorCount()
            }
            guard result.key.isRecurring else { continue }
            let id = result.key.resource
            if result.exitCode != .success || result.status != .done { report.failures += 1 }
            if let previous = lastEnd[id] {
                report.worstLateness = max(report.worstLateness, result.startedAt - previous - interval)
            }
            lastEnd[id] = result.startedAt + result.executionTime
            runs[id, default: 0] += 1
        }
        report.memoryGrowthKiB = daemon.residentKiB() - baselineKiB
        report.fewestRuns = (0..<resources).map { runs["soak\($0)"] ?? 0 }.min() ?? 0
        for index in 0..<resources {
            _ = try await client.executeAndWait(
                OperationRequest(key: OperationKey(resource: "soak\(index)", action: "stop")))
            try await client.unregister("soak\(index)")
        }
        return report
    }
}

/// The `lrmd` executable run as a real daemon, observed through /proc.
final class Daemon: Sendable {
    /// The built `lrmd` next to the test bundle, if it was built.
    static let executable: String? = {
        var parts = (CommandLine.arguments.first ?? "").split(separator: "/").map(String.init)
        while !parts.isEmpty {
            parts.removeLast()
            let candidate = "/" + (parts + ["lrmd"]).joined(separator: "/")
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }()

    let supervisor: ProcessSupervisor
    let handle: ProcessSupervisor.Handle
    let pid: Int32

    init(supervisor: ProcessSupervisor, handle: ProcessSupervisor.Handle, pid: Int32) {
        self.supervisor = supervisor
        self.handle = handle
        self.pid = pid
    }

    static func start(runDirectory: String) async throws -> Daemon {
        let path = try #require(executable)
        let supervisor = try ProcessSupervisor()
        let command = AgentCommand(
            path: path, arguments: [path, "--run-dir", runDirectory, "--log-level", "error"],
            environment: [("OCF_RA_PATH", "\(TestSupport.repository)/agents/ocf"), ("PATH", "/usr/bin:/bin")])
        let handle = supervisor.spawn(command, timeout: .seconds(600))
        for _ in 0..<200 where !TestSupport.fileExists("\(runDirectory)/lrmd.sock") {
            try await Task.sleep(for: .milliseconds(25))
        }
        let candidates = AgentLocator.entries(in: "/proc").compactMap { entry -> Int32? in
            guard let pid = Int32(AgentLocator.lastComponent(entry)), Daemon.parent(of: pid) == getpid(),
                TestSupport.readFile("\(entry)/cmdline")?.contains(runDirectory) == true
            else { return nil }
            return pid
        }
        let pid = try #require(candidates.first)
        return Daemon(supervisor: supervisor, handle: handle, pid: pid)
    }

    /// SIGTERM (graceful shutdown), then collect the process.
    func stop() {
        kill(pid, SIGTERM)
        for _ in 0..<200 where access("/proc/\(pid)/fd", F_OK) == 0 && Daemon.state(of: pid) != "Z" { usleep(10_000) }
        supervisor.kill(handle)
        supervisor.shutdown()
    }

    func descriptorCount() -> Int { AgentLocator.entries(in: "/proc/\(pid)/fd").count }

    func residentKiB() -> Int {
        let fields = (TestSupport.readFile("/proc/\(pid)/statm") ?? "").split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024 : 0
    }

    /// The daemon's child processes, alive or zombie.
    func children() -> [Int32] {
        AgentLocator.entries(in: "/proc").compactMap { entry in
            guard let child = Int32(AgentLocator.lastComponent(entry)), Daemon.parent(of: child) == pid else {
                return nil
            }
            return child
        }
    }

    static func statFields(of pid: Int32) -> [Substring] {
        guard let stat = TestSupport.readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else {
            return []
        }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    static func parent(of pid: Int32) -> Int32? {
        let fields = statFields(of: pid)
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    static func state(of pid: Int32) -> String { statFields(of: pid).first.map(String.init) ?? "" }
}
