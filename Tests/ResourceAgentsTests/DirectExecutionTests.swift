import Testing

@testable import ResourceAgents

@Suite(.tags(.integration), .serialized)
final class DirectExecutionTests {
    let supervisor: ProcessSupervisor
    let runner: AgentRunner
    let directory: String

    init() throws {
        supervisor = try ProcessSupervisor()
        directory = TestSupport.temporaryDirectory("lrm-force")
        runner = AgentRunner(
            locator: TestSupport.locator, settings: AgentEnvironmentSettings(resourceTemporaryDirectory: directory),
            supervisor: supervisor)
    }

    deinit {
        supervisor.shutdown()
        TestSupport.removeTree(directory)
    }

    @Test func forcedActionsFollowTheAgent() async throws {
        let agent = try AgentIdentifier(parsing: "ocf:linux-ha:Stateful")
        let parameters = ["state": "\(directory)/s1"]
        var codes: [OCFExitCode] = []
        for action in [ForcedAction.check, .start, .check, .promote, .check, .demote, .stop, .check] {
            let result = try await DirectExecution.run(
                resource: "s1", agent: agent, parameters: parameters, meta: ["target-role": "Started"], action: action,
                runner: runner)
            codes.append(result.exitCode)
        }
        #expect(
            codes == [.notRunning, .success, .success, .success, .runningPromoted, .success, .success, .notRunning])
    }

    @Test func validateReportsInvalidConfiguration() async throws {
        let agent = try AgentIdentifier(parsing: "ocf:linux-ha:Dummy")
        let result = try await DirectExecution.run(
            resource: "d1", agent: agent, parameters: ["op_sleep": "abc"], action: .validate, runner: runner)
        #expect(result.exitCode == .notConfigured)
        let line = DirectExecution.summary(resource: "d1", agent: agent, action: .validate, result: result)
        #expect(line.hasPrefix("Operation validate for d1 (ocf:linux-ha:Dummy) returned 6 (not configured)"))
    }

    @Test func timeoutKillsTheAgentGroupAndIsAnError() async throws {
        let agent = try AgentIdentifier(parsing: "ocf:linux-ha:Dummy")
        let result = try await DirectExecution.run(
            resource: "slow", agent: agent, parameters: ["op_sleep": "41", "state": "\(directory)/slow"],
            action: .start, timeout: .milliseconds(300), runner: runner)
        #expect(result.status == .timedOut)
        #expect(result.exitCode == .genericError)
        try await Task.sleep(for: .milliseconds(100))
        #expect(sleepingChildren(matching: "41").isEmpty)
    }

    @Test func fenceDevicesAreRefused() async throws {
        let agent = try AgentIdentifier(parsing: "stonith:fence_ha_test")
        await #expect(throws: DirectExecutionError.fenceDevice("f1")) {
            try await DirectExecution.run(
                resource: "f1", agent: agent, parameters: [:], action: .start, runner: self.runner)
        }
    }
}

@Suite(.tags(.integration))
struct BlockingExecutionTests {
    @Test func blockingRunGivesTheAgentsAnswer() throws {
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let directory = TestSupport.temporaryDirectory("lrm-block")
        defer { TestSupport.removeTree(directory) }
        let runner = AgentRunner(locator: TestSupport.locator, supervisor: supervisor)
        let agent = try AgentIdentifier(parsing: "ocf:linux-ha:Dummy")
        let check = try DirectExecution.runBlocking(
            resource: "b1", agent: agent, parameters: ["state": "\(directory)/b1"], action: .check, runner: runner)
        #expect(check.exitCode == .notRunning)
        let start = try DirectExecution.runBlocking(
            resource: "b1", agent: agent, parameters: ["state": "\(directory)/b1"], action: .start, runner: runner)
        #expect(start.exitCode == .success)
        #expect(TestSupport.fileExists("\(directory)/b1"))
    }
}
