import Glibc
import Testing

@testable import ResourceAgents

/// Runs real agents (Debian's resource-agents and Pacemaker's, plus ours) through AgentRunner.
@Suite(.tags(.integration), .serialized)
final class RealAgentTests {
    let supervisor: ProcessSupervisor
    let runner: AgentRunner
    let directory: String

    init() throws {
        supervisor = try ProcessSupervisor()
        directory = TestSupport.temporaryDirectory("lrm-agents")
        // A stub crm_attribute records what Stateful publishes, instead of a failing CIB connection.
        TestSupport.writeFile("\(directory)/crm_attribute", "#!/bin/sh\necho \"$*\" >> \(directory)/scores\n")
        runner = AgentRunner(
            locator: TestSupport.locator,
            settings: AgentEnvironmentSettings(
                resourceTemporaryDirectory: directory, extra: ["HA_SBIN_DIR": directory]),
            supervisor: supervisor)
    }

    deinit {
        supervisor.shutdown()
        TestSupport.removeTree(directory)
    }

    func run(
        _ agent: String, _ action: String, _ parameters: [String: String] = [:], timeout: Duration = .seconds(20)
    ) async throws -> AgentActionResult {
        let invocation = AgentInvocation(
            resource: "r1", agent: try AgentIdentifier(parsing: agent), action: action, parameters: parameters,
            timeout: timeout)
        return await runner.run(invocation)
    }

    func expectSequence(_ agent: String, _ steps: [(String, OCFExitCode)], _ parameters: [String: String]) async throws
    {
        for (action, expected) in steps {
            let result = try await run(agent, action, parameters)
            #expect(result.exitCode == expected, "\(agent) \(action): \(result.exitReason) \(result.run.standardError)")
            #expect(result.status == .done)
        }
    }

    static let statelessLifecycle: [(String, OCFExitCode)] = [
        ("meta-data", .success), ("validate-all", .success), ("monitor", .notRunning), ("start", .success),
        ("monitor", .success), ("start", .success), ("stop", .success), ("monitor", .notRunning), ("stop", .success),
        ("bogus", .unimplemented),
    ]

    static let promotableLifecycle: [(String, OCFExitCode)] = [
        ("meta-data", .success), ("validate-all", .success), ("monitor", .notRunning), ("demote", .notRunning),
        ("promote", .notRunning), ("start", .success), ("monitor", .success), ("promote", .success),
        ("monitor", .runningPromoted), ("stop", .runningPromoted), ("demote", .success), ("monitor", .success),
        ("notify", .success), ("stop", .success), ("monitor", .notRunning),
    ]

    @Test(.enabled(if: TestSupport.isResourceAgentsInstalled))
    func heartbeatDummyLifecycle() async throws {
        try await expectSequence("ocf:heartbeat:Dummy", Self.statelessLifecycle, ["state": "\(directory)/hb.state"])
    }

    @Test(.enabled(if: TestSupport.isPacemakerAgentsInstalled))
    func pacemakerDummyLifecycle() async throws {
        try await expectSequence("ocf:pacemaker:Dummy", Self.statelessLifecycle, ["state": "\(directory)/pm.state"])
    }

    @Test(.enabled(if: TestSupport.isPacemakerAgentsInstalled))
    func pacemakerStatefulLifecycle() async throws {
        try await expectSequence(
            "ocf:pacemaker:Stateful", Self.promotableLifecycle, ["state": "\(directory)/pms.state"])
    }

    @Test func ourDummyLifecycle() async throws {
        try await expectSequence("ocf:linux-ha:Dummy", Self.statelessLifecycle, ["state": "\(directory)/d.state"])
    }

    @Test func ourStatefulLifecyclePublishesPromotionScores() async throws {
        try await expectSequence("ocf:linux-ha:Stateful", Self.promotableLifecycle, ["state": "\(directory)/s.state"])
        let scores = TestSupport.readFile("\(directory)/scores") ?? ""
        #expect(scores.contains("--promotion -l reboot -v 5"))
        #expect(scores.contains("--promotion -l reboot -v 10"))
        #expect(scores.contains("--promotion -l reboot -D"))
    }

    @Test func missingAgentIsNotInstalled() async throws {
        for agent in ["ocf:heartbeat:NoSuchAgent", "ocf:nosuchprovider:Dummy", "lsb:no-such-script"] {
            let result = try await run(agent, "start")
            #expect(result.exitCode == .notInstalled)
            #expect(result.status == .notInstalled)
        }
    }

