import Foundation
import Launcher
import Testing

/// Network namespaces this suite creates and removes: one per node, and one holding the bridge between them.
final class NodeNamespaces {
    let prefix = "hal\(Int.random(in: 1000...9999))"
    let count: Int

    /// Whether namespaces can be made here (root and `ip netns`).
    static var isAvailable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") && (try? ip(["netns", "list"])) != nil
    }

    init(count: Int) throws {
        self.count = count
        do {
            try Self.ip(["netns", "add", bridge])
            try Self.ip(["netns", "exec", bridge, "ip", "link", "add", "br0", "type", "bridge"])
            try Self.ip(["netns", "exec", bridge, "ip", "link", "set", "br0", "up"])
            for index in 1...count {
                try Self.ip(["netns", "add", node(index)])
                try Self.ip(["link", "add", port(index), "netns", bridge, "type", "veth", "peer", "name", "eth0", "netns", node(index)])
                try Self.ip(["netns", "exec", bridge, "ip", "link", "set", port(index), "master", "br0", "up"])
                try Self.ip(["netns", "exec", node(index), "ip", "addr", "add", "\(address(index))/24", "dev", "eth0"])
                try Self.ip(["netns", "exec", node(index), "ip", "link", "set", "eth0", "up"])
                try Self.ip(["netns", "exec", node(index), "ip", "link", "set", "lo", "up"])
            }
        } catch {
            tearDown()
            throw error
        }
    }

    var bridge: String { "\(prefix)b" }
    func node(_ index: Int) -> String { "\(prefix)n\(index)" }
    func port(_ index: Int) -> String { "\(prefix)v\(index)" }
    func address(_ index: Int) -> String { "10.231.78.\(index)" }

    /// Cuts node `index` (1-based) off the bridge in both directions, or reconnects it.
    func setConnected(_ index: Int, _ connected: Bool) throws {
        try Self.ip(["netns", "exec", bridge, "ip", "link", "set", port(index), connected ? "up" : "down"])
    }

    func tearDown() {
        for index in 1...count { _ = try? Self.ip(["netns", "del", node(index)]) }
        _ = try? Self.ip(["netns", "del", bridge])
    }

    @discardableResult
    static func ip(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ScenarioError("ip \(arguments.joined(separator: " ")): \(output)") }
        return output
    }
}

/// A 2+1 partition of whole nodes in network namespaces: the minority loses quorum and stops its resources
/// (no-quorum-policy=stop); the majority fences it and runs them.
@Suite("whole cluster partitioned in network namespaces", .tags(.integration), .serialized)
struct ClusterPartitionTests {
    @Test(.enabled(if: NodeNamespaces.isAvailable, "skipped: needs root and `ip netns`"), .timeLimit(.minutes(2)))
    func minorityStopsItsResourcesMajorityRunsThem() async throws {
        let network = try NodeNamespaces(count: 3)
        defer { network.tearDown() }
        let fixture = try ClusterFixture(
            nodes: 3, addresses: (1...3).map(network.address), namespaces: (1...3).map(network.node))
        do {
            try await fixture.scenario.form()
            // "far" prefers node3, the node the partition isolates.
            let prefer = "<rsc_location id=\"far-on-node3\" rsc=\"far\" node=\"node3\" score=\"100\"/>"
            try await fixture.scenario.load(
                cib: fixture.cib(resources: ClusterFixture.dummy("far") + ClusterFixture.dummy("near"), constraints: prefer))
            #expect(try await fixture.scenario.awaitPlacement(of: ["far"], timeout: .seconds(30)) == 2)
            try network.setConnected(3, false)
            let stopped = await fixture.wait(.seconds(30)) { !fixture.nodesRunning("far").contains(2) }
            #expect(stopped, "the minority node kept running its resource; \(fixture.logs)")
            let moved = await fixture.wait(.seconds(30)) {
                let nodes = fixture.nodesRunning("far")
                return nodes.count == 1 && nodes[0] != 2
            }
            #expect(moved, "the majority did not take the resource over: \(fixture.nodesRunning("far")); \(fixture.logs)")
            #expect(fixture.fenced.contains { $0.hasSuffix(" node3") }, "fenced: \(fixture.fenced)")
            #expect(fixture.nodesRunning("near").count == 1)
        } catch {
            Issue.record("\(error); \(fixture.logs)")
        }
        await fixture.tearDown()
    }
}
