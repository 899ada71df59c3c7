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
    @Option var window = GroupMessaging.Configuration().window
    @Option var transport = BenchTransport.ucast
    @Option var links = 1
    @Flag var netns = false

    func run() async throws {
        let loaded = try AuthKeysFile.load(path: keyFile)
        let peers = (1...nodes).filter { $0 != id }.map { NodeID(UInt32($0)) }
        var configuration = NodeConfiguration(
            node: NodeID(UInt32(id)), clusterName: "ha-bench",
            links: try (0..<links).map { try transport.link($0, node: id, nodes: nodes, port: port, netns: netns) },
            keys: loaded.keys, activeKeyNumber: loaded.active, encrypt: !noCrypto, expectedNodes: peers)
        configuration.detector.initdead = .seconds(30)
        configuration.messaging.window = window
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
        let health = statistics.links.enumerated().map { "link\($0.offset)=\($0.element.map(\.description).joined(separator: ","))" }
        print("LINKS id=\(id) \(health.joined(separator: " "))")
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

/// How benchmark nodes reach each other: Heartbeat's three media.
enum BenchTransport: String, ExpressibleByArgument, CaseIterable, Sendable {
    case ucast, mcast, bcast

    /// Link `index` of node `node`: on loopback 127.0.0.<node>; in namespaces 10.<232+index>.0.<node> on eth<index>
    /// (multicast group 239.192.<77+index>.1, broadcast 10.<232+index>.0.255).
    func link(_ index: Int, node: Int, nodes: Int, port: Int, netns: Bool) throws -> LinkConfiguration {
        func address(_ host: Int) -> String { netns ? "10.\(232 + index).0.\(host)" : "127.0.0.\(host)" }
        let bind = try SocketAddress(ipAddress: address(node), port: port)
        let interface = netns ? "eth\(index)" : nil
        switch self {
        case .ucast:
            var peers: [NodeID: SocketAddress] = [:]
            for peer in 1...nodes where peer != node {
                peers[NodeID(UInt32(peer))] = try SocketAddress(ipAddress: address(peer), port: port)
            }
            return LinkConfiguration(bind: bind, kind: .unicast(peers: peers))
        case .mcast:
            let group = try SocketAddress(ipAddress: "239.192.\(77 + index).1", port: port)
            return LinkConfiguration(bind: bind, kind: .multicast(group: group, interface: interface, ttl: 1, loop: false))
        case .bcast:
            let target = netns ? "10.\(232 + index).0.255" : "127.255.255.255"
            return LinkConfiguration(
                bind: bind, kind: .broadcast(address: try SocketAddress(ipAddress: target, port: port), interface: interface))
        }
    }
}
