import Foundation
import Glibc
import Membership
import Messaging
import Synchronization

/// N whole nodes on this machine, each an `ha start` (heartbeat, lrmd, crmd) with its own configuration,
/// run and state directories under `base/node<i>`, on 127.0.0.i or at given addresses in network namespaces.
/// Used by `ha demo`, `ha-bench failover` and the cluster tests. Sendable: pids sit behind a lock, so a
/// signal handler may call `killAll()` while a task drives the rest.
public final class NodeCluster: Sendable {
    /// Where the pieces are.
    public struct Layout: Sendable {
        /// The `ha` executable.
        public var ha: String
        /// The directory holding the tools (`cibadmin`, …).
        public var tools: String
        /// OCF agent directories (`OCF_RA_PATH`), colon-separated.
        public var ocfPath: String
        /// Fence agent directories (`HA_FENCE_AGENT_PATH`), colon-separated.
        public var fencePath: String

        /// A layout.
        public init(ha: String, tools: String, ocfPath: String, fencePath: String) {
            self.ha = ha
            self.tools = tools
            self.ocfPath = ocfPath
            self.fencePath = fencePath
        }
    }

    /// The directory holding every node's files.
    public let base: String
    /// The UDP port.
    public let port: Int
    /// The nodes' names: `node1` … `nodeN`.
    public let names: [String]
    /// Where the executables and agents are.
    public let layout: Layout
    /// The daemons' log level.
    public let logLevel: String
    private let namespaces: [String]?
    private let spawner = SpawnThread()
    private let pids = Mutex<[Int: Int32]>([:])

    /// Writes the configuration of `count` nodes under `base`; node i gets `addresses[i]` (default 127.0.0.i+1)
    /// and runs in network namespace `namespaces[i]` if given.
    public init(
        count: Int, base: String, port: Int, layout: Layout, logLevel: String = "notice",
        extraDirectives: String = "", addresses: [String]? = nil, namespaces: [String]? = nil
    ) throws {
        self.base = base
        self.port = port
        self.layout = layout
        self.logLevel = logLevel
        self.namespaces = namespaces
        names = (1...count).map { "node\($0)" }
        let secret = try AuthKeysFile.generateSecret()
        let nodeLines = (1...count).map { "node node\($0) id=\($0) addr=\(addresses?[$0 - 1] ?? "127.0.0.\($0)")" }
        for index in 0..<count {
            let directories = directories(index)
            for directory in [directories.config, directories.run, directories.state] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let haCF = (["# written for a local cluster", "cluster demo", "udpport \(port)"] + nodeLines)
                .joined(separator: "\n") + "\nnodename node\(index + 1)\n\(extraDirectives)\n"
            try haCF.write(toFile: directories.haCF, atomically: true, encoding: .utf8)
            try "auth 1\n1 hmac-sha256 \(secret)\n".write(toFile: directories.authkeys, atomically: true, encoding: .utf8)
            chmod(directories.authkeys, 0o600)
        }
    }

    /// Node `index`'s directories (0-based).
    public func directories(_ index: Int) -> HADirectories {
        let root = "\(base)/node\(index + 1)"
        return HADirectories(config: "\(root)/config", run: "\(root)/run", state: "\(root)/state", environment: [:])
    }

    /// The environment of node `index`'s processes: ours, its directories, the agent paths.
    public func environment(_ index: Int) -> [String: String] {
        let directories = directories(index)
        var environment = ProcessInfo.processInfo.environment
        environment["HA_CONFIG_DIR"] = directories.config
        environment["HA_RUN_DIR"] = directories.run
        environment["HA_STATE_DIR"] = directories.state
        environment["OCF_RA_PATH"] = layout.ocfPath
        environment["HA_FENCE_AGENT_PATH"] = layout.fencePath
        for key in ["CIB_file", "CIB_shadow", "CIB_shadow_dir"] { environment[key] = nil }
        return environment
    }

