import ArgumentParser
import Foundation
import Logging
import Messaging
import NIOCore
import Synchronization

/// `ha-bench messaging-node`: one benchmark node (started by `ha-bench messaging`, or by tests).
/// Without Membership it installs a fixed view of all configured nodes once it has heard each of them.
struct MessagingBenchNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messaging-node", abstract: "One node of `ha-bench messaging` (internal).",
        shouldDisplay: false)

    @Option var id: Int
    @Option var nodes: Int
    @Option var size = 64
    @Option var seconds = 10
    @Option var senders = 1
    @Option var latencySeconds = 5
    @Option var port = 17_400
    @Option var keyFile: String
    @Flag var noCrypto = false

    func run() async throws {
        let loaded = try AuthKeysFile.load(path: keyFile)
        var links: [NodeID: SocketAddress] = [:]
        for peer in 1...nodes where peer != id {
            links[NodeID(UInt32(peer))] = try SocketAddress(ipAddress: "127.0.0.\(peer)", port: port)
        }
        var configuration = NodeConfiguration(
            node: NodeID(UInt32(id)), clusterName: "ha-bench",
            links: [LinkConfiguration(bind: try SocketAddress(ipAddress: "127.0.0.\(id)", port: port),
                kind: .unicast(peers: links))],
            keys: loaded.keys, activeKeyNumber: loaded.active, encrypt: !noCrypto,
            expectedNodes: links.keys.sorted())
        configuration.detector.initdead = .seconds(30)
        let driver = BenchDriver(
            local: configuration.node, nodes: nodes, size: size, seconds: seconds, senders: senders,
            latencySeconds: latencySeconds)
        let node = try await MessagingNode.start(
            configuration: configuration, handlers: driver.handlers, logger: Logger(label: "ha.bench.messaging"))
        driver.attach(node)
        if ProcessInfo.processInfo.environment["HA_BENCH_DEBUG"] != nil {
            _ = node.dataLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .milliseconds(500)) { _ in
                node.stateSummary().whenSuccess { FileHandle.standardError.write(Data("node \(self.id): \($0)\n".utf8)) }
            }
        }
        let limit = Duration.seconds(seconds + 2 * latencySeconds + 45)
        let finished = await driver.waitUntilFinished(limit: limit)
        let memory = Self.memory()
        print(driver.report(rssKB: memory.rss, hwmKB: memory.hwm))
        let statistics = try await node.statistics()
        print("DROPS id=\(id) data=\(statistics.dataDrops.total) heartbeat=\(statistics.heartbeatDrops.total)")
        try await Task.sleep(for: .milliseconds(300))  // let slower peers finish their last retransmissions
        try await node.shutdown()
        if !finished { throw ExitCode(2) }
    }

    static func memory() -> (rss: Int, hwm: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }
}