    @Test(.enabled(if: TestSupport.isPacemakerAgentsInstalled))
    func badParametersAreInvalidConfiguration() async throws {
        let result = try await run("ocf:pacemaker:Dummy", "validate-all", ["op_sleep": "abc"])
        #expect(result.exitCode == .notConfigured)
        let ours = try await run("ocf:linux-ha:Dummy", "start", ["op_sleep": "abc", "state": "\(directory)/x"])
        #expect(ours.exitCode == .notConfigured)
        #expect(ours.exitReason.contains("op_sleep"))
        let unwritable = try await run("ocf:linux-ha:Dummy", "start", ["state": "/proc/no/such/dir/state"])
        #expect(unwritable.exitCode == .invalidArguments)
    }

    @Test(.enabled(if: TestSupport.isPacemakerAgentsInstalled))
    func hangingAgentTimesOutWithItsWholeGroupKilled() async throws {
        let start = ContinuousClock.now
        let result = try await run(
            "ocf:pacemaker:Dummy", "start", ["op_sleep": "43", "state": "\(directory)/slow"],
            timeout: .milliseconds(500))
        #expect(result.exitCode == .genericError)
        #expect(result.status == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(5))
        try await Task.sleep(for: .milliseconds(100))
        #expect(sleepingChildren(matching: "43").isEmpty)
    }

    @Test func agentPrintingMegabytesIsBounded() async throws {
        let provider = "\(directory)/ocf/test"
        RunDirectory.create(provider)
        TestSupport.writeFile(
            "\(provider)/Chatty",
            "#!/bin/sh\nhead -c 20000000 /dev/zero | tr '\\\\0' a\necho 'ocf-exit-reason:said too much' >&2\nexit 1\n")
        let locator = AgentLocator(ocfRoot: "/usr/lib/ocf", ocfDirectories: ["\(directory)/ocf"])
        let chatty = AgentRunner(locator: locator, supervisor: supervisor)
        let invocation = AgentInvocation(
            resource: "c", agent: try AgentIdentifier(parsing: "ocf:test:Chatty"), action: "monitor")
        let result = await chatty.run(invocation)
        #expect(result.exitCode == .genericError)
        #expect(result.status == .done)
        #expect(result.exitReason == "said too much")
        #expect(result.run.isTruncated)
        #expect(result.run.standardOutput.utf8.count <= supervisor.maximumOutputBytes + 8192)
    }

    @Test func fenceAgentRecordsWhatItFenced() async throws {
        let record = "\(directory)/fenced.log"
        let parameters = ["record_file": record, "hosts": "n1,n2", "port": "n2"]
        #expect(try await run("stonith:fence_ha_test", "start", parameters).exitCode == .success)
        #expect(try await run("stonith:fence_ha_test", "list", parameters).run.standardOutput == "n1\nn2\n")
        #expect(try await run("stonith:fence_ha_test", "off", parameters).exitCode == .success)
        #expect(try await run("stonith:fence_ha_test", "status", parameters).exitCode == .invalidArguments)  // 2 = off
        #expect(try await run("stonith:fence_ha_test", "reboot", parameters).exitCode == .success)
        #expect(try await run("stonith:fence_ha_test", "stop", parameters).exitCode == .success)
        #expect(TestSupport.readFile(record) == "off n2\nreboot n2\n")
        let metadata = try await run("stonith:fence_ha_test", "meta-data")
        #expect(try AgentMetadata(parsing: metadata.run.standardOutput).supports("reboot"))
    }

    @Test(.enabled(if: access("/usr/sbin/ocf-tester", X_OK) == 0), arguments: ["Dummy", "Stateful"])
    func ourAgentsPassOCFTester(agent: String) async throws {
        let tester = AgentCommand(
            path: "/usr/sbin/ocf-tester",
            arguments: [
                "ocf-tester", "-n", "t1", "-o", "state=\(directory)/tester-\(agent)",
                "\(TestSupport.repository)/agents/ocf/linux-ha/\(agent)",
            ],
            environment: [("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), ("OCF_ROOT", "/usr/lib/ocf")])
        let run = await supervisor.run(tester, timeout: .seconds(60))
        #expect(run.termination == .exited(0), "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("passed all tests"))
    }
}

/// `sleep` processes still alive whose command line argument is `seconds` (left over from a killed agent).
func sleepingChildren(matching seconds: String) -> [String] {
    AgentLocator.entries(in: "/proc").compactMap { path -> String? in
        guard Int32(AgentLocator.lastComponent(path)) != nil,
            let command = TestSupport.readFile("\(path)/cmdline"), command == "sleep\0\(seconds)\0",
            let stat = TestSupport.readFile("\(path)/stat"), !stat.contains(") Z ")
        else { return nil }
        return path
    }
}
