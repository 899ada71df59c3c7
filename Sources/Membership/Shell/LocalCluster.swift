import Foundation
import Messaging

/// N heartbeat daemons as child processes, each with its own configuration, run and state directories under
/// one base directory: on loopback (127.0.0.1 … 127.0.0.N) or at given addresses inside network namespaces.
/// Used by `ha demo` and `ha-bench membership`. Not thread-safe: one task drives it.
public final class LocalCluster {
    /// One node.
    public struct Node {
        /// `node<i>`.
        public let name: String
        /// Its directories.
        public let directories: HADirectories
        /// Its daemon, while running.
        public var process: Process?
        /// The network namespace it runs in, if any.
        public let namespace: String?
    }

    /// The directory holding every node's files.
    public let base: String
    /// The UDP port.
    public let port: Int
    /// The `heartbeat` executable.
    public let heartbeatPath: String
    /// The nodes, in id order.
    public private(set) var nodes: [Node] = []
    /// The log level passed to each daemon.
    public var logLevel = "notice"

    /// Writes the configuration of `count` nodes under `base`; node i gets `addresses[i]` (default 127.0.0.i+1)
    /// and runs in `namespaces[i]` if given.
    public init(
        count: Int, base: String, port: Int, heartbeatPath: String, extraDirectives: String = "",
        addresses: [String]? = nil, namespaces: [String]? = nil
    ) throws {
        self.base = base
        self.port = port
        self.heartbeatPath = heartbeatPath
        let secret = try AuthKeysFile.generateSecret()
        let nodeLines = (1...count).map { "node node\($0) id=\($0) addr=\(addresses?[$0 - 1] ?? "127.0.0.\($0)")" }
            .joined(separator: "\n")
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
            nodes.append(Node(name: "node\(index)", directories: directories, process: nil, namespace: namespaces?[index - 1]))
        }
    }

    /// Starts node `index` (0-based); its output goes to `heartbeat.log` in its run directory.
    public func start(_ index: Int) throws {
        let node = nodes[index]
        let process = Process()
        let arguments = [
            "--config", node.directories.config, "--run-dir", node.directories.run, "--state-dir",
            node.directories.state, "--log-level", logLevel,
        ]
        if let namespace = node.namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", namespace, heartbeatPath] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: heartbeatPath)
            process.arguments = arguments
        }
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
    public func kill(_ index: Int) {
        guard let process = nodes[index].process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        nodes[index].process = nil
    }

    /// The client socket paths of the nodes, to hand to concurrent tasks.
    public struct Sockets: Sendable {
        /// One path per node, in id order.
        public let paths: [String]
    }

    /// The client socket paths.
    public var sockets: Sockets { Sockets(paths: nodes.map(\.directories.heartbeatSocket)) }

    /// Suspends (SIGSTOP) or resumes (SIGCONT) node `index`: a frozen process, as under a long stall.
    public func setPaused(_ index: Int, _ paused: Bool) {
        guard let process = nodes[index].process else { return }
        Foundation.kill(process.processIdentifier, paused ? SIGSTOP : SIGCONT)
    }

    /// The pid of node `index`'s daemon.
    public func pid(_ index: Int) -> Int32? { nodes[index].process?.processIdentifier }

    /// Stops every running node with SIGTERM (graceful leave), then SIGKILL after two seconds.
    public func stopAll() {
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
    public func status(_ index: Int) async -> DaemonStatus? {
        try? await HeartbeatClient.status(socketPath: nodes[index].directories.heartbeatSocket)
    }

    /// Polls until every node in `indices` holds the same view with exactly `indices` as members, or the
    /// timeout passes. Returns that view.
    public func waitForAgreement(on indices: [Int], timeout: Duration) async -> MembershipView? {
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
