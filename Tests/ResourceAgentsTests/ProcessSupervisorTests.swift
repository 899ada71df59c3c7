import Glibc
import Testing

@testable import ResourceAgents

@Suite(.tags(.integration), .serialized)
struct ProcessSupervisorTests {
    func shell(_ script: String, timeout: Duration = .seconds(10), environment: [(String, String)] = []) async
        -> AgentRun
    {
        let supervisor = try! ProcessSupervisor(maximumOutputBytes: 64 * 1024)
        defer { supervisor.shutdown() }
        let command = AgentCommand(path: "/bin/sh", arguments: ["sh", "-c", script], environment: environment)
        return await supervisor.run(command, timeout: timeout)
    }

    @Test func exitStatusAndOutputAreCaptured() async {
        let run = await shell("echo out; echo err >&2; exit 7")
        #expect(run.termination == .exited(7))
        #expect(run.standardOutput == "out\n")
        #expect(run.standardError == "err\n")
        #expect(!run.isTruncated)
    }

    @Test func environmentIsOnlyWhatWasGiven() async {
        let run = await shell("env | sort", environment: [("A", "1"), ("B", "two words")])
        #expect(run.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("PWD=") } == ["A=1", "B=two words"])
    }

    @Test func childLeadsItsOwnProcessGroupWithOnlyStandardDescriptors() async throws {
        let group = await shell("echo $$; ps -o pgid= -p $$")
        let numbers = group.standardOutput.split(whereSeparator: { $0 == "\n" || $0 == " " })
        #expect(numbers.count == 2 && numbers[0] == numbers[1])
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let list = AgentCommand(path: "/bin/ls", arguments: ["ls", "/proc/self/fd"], environment: [])
        let descriptors = await supervisor.run(list, timeout: .seconds(5)).standardOutput.split(separator: "\n")
        #expect(descriptors == ["0", "1", "2", "3"])  // 3 is ls's own directory handle
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {

        let start = ContinuousClock.now
        let run = await shell("sleep 30 & sleep 31 & echo $$; sleep 32", timeout: .milliseconds(300))
        #expect(run.termination == .timedOut(after: .milliseconds(300)))
        #expect(ContinuousClock.now - start < .seconds(3))
        let group = try #require(Int32(run.standardOutput.split(separator: "\n").first ?? ""))
        try await Task.sleep(for: .milliseconds(100))
        #expect(livingProcesses(inGroup: group).isEmpty)
    }

    @Test func megabytesOfOutputAreBounded() async {
        let run = await shell("head -c 8000000 /dev/zero | tr '\\0' x; echo 'ocf-exit-reason:tail reason' >&2")
        #expect(run.termination == .exited(0))
        #expect(run.isTruncated)
        #expect(run.standardOutput.utf8.count < 64 * 1024 + 5000)
        #expect(AgentOutcome.exitReason(in: run.standardError) == "tail reason")
    }

    @Test func missingProgramIsNotFound() async {
        let supervisor = try! ProcessSupervisor()
        defer { supervisor.shutdown() }
        let command = AgentCommand(path: "/nonexistent/agent", arguments: ["agent", "start"], environment: [])
        #expect(await supervisor.run(command, timeout: .seconds(5)).termination == .notFound)
    }

    @Test func killEndsTheRunAsKilled() async throws {
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let command = AgentCommand(path: "/bin/sh", arguments: ["sh", "-c", "sleep 20"], environment: [])
        let handle = supervisor.spawn(command, timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        supervisor.kill(handle)
        let run = await supervisor.wait(handle)
        #expect(run.termination == .killed)
        #expect(supervisor.activeCount == 0)
    }

    @Test func standardInputIsDelivered() async throws {
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let command = AgentCommand(
            path: "/bin/cat", arguments: ["cat"], environment: [], standardInput: "action=list\nport=n1\n")
        #expect(await supervisor.run(command, timeout: .seconds(5)).standardOutput == "action=list\nport=n1\n")
    }

    @Test func exitsAreFoundWithoutPidfdsToo() async throws {
        let supervisor = try ProcessSupervisor(maximumOutputBytes: 4096, usesPidfd: false)
        defer { supervisor.shutdown() }
        let quick = AgentCommand(path: "/bin/sh", arguments: ["sh", "-c", "echo hi; exit 3"], environment: [])
        let run = await supervisor.run(quick, timeout: .seconds(5))
        #expect(run.termination == .exited(3))
        #expect(run.standardOutput == "hi\n")
        let slow = AgentCommand(path: "/bin/sh", arguments: ["sh", "-c", "sleep 20"], environment: [])
        #expect(
            await supervisor.run(slow, timeout: .milliseconds(200)).termination == .timedOut(after: .milliseconds(200)))
    }
}

/// Pids of processes in a group that are alive (not zombies), read from /proc.
func livingProcesses(inGroup group: Int32) -> [Int32] {
    AgentLocator.entries(in: "/proc").compactMap { path -> Int32? in
        guard let pid = Int32(AgentLocator.lastComponent(path)), let stat = TestSupport.readFile("\(path)/stat"),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, fields[0] != "Z", Int32(fields[3]) == group else { return nil }
        return pid
    }
}
