import Foundation
import Membership
import Messaging

/// Real heartbeat daemons as child processes, each with its own directories under a temporary base,
/// optionally inside network namespaces. Stops what it started (by pid) and removes its files.
final class TestCluster: @unchecked Sendable {
    // @unchecked: used from one test at a time; `processes` is only touched by that test's task.
    let base: String
    let port: Int
    let names: [String]
    let namespaces: [String]?
    private var processes: [Int: Process] = [:]

    /// The directory holding this test run's executables (the test bundle's own directory).
    static var binaries: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// `media` writes medium lines for the chosen UDP port; with it, node lines carry no `addr=` (the daemons
    /// bind the wildcard address, as mcast and bcast need).
    init(
        addresses: [String], namespaces: [String]? = nil, extraDirectives: String = "",
        media: ((_ port: Int) -> String)? = nil
    ) throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("hb-test-\(UUID().uuidString)").path
        let chosenPort = Int.random(in: 20000...40000)
        port = chosenPort
        names = addresses.indices.map { "node\($0 + 1)" }
        self.namespaces = namespaces
        let nodeLines = addresses.enumerated().map {
            "node node\($0.offset + 1) id=\($0.offset + 1)" + (media == nil ? " addr=\($0.element)" : "")
        }
        let mediumLines = media.map { [$0(chosenPort)] } ?? []
        let secret = try AuthKeysFile.generateSecret()
        for index in addresses.indices {
            let directories = self.directories(index)
            for directory in [directories.config, directories.run, directories.state] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let text = (["cluster test", "udpport \(port)", "nodename node\(index + 1)"] + nodeLines + mediumLines + [extraDirectives])
                .joined(separator: "\n")
            try text.write(toFile: directories.haCF, atomically: true, encoding: .utf8)
            try "auth 1\n1 hmac-sha256 \(secret)\n".write(toFile: directories.authkeys, atomically: true, encoding: .utf8)
            chmod(directories.authkeys, 0o600)
        }
    }

    deinit {
        stopAll()
        try? FileManager.default.removeItem(atPath: base)
    }

    func directories(_ index: Int) -> HADirectories {
        let root = "\(base)/node\(index + 1)"
        return HADirectories(config: "\(root)/config", run: "\(root)/run", state: "\(root)/state", environment: [:])
    }

    func start(_ index: Int) throws {
        let directories = directories(index)
        let heartbeat = Self.binaries + "/heartbeat"
        let arguments = [
            "--config", directories.config, "--run-dir", directories.run, "--state-dir", directories.state,
            "--log-level", "notice",
        ]
        let process = Process()
        if let namespaces {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", namespaces[index], heartbeat] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: heartbeat)
            process.arguments = arguments
        }
        let log = directories.run + "/heartbeat.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[index] = process
    }

    func startAll() throws { for index in names.indices { try start(index) } }

    /// SIGKILL, as `kill -9`.
    func kill(_ index: Int) {
        guard let process = processes.removeValue(forKey: index) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stopAll() {
        for (_, process) in processes where process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(3)
        for (_, process) in processes {
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        processes.removeAll()
    }

    func status(_ index: Int) async -> DaemonStatus? {
        try? await HeartbeatClient.status(socketPath: directories(index).heartbeatSocket)
    }

    /// Waits until each node in `indices` holds a view whose members are exactly `members`; returns the views.
    func waitForViews(at indices: [Int], members: [Int], timeout: Duration) async -> [MembershipView]? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let expected = members.map { NodeID(UInt32($0 + 1)) }
        while clock.now < deadline {
            var views: [MembershipView] = []
            for index in indices {
                if let view = await status(index)?.view, view.members.map(\.node) == expected { views.append(view) }
            }
            if views.count == indices.count { return views }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Runs a tool from the build directory and returns its exit status and standard output.
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaries + "/" + tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The last lines of every node's log, for failure messages.
    var logs: String {
        names.indices.map { index in
            let text = (try? String(contentsOfFile: directories(index).run + "/heartbeat.log", encoding: .utf8)) ?? ""
            return "== node\(index + 1)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
