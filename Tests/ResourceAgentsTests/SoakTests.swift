import Glibc
import Testing

@testable import ResourceAgents

/// 200 resources with 1 s monitors for a minute (LRM_SOAK_SECONDS overrides the length): no leaked file
/// descriptors or processes, bounded memory, and every monitor re-armed within one interval of schedule.
@Suite(.tags(.integration, .soak), .serialized)
struct SoakTests {
    static let resources = 200
    static let interval = Duration.seconds(1)
    static var seconds: Int64 {
        getenv("LRM_SOAK_SECONDS").flatMap { Int64(String(cString: $0)) } ?? 60
    }

    @Test(.timeLimit(.minutes(3)))
    func twoHundredOneSecondMonitorsForAMinute() async throws {
        // Warm up first: NIO's event loops and the test runner open descriptors once, on first use.
        try await withLRMD { socket, _ in
            let client = try await LRMDClient.connect(socketPath: socket)
            _ = try await client.names(.listStandards)
            await client.close()
        }
        let descriptorsBefore = openDescriptorCount()
        let report = try await withLRMD { socket, directory in
            try await Self.soak(socket: socket, directory: directory)
        }
        try await Task.sleep(for: .milliseconds(300))
        let children = childProcesses()
        #expect(
            children.isEmpty,
            "agent processes left behind: \(children.map { TestSupport.readFile("/proc/\($0)/stat") ?? "" })")
        if openDescriptorCount() > descriptorsBefore + 2 {
            print(
                AgentLocator.entries(in: "/proc/self/fd").map { path -> String in
                    var buffer = [CChar](repeating: 0, count: 256)
                    _ = readlink(path, &buffer, 255)
                    return
                        "\(path) -> \(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
                })
        }
        #expect(openDescriptorCount() <= descriptorsBefore + 2, "file descriptors leaked")
        #expect(report.worstLateness < Self.interval, "monitor drifted by \(report.worstLateness)")
        #expect(report.fewestRuns >= Int(Self.seconds) * 8 / 10, "a resource ran only \(report.fewestRuns) monitors")
        #expect(report.failures == 0)
        #expect(report.memoryGrowthKiB < 32 * 1024, "resident memory grew \(report.memoryGrowthKiB) KiB")
    }

    struct Report: Sendable {
        var worstLateness: Duration = .zero
        var fewestRuns = Int.max
        var failures = 0
        var memoryGrowthKiB = 0
    }

    static func soak(socket: String, directory: String) async throws -> Report {
        let client = try await LRMDClient.connect(socketPath: socket)
        try await client.subscribe()
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
            if baselineKiB == 0 && elapsed >= .seconds(min(10, seconds / 3)) { baselineKiB = residentKiB() }
            guard result.key.isRecurring else { continue }
            let id = result.key.resource
            if result.exitCode != .success || result.status != .done { report.failures += 1 }
            if let previous = lastEnd[id] {
                report.worstLateness = max(report.worstLateness, result.startedAt - previous - interval)
            }
            lastEnd[id] = result.startedAt + result.executionTime
            runs[id, default: 0] += 1
        }
        report.memoryGrowthKiB = residentKiB() - baselineKiB
        report.fewestRuns = (0..<resources).map { runs["soak\($0)"] ?? 0 }.min() ?? 0
        for index in 0..<resources {
            _ = try await client.executeAndWait(
                OperationRequest(key: OperationKey(resource: "soak\(index)", action: "stop")))
            try await client.unregister("soak\(index)")
        }
        await client.close()
        return report
    }
}

func openDescriptorCount() -> Int { AgentLocator.entries(in: "/proc/self/fd").count }

func residentKiB() -> Int {
    let fields = (TestSupport.readFile("/proc/self/statm") ?? "").split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024 : 0
}

/// Processes whose parent is this test process.
func childProcesses() -> [Int32] {
    let me = getpid()
    return AgentLocator.entries(in: "/proc").compactMap { path -> Int32? in
        guard let pid = Int32(AgentLocator.lastComponent(path)), let stat = TestSupport.readFile("\(path)/stat"),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && Int32(fields[1]) == me ? pid : nil
    }
}
