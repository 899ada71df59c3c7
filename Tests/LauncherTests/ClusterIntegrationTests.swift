import Foundation
import Launcher
import Testing

/// Whole nodes (heartbeat, lrmd, crmd under `ha start`) on loopback with the real OCF agents. Run alone in
/// Scripts/test.sh's second pass; every wait is bounded.
@Suite("whole cluster on loopback", .tags(.integration), .serialized)
struct ClusterIntegrationTests {
    static let group = "<group id=\"g\">\(ClusterFixture.dummy("g-a"))\(ClusterFixture.dummy("g-b"))</group>"

    @Test(.timeLimit(.minutes(2)))
    func killedNodesResourcesRunElsewhereAndNothingRunsTwice() async throws {
        let fixture = try ClusterFixture(nodes: 3)
        do {
            try await fixture.scenario.form()
            try await fixture.scenario.load(cib: fixture.cib(resources: Self.group + ClusterFixture.dummy("solo")))
            let home = try await fixture.scenario.awaitPlacement(of: ["g-a", "g-b"], timeout: .seconds(30))
            #expect(fixture.nodesRunning("g-a") == [home] && fixture.nodesRunning("g-b") == [home], "\(fixture.logs)")
            let timeline = try await fixture.scenario.failover(of: ["g-a", "g-b"], killing: home, timeout: .seconds(30))
            let survivors = fixture.cluster.names.indices.filter { $0 != home }
            let newHome = try #require(fixture.cluster.names.firstIndex(of: timeline.newNode))
            #expect(survivors.contains(newHome))
            // The agents' own state: each resource runs on exactly one live node (the killed node's /run was
            // cleared as a reboot clears it).
            for resource in ["g-a", "g-b", "solo"] {
                let ok = await fixture.wait(.seconds(20)) { fixture.nodesRunning(resource).count == 1 }
                #expect(ok, "\(resource) runs on \(fixture.nodesRunning(resource)); \(fixture.logs)")
            }
            #expect(fixture.nodesRunning("g-a") == [newHome] && fixture.nodesRunning("g-b") == [newHome])
            #expect(fixture.fenced.contains { $0.hasSuffix(" \(fixture.cluster.names[home])") }, "fenced: \(fixture.fenced)")
        } catch {
            Issue.record("\(error); \(fixture.logs)")
        }
        await fixture.tearDown()
    }

    @Test(.timeLimit(.minutes(2)))
    func resourceStoppedBehindTheClustersBackIsRecoveredByItsMonitor() async throws {
        let fixture = try ClusterFixture(nodes: 3)
        do {
            try await fixture.scenario.form()
            try await fixture.scenario.load(cib: fixture.cib(resources: ClusterFixture.dummy("watched", monitor: 1)))
            let home = try await fixture.scenario.awaitPlacement(of: ["watched"], timeout: .seconds(30))
            let state = "\(fixture.cluster.directories(home).run)/resource-agents/Dummy-watched.state"
            #expect(FileManager.default.fileExists(atPath: state))
            try FileManager.default.removeItem(atPath: state)
            let noticed = await fixture.wait(.seconds(20)) {
                fixture.cluster.names.indices.flatMap(fixture.cluster.crmdLog).contains {
                    $0.contains("op=watched_monitor_1000") && $0.contains("rc=7")
                }
            }
            #expect(noticed, "no monitor reported the resource stopped; \(fixture.logs)")
            let recovered = await fixture.wait(.seconds(30)) { fixture.nodesRunning("watched").count == 1 }
            #expect(recovered, "the resource was not started again; \(fixture.logs)")
            _ = try await fixture.scenario.awaitPlacement(of: ["watched"], timeout: .seconds(20))
        } catch {
            Issue.record("\(error); \(fixture.logs)")
        }
        await fixture.tearDown()
    }

    @Test(.timeLimit(.minutes(2)))
    func demoRunsToItsResultLineAndLeavesNothingBehind() async throws {
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: "\(HAStartTests.buildDirectory)/ha")
        demo.arguments = ["demo", "--non-interactive"]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ha-demo-test-\(UUID().uuidString).txt").path
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        demo.standardOutput = handle
        demo.standardError = handle
        try demo.run()
        let deadline = ContinuousClock.now + .seconds(100)
        while demo.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if demo.isRunning { demo.interrupt() }
        demo.waitUntilExit()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(demo.terminationStatus == 0, "\(text)")
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("RESULT failover_ms="), "\(text)")
        for key in ["failover_ms", "detect_ms", "fence_ms", "start_ms"] {
            #expect(last.contains(" \(key)=") || last.hasPrefix("RESULT \(key)="), "\(last)")
        }
        #expect(text.contains("demo-everywhere (the clone) runs on"), "the clone is back on the restarted node")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ha-demo-\(demo.processIdentifier)").path
        #expect(!FileManager.default.fileExists(atPath: directory), "the demo removes its directory")
    }
}
