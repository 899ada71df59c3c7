// ha-messaging-node: one node of `ha-bench messaging` (started by it, or by tests), measuring what a messaging node
// costs: it links only Messaging and NIO (no Foundation, no argument parser), so its RSS is the layer's own.
// Without Membership it installs a fixed view of all configured nodes once it has heard each of them.
import Glibc
import Logging
import Messaging
import NIOCore

/// The command line: `--name value` pairs and two flags (`--no-crypto`, `--netns`); see `ha-bench messaging`.
struct NodeOptions {
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ arguments: [String]) throws(ConfigurationError) {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--") else { throw .invalid("unexpected argument \(name)") }
            if name == "--no-crypto" || name == "--netns" {
                flags.insert(name)
                index += 1
                continue
            }
            guard index + 1 < arguments.count else { throw .invalid("\(name) needs a value") }
            values[name] = arguments[index + 1]
            index += 2
        }
    }

    func integer(_ name: String, default value: Int? = nil) throws(ConfigurationError) -> Int {
        guard let text = values["--\(name)"] else {
            guard let value else { throw .invalid("--\(name) is required") }
            return value
        }
        guard let number = Int(text) else { throw .invalid("--\(name) must be a number, not \(text)") }
        return number
    }
}

/// Link `index` of node `node`: on loopback 127.0.0.<node>; in namespaces 10.<232+index>.0.<node> on eth<index>
/// (multicast group 239.192.<77+index>.1, broadcast 10.<232+index>.0.255).
func link(_ index: Int, transport: String, node: Int, nodes: Int, port: Int, netns: Bool) throws -> LinkConfiguration {
    func address(_ host: Int) -> String { netns ? "10.\(232 + index).0.\(host)" : "127.0.0.\(host)" }
    let bind = try SocketAddress(ipAddress: address(node), port: port)
    let interface = netns ? "eth\(index)" : nil
    switch transport {
    case "ucast":
        var peers: [NodeID: SocketAddress] = [:]
        for peer in 1...nodes where peer != node {
            peers[NodeID(UInt32(peer))] = try SocketAddress(ipAddress: address(peer), port: port)
        }
        return LinkConfiguration(bind: bind, kind: .unicast(peers: peers))
    case "mcast":
        let group = try SocketAddress(ipAddress: "239.192.\(77 + index).1", port: port)
        return LinkConfiguration(bind: bind, kind: .multicast(group: group, interface: interface, ttl: 1, loop: false))
    case "bcast":
        let target = try SocketAddress(ipAddress: netns ? "10.\(232 + index).0.255" : "127.255.255.255", port: port)
        return LinkConfiguration(bind: bind, kind: .broadcast(address: target, interface: interface))
    default:
        throw ConfigurationError.invalid("--transport must be ucast, mcast or bcast, not \(transport)")
    }
}

/// Writes a line to standard error (file descriptor 2).
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// VmRSS and VmHWM of this process, in kB.
func memory() -> (rss: Int, hwm: Int) {
    let descriptor = open("/proc/self/status", O_RDONLY)
    guard descriptor >= 0 else { return (0, 0) }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: 8192)
    let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    let text = String(decoding: bytes[..<max(0, count)], as: UTF8.self)
    func value(_ key: String) -> Int {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }
    return (value("VmRSS:"), value("VmHWM:"))
}

func runNode(_ options: NodeOptions) async throws -> Bool {
    let id = try options.integer("id")
    let nodes = try options.integer("nodes")
    let seconds = try options.integer("seconds", default: 10)
    let latencySeconds = try options.integer("latency-seconds", default: 5)
    let port = try options.integer("port", default: 17_400)
    let netns = options.flags.contains("--netns")
    guard let keyFile = options.values["--key-file"] else { throw ConfigurationError.invalid("--key-file is required") }
    let loaded = try AuthKeysFile.load(path: keyFile)
    let links = try (0..<options.integer("links", default: 1)).map {
        try link($0, transport: options.values["--transport"] ?? "ucast", node: id, nodes: nodes, port: port, netns: netns)
    }
    var configuration = NodeConfiguration(
        node: NodeID(UInt32(id)), clusterName: "ha-bench", links: links, keys: loaded.keys,
        activeKeyNumber: loaded.active, encrypt: !options.flags.contains("--no-crypto"),
        expectedNodes: (1...nodes).filter { $0 != id }.map { NodeID(UInt32($0)) })
    configuration.detector.initdead = .seconds(30)
    configuration.messaging.window = try options.integer("window", default: configuration.messaging.window)
    let driver = BenchDriver(
        local: configuration.node, nodes: nodes, size: try options.integer("size", default: 64), seconds: seconds,
        senders: try options.integer("senders", default: 1), latencySeconds: latencySeconds)
    let node = try await MessagingNode.start(
        configuration: configuration, handlers: driver.handlers, logger: Logger(label: "ha.bench.messaging"))
    driver.attach(node)
    if getenv("HA_BENCH_DEBUG") != nil {
        _ = node.dataLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .milliseconds(500)) { _ in
            node.stateSummary().whenSuccess { printError("node \(id): \($0)") }
        }
    }
    let finished = await driver.waitUntilFinished(limit: .seconds(seconds + 2 * latencySeconds + 45))
    let usage = memory()
    print(driver.report(rssKB: usage.rss, hwmKB: usage.hwm))
    let statistics = try await node.statistics()
    print("DROPS id=\(id) data=\(statistics.dataDrops.total) heartbeat=\(statistics.heartbeatDrops.total)")
    let health = statistics.links.enumerated().map { "link\($0.offset)=\($0.element.map(\.description).joined(separator: ","))" }
    print("LINKS id=\(id) \(health.joined(separator: " "))")
    try await Task.sleep(for: .milliseconds(300))  // let slower peers finish their last retransmissions
    try await node.shutdown()
    return finished
}

do {
    let finished = try await runNode(NodeOptions(Array(CommandLine.arguments.dropFirst())))
    exit(finished ? 0 : 2)
} catch {
    printError("ha-messaging-node: \(error)")
    exit(64)
}
