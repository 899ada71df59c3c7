import Foundation
import Messaging
import Testing

/// `ha start` as a process: a copy of the built `ha` beside the real heartbeat and lrmd and a fake crmd, so it
/// finds them "next to itself".
@Suite("ha start as a process", .serialized)
struct HAStartTests {
    /// The directory holding our built executables.
    static let buildDirectory: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ha").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path
    }()

    /// A copy of `ha` with the real heartbeat and lrmd beside it (symbolic links) and the fake crmd; a
    /// one-node ha.cf on 127.0.0.1 and a random port. Its log goes to `launcher.log`.
    static func start(_ node: FakeNode, realDaemons: Bool = true) throws -> Process {
        let bin = "\(node.directory)/bin"
        try FileManager.default.copyItem(atPath: "\(buildDirectory)/ha", toPath: "\(bin)/ha")
        if realDaemons {
            for daemon in ["heartbeat", "lrmd"] {
                try FileManager.default.removeItem(atPath: "\(bin)/\(daemon)")
                try FileManager.default.createSymbolicLink(atPath: "\(bin)/\(daemon)", withDestinationPath: "\(buildDirectory)/\(daemon)")
            }
            let haCF = "cluster launcher\nudpport \(Int.random(in: 20000...40000))\nnode n1 id=1 addr=127.0.0.1\nnodename n1\n"
            try haCF.write(toFile: "\(node.directory)/config/ha.cf", atomically: true, encoding: .utf8)
            try "auth 1\n1 hmac-sha256 \(try AuthKeysFile.generateSecret())\n".write(
                toFile: "\(node.directory)/config/authkeys", atomically: true, encoding: .utf8)
            chmod("\(node.directory)/config/authkeys", 0o600)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/ha")
        process.arguments = [
            "start", "--config", "\(node.directory)/config", "--run-dir", "\(node.directory)/run", "--state-dir",
            "\(node.directory)/state", "--log-level", "info",
        ]
        _ = FileManager.default.createFile(atPath: "\(node.directory)/launcher.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(node.directory)/launcher.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    /// The pids of the real heartbeat and lrmd (from their pid file and socket owner) and the fake crmd.
    static func daemonPIDs(_ node: FakeNode) -> [Int32] {
        let log = (try? String(contentsOfFile: "\(node.directory)/launcher.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("daemon started") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst(4)) }
        }
    }

    static func stoppedOrder(_ node: FakeNode) -> [String] {
        let log = (try? String(contentsOfFile: "\(node.directory)/launcher.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("daemon stopped") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("daemon=") }.map { String($0.dropFirst(7)) }
        }
    }

    @Test func sigtermStopsTheDaemonsInOrderAndExitsZero() async throws {
        let node = try FakeNode()
        let process = try Self.start(node)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(await node.wait(seconds: 20) { node.events == ["start crmd"] }, "events: \(node.events)")
        let pids = Self.daemonPIDs(node)
        #expect(pids.count == 3)
        process.terminate()
        #expect(await node.wait(seconds: 10) { !process.isRunning })
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(node.events == ["start crmd", "stop crmd"])
        #expect(Self.stoppedOrder(node) == ["crmd", "lrmd", "heartbeat"])
        #expect(pids.count == 3 && pids.allSatisfy { !FakeNode.isAlive($0) })
    }

    @Test func killingHAStartWithSIGKILLLeavesNoOrphans() async throws {
        let node = try FakeNode()
        let process = try Self.start(node)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(await node.wait(seconds: 20) { node.events == ["start crmd"] }, "events: \(node.events)")
        let pids = Self.daemonPIDs(node)
        try #require(pids.count == 3)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // The kernel kills each daemon (setpriv --pdeathsig KILL); its parent is gone, init reaps it.
        #expect(await node.wait(seconds: 5) { pids.allSatisfy { !FakeNode.isAlive($0) } })
    }

    @Test func missingConfigurationExitsSix() throws {
        let node = try FakeNode()
        try FileManager.default.removeItem(atPath: "\(node.directory)/config/ha.cf")
        let process = try Self.start(node, realDaemons: false)
        process.waitUntilExit()
        #expect(process.terminationStatus == 6)
        #expect(node.events.isEmpty)
    }
}
