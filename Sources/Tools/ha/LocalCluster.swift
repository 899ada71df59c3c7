import Foundation
import Membership
import Messaging

/// N heartbeat daemons on loopback (127.0.0.1 … 127.0.0.N), each a child process with its own configuration,
/// run and state directories under one base directory. Used by `ha demo` and the benchmark.
final class LocalCluster {
    struct Node {
        let name: String
        let directories: HADirectories
        var process: Process?
    }

    let base: String
    let port: Int
    let heartbeatPath: String
    private(set) var nodes: [Node] = []

    /// Writes the configuration of `count` nodes under `base`.
    init(count: Int, base: String, port: Int, heartbeatPath: String, extraDirectives: String = "") throws {
        self.base = base
        self.port = port
        self.heartbeatPath = heartbeatPath
        let secret = try AuthKeysFile.generateSecret()
        let nodeLines = (1...count).map { "node node\($0) id=\($0) addr=127.0.0.\($0)" }.joined(separator: "\n")
        for index in 1...count {
            let root = "\(base)/node\(index)"
            let directories = HADirectories(config: "\(root)/config", run: "\(root)/run", state: "\(root)/state")
            for directory in [directories.config, directories.run, directories.state] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let haCF = """
                # written by ha demo
                cluster demo
                udpport \(port)
                \(nodeLines)
                nodename node\(index)
                \(extraDirectives)

                """
            try haCF.write(toFile: directories.haCF, atomically: true, encoding: .utf8)
            try "auth 1\n1 hmac-sha256 \(secret)\n".write(toFile: directories.authkeys, atomically: true, encoding: .utf8)
            chmod(directories.authkeys, 0o600)
            nodes.append(Node(name: "node\(index)", directories: directories))
        }
    }

    /// Starts node `index` (0-based); its output goes to `heartbeat.log` in its run directory.
    func start(_ index: Int) throws {
        let node = nodes[index]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: heartbeatPath)
        process.arguments = [
            "--config", node.directories.config, "--run-dir", node.directories.run, "--state-dir",
            node.directories.state, "--log-level",
            ProcessInfo.processInfo.environment["HA_DEMO_LOG_LEVEL"] ?? "notice",
        ]
        let logPath = node.directories.run + "/heartbeat.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        nodes[index].process = process
    }

    /// Kills node `index` with SIGKILL (no graceful leave) and reaps it.
    func kill(_ index: Int) {
        guard let process = nodes[index].process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        nodes[index].process = nil
    }

    /// Stops every running node with SIGTERM (graceful leave), then SIGKILL after two seconds.
    func stopAll() {
        for node in nodes { if let process = node.process, process.isRunning { process.terminate() } }
        let deadline = Date().addingTimeInterval(2)
        for index in nodes.indices {
            guard let process = nodes[index].process else { continue }
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            nodes[index].process = nil
        }
    }

    /// The status of node `index`, or `nil` if its daemon does not answer.
    func status(_ index: Int) async -> DaemonStatus? {
        try? await HeartbeatClient.status(socketPath: nodes[index].directories.heartbeatSocket)
    }

    /// Polls until every node in `indices` holds the same view with exactly `indices` as members, or the
    /// timeout passes. Returns that view.
    func waitForAgreement(on indices: [Int], timeout: Duration) async -> MembershipView? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let expected = indices.map { NodeID(UInt32($0 + 1)) }
        while clock.now < deadline {
            var views: [MembershipView] = []
            for index in indices {
                guard let view = await status(index)?.view else { break }
                views.append(view)
            }
            if views.count == indices.count, let first = views.first, views.allSatisfy({ $0 == first }),
                first.members.map(\.node) == expected
            {
                return first
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}
