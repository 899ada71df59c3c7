import Foundation
import Launcher
import Logging
import Testing

/// Fake daemons for the launcher: shell scripts that log `start NAME` and `stop NAME` to one file, write their
/// pid, and exit on SIGTERM (or ignore it).
final class FakeNode {
    let directory: String
    var log: String { directory + "/events.log" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ha-launcher-\(UUID().uuidString)").path
        for sub in ["bin", "config", "run", "state"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: "\(directory)/config/ha.cf", contents: Data())
        for name in ["heartbeat", "lrmd", "crmd"] { try writeDaemon(name, ignoresTERM: false) }
    }

    func writeDaemon(_ name: String, ignoresTERM: Bool) throws {
        let trap = ignoresTERM ? "trap '' TERM" : "trap 'echo stop \(name) >> \(log); exit 0' TERM"
        let script = """
            #!/bin/sh
            \(trap)
            echo $$ > \(directory)/\(name).pid
            echo start \(name) >> \(log)
            while :; do sleep 0.02; done

            """
        let path = "\(directory)/bin/\(name)"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    var commands: [NodeSupervisor.Daemon: DaemonCommand] {
        Dictionary(uniqueKeysWithValues: NodeSupervisor.Daemon.allCases.map { ($0, DaemonCommand(path: "\(directory)/bin/\($0)", arguments: [])) })
    }

    var events: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func pid(_ name: String) -> Int32? {
        Int32(((try? String(contentsOfFile: "\(directory)/\(name).pid", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Polls `condition` every 10 ms for at most `seconds`.
    func wait(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite("NodeLauncher with real processes", .serialized)
struct NodeLauncherTests {
    static let logger = Logger(label: "ha.launcher.test") { _ in SwiftLogNoOpLogHandler() }

    @Test func crashedDaemonIsRestartedAndStopGoesInReverseOrder() async throws {
        let node = try FakeNode()
        let launcher = NodeLauncher(
            commands: node.commands, environment: ProcessInfo.processInfo.environment,
            settings: .init(restartDelay: .milliseconds(50)), logger: Self.logger)
        async let status = launcher.run()
        // A failed expectation below must not leave `run()` waiting forever: the scope's exit awaits it.
        defer { launcher.requestStop() }
        // Without readiness sockets the fakes start back to back, so their lines may come in any order.
        #expect(await node.wait(seconds: 30) { Set(node.events) == ["start heartbeat", "start lrmd", "start crmd"] }, "\(node.events)")
        let first = try #require(launcher.runningPIDs[.lrmd])
        kill(first, SIGKILL)
        let restarted = await node.wait(seconds: 30) {
            node.events.filter { $0 == "start crmd" }.count == 2 && launcher.runningPIDs[.lrmd] != nil
                && launcher.runningPIDs[.lrmd] != first && launcher.runningPIDs[.crmd] != nil
        }
        #expect(restarted, "events: \(node.events)")
        #expect(node.events.contains("stop crmd"), "crmd is restarted with lrmd")
        #expect(node.events.filter { $0 == "start heartbeat" }.count == 1, "heartbeat is left alone")
        let running = Array(launcher.runningPIDs.values)
        launcher.requestStop()
        #expect(await status == 0)
        #expect(Array(node.events.suffix(3)) == ["stop crmd", "stop lrmd", "stop heartbeat"])
        #expect(running.allSatisfy { !FakeNode.isAlive($0) })
    }

    @Test func daemonIgnoringSIGTERMIsKilledAfterTheTimeout() async throws {
        let node = try FakeNode()
        try node.writeDaemon("crmd", ignoresTERM: true)
        let launcher = NodeLauncher(
            commands: node.commands, environment: ProcessInfo.processInfo.environment,
            settings: .init(stopTimeout: .milliseconds(300)), logger: Self.logger)
        async let status = launcher.run()
        defer { launcher.requestStop() }
        #expect(await node.wait(seconds: 30) { node.events.count == 3 })
        let crmd = try #require(node.pid("crmd"))
        let started = Date()
        launcher.requestStop()
        #expect(await status == 0)
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(!FakeNode.isAlive(crmd))
        #expect(Array(node.events.suffix(2)) == ["stop lrmd", "stop heartbeat"])
    }
}