    /// `base/node<i>/ha.log`: what node `index`'s `ha start` and daemons print.
    public func logPath(_ index: Int) -> String { "\(base)/node\(index + 1)/ha.log" }

    /// Starts node `index`'s `ha start`.
    public func start(_ index: Int) throws {
        let directories = directories(index)
        try directories.createRuntimeDirectories()
        var arguments = [
            "start", "--config", directories.config, "--run-dir", directories.run, "--state-dir", directories.state,
            "--log-level", logLevel, "--stop-timeout", "10",
        ]
        var path = layout.ha
        if let namespace = namespaces?[index] {
            arguments = ["netns", "exec", namespace, path] + arguments
            path = "/usr/sbin/ip"
        }
        let command = DaemonCommand(path: path, arguments: arguments)
        let pid = try spawner.spawn(command, environment: environment(index), output: logPath(index)).get()
        pids.withLock { $0[index] = pid }
    }

    /// Whether node `index`'s `ha start` runs.
    public func isRunning(_ index: Int) -> Bool { pids.withLock { $0[index] } != nil }

    /// The pid of node `index`'s `ha start`.
    public func pid(_ index: Int) -> Int32? { pids.withLock { $0[index] } }

    /// kill -9 of node `index`'s `ha start`; its daemons die with it (parent-death signal). Reaps it.
    public func kill(_ index: Int) {
        guard let pid = pids.withLock({ $0.removeValue(forKey: index) }) else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// SIGTERM to node `index` (an orderly stop of its daemons); SIGKILL after `timeout`. Reaps it.
    public func stop(_ index: Int, timeout: Duration = .seconds(15)) async {
        guard let pid = pid(index) else { return }
        Glibc.kill(pid, SIGTERM)
        await awaitExit(index, pid: pid, timeout: timeout)
    }

    /// Reaps node `index`'s `ha start` once it has exited; SIGKILL after `timeout`.
    private func awaitExit(_ index: Int, pid: Int32, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if DaemonProcess.reap(pid).exited {
                pids.withLock { $0[index] = nil }
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(index)
    }

    /// Stops every node at once (SIGTERM, then SIGKILL after `timeout`), then ends the spawn thread.
    public func stopAll(timeout: Duration = .seconds(15)) async {
        let running = pids.withLock { $0 }
        for pid in running.values { Glibc.kill(pid, SIGTERM) }
        await withTaskGroup(of: Void.self) { group in
            for (index, pid) in running { group.addTask { await self.awaitExit(index, pid: pid, timeout: timeout) } }
        }
        spawner.finish()
    }

    /// SIGKILL to every node, from any thread (a signal handler's cleanup). Does not reap.
    public func killAll() {
        for pid in pids.withLock({ $0.values }) { Glibc.kill(pid, SIGKILL) }
    }

    /// Empties node `index`'s run directory, as a reboot clears /run (the Dummy agents' state files live
    /// there). Only for a node that is down.
    public func clearRuntime(_ index: Int) {
        let run = directories(index).run
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(run)/\(entry)")
        }
    }

    /// The lines of node `index`'s crmd log.
    public func crmdLog(_ index: Int) -> [String] {
        let text = (try? String(contentsOfFile: directories(index).run + "/crmd.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Polls until every node in `indices` holds the same membership view with exactly `indices` as
    /// members, or `timeout` passes.
    public func waitForMembership(on indices: [Int], timeout: Duration) async -> MembershipView? {
        let deadline = ContinuousClock.now + timeout
        let expected = indices.map { NodeID(UInt32($0 + 1)) }
        while ContinuousClock.now < deadline {
            var views: [MembershipView] = []
            for index in indices {
                guard let status = try? await HeartbeatClient.status(socketPath: directories(index).heartbeatSocket),
                    let view = status.view
                else { break }
                views.append(view)
            }
            if views.count == indices.count, let first = views.first, views.allSatisfy({ $0 == first }),
                first.members.map(\.node) == expected
            {
                return first
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
