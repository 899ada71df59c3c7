import CRM
import Foundation

/// Three (or more) real nodes on loopback, each with its own heartbeat, lrmd and crmd processes and its own
/// config, run and state directories under a temporary base. Stops what it started (by pid) and removes its
/// files. The `membership` helper's failure tests build on it.
final class ControllerCluster: @unchecked Sendable {
    // @unchecked: used by one test at a time; `processes` is only touched by that test's task.
    let base: String
    let count: Int
    private var processes: [String: Process] = [:]

    /// The repository's own agents (`agents/ocf`, `agents/fence`).
    static let agents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("agents").path

    init(nodes count: Int = 3) throws {
        self.count = count
        base = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-test-\(UUID().uuidString)").path
        let port = Int.random(in: 20000...40000)
        let secret = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let nodeLines = (1...count).map { "node node\($0) id=\($0) addr=127.0.0.\($0)" }
        for index in 1...count {
            for directory in ["config", "run", "state"] {
                try FileManager.default.createDirectory(
                    atPath: "\(base)/node\(index)/\(directory)", withIntermediateDirectories: true)
            }
            let haCF = (["cluster test", "udpport \(port)", "nodename node\(index)"] + nodeLines).joined(separator: "\n")
            try haCF.write(toFile: config(index) + "/ha.cf", atomically: true, encoding: .utf8)
            try "auth 1\n1 hmac-sha256 \(secret)\n".write(
                toFile: config(index) + "/authkeys", atomically: true, encoding: .utf8)
            chmod(config(index) + "/authkeys", 0o600)
        }
    }

    deinit {
        stopAll()
        try? FileManager.default.removeItem(atPath: base)
    }

    func config(_ node: Int) -> String { "\(base)/node\(node)/config" }
    func run(_ node: Int) -> String { "\(base)/node\(node)/run" }
    func state(_ node: Int) -> String { "\(base)/node\(node)/state" }

    /// Starts heartbeat, lrmd and crmd of one node (1-based), output appended to `<run>/<daemon>.out`.
    func start(_ node: Int) throws {
        let directories = ["--run-dir", run(node)]
        try launch("heartbeat", node, ["--config", config(node), "--state-dir", state(node), "--log-level", "notice"] + directories)
        try launch(
            "lrmd", node, directories + ["--log-level", "notice"],
            environment: ["OCF_RA_PATH": Self.agents + "/ocf", "HA_FENCE_AGENT_PATH": Self.agents + "/fence"])
        try launch("crmd", node, ["--config", config(node), "--state-dir", state(node)] + directories)
    }

    func startAll() throws { for node in 1...count { try start(node) } }

    private func launch(_ daemon: String, _ node: Int, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = ToolProcess.buildDirectory.appendingPathComponent(daemon)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let log = "\(run(node))/\(daemon).out"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes["\(daemon)@\(node)"] = process
    }

    /// Starts only the crmd of a node again (after `killDaemon`).
    func restartCRMD(_ node: Int) throws {
        try launch("crmd", node, ["--config", config(node), "--state-dir", state(node), "--run-dir", run(node)])
    }

    /// SIGKILL of one daemon of a node.
    func killDaemon(_ daemon: String, _ node: Int) {
        guard let process = processes.removeValue(forKey: "\(daemon)@\(node)") else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGKILL of every daemon of a node, crmd first.
    func kill(_ node: Int) {
        for daemon in ["crmd", "lrmd", "heartbeat"] {
            guard let process = processes.removeValue(forKey: "\(daemon)@\(node)") else { continue }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// SIGTERM to one daemon of a node; returns its exit status, nil if it did not exit within `timeout`.
    func terminate(_ daemon: String, _ node: Int, timeout: Duration) -> Int32? {
        guard let process = processes["\(daemon)@\(node)"] else { return nil }
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        processes["\(daemon)@\(node)"] = nil
        return process.terminationStatus
    }

    func stopAll() {
        for key in processes.keys.sorted() where key.hasPrefix("crmd@") { processes[key]?.terminate() }
        for (_, process) in processes where process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(5)
        for (_, process) in processes {
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        processes.removeAll()
    }

    /// The environment that points tools at a node's crmd.
    func environment(_ node: Int) -> [String: String] { ["HA_RUN_DIR": run(node)] }

    /// A node's crmd's answer to `.ping`, nil when it does not answer.
    func ping(_ node: Int) -> (dc: String?, isQuorate: Bool)? {
        guard let client = try? CRMDClient(path: run(node) + "/crmd.sock", timeout: .seconds(2)),
            case .pong(_, let dc, let isQuorate, _) = try? client.request(.ping)
        else { return nil }
        return (dc, isQuorate)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    func wait(for timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// Nodes whose Dummy state file for `resource` exists (the agent's own record that it runs there).
    func nodesRunningDummy(_ resource: String) -> [Int] {
        (1...count).filter { FileManager.default.fileExists(atPath: "\(run($0))/resource-agents/Dummy-\(resource).state") }
    }

    /// The last lines of every node's crmd output, for failure messages.
    var logs: String {
        (1...count).map { node in
            let text = (try? String(contentsOfFile: "\(run(node))/crmd.out", encoding: .utf8)) ?? ""
            return "== node\(node)\n" + text.split(separator: "\n").suffix(25).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
