import Foundation
import Membership
import Messaging
import Testing

/// Network namespaces this test creates and removes: one per node plus one holding the bridge.
final class NamespaceNetwork {
    let prefix: String
    let count: Int
    private(set) var isUp = false

    /// Whether namespaces can be made here (root and `ip netns`).
    static var isAvailable: Bool {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else { return false }
        return (try? ip(["netns", "list"])) != nil
    }

    init(count: Int) throws {
        prefix = "hbm\(Int.random(in: 1000...9999))"
        self.count = count
        do {
            try Self.ip(["netns", "add", bridge])
            try Self.ip(["netns", "exec", bridge, "ip", "link", "add", "br0", "type", "bridge"])
            try Self.ip(["netns", "exec", bridge, "ip", "link", "set", "br0", "up"])
            for index in 1...count {
                try Self.ip(["netns", "add", node(index)])
                try Self.ip([
                    "link", "add", port(index), "netns", bridge, "type", "veth", "peer", "name", "eth0", "netns", node(index),
                ])
                try Self.ip(["netns", "exec", bridge, "ip", "link", "set", port(index), "master", "br0", "up"])
                try Self.ip(["netns", "exec", node(index), "ip", "addr", "add", "\(address(index))/24", "brd", "+", "dev", "eth0"])
                try Self.ip(["netns", "exec", node(index), "ip", "link", "set", "eth0", "up"])
                try Self.ip(["netns", "exec", node(index), "ip", "link", "set", "lo", "up"])
            }
            isUp = true
        } catch {
            tearDown()
            throw error
        }
    }

    var bridge: String { "\(prefix)b" }
    func node(_ index: Int) -> String { "\(prefix)n\(index)" }
    func port(_ index: Int) -> String { "\(prefix)v\(index)" }
    func address(_ index: Int) -> String { "10.231.77.\(index)" }

    /// Cuts node `index` off the bridge (both directions), or reconnects it.
    func setConnected(_ index: Int, _ connected: Bool) throws {
        try Self.ip(["netns", "exec", bridge, "ip", "link", "set", port(index), connected ? "up" : "down"])
    }

    func tearDown() {
        for index in 1...count { _ = try? Self.ip(["netns", "del", node(index)]) }
        _ = try? Self.ip(["netns", "del", bridge])
        isUp = false
    }

    deinit { if isUp { tearDown() } }

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
        guard process.terminationStatus == 0 else {
            throw NamespaceError(message: "ip \(arguments.joined(separator: " ")): \(output)")
        }
        return output
    }

    struct NamespaceError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

@Suite("heartbeat daemons in network namespaces", .tags(.integration), .serialized)
struct PartitionIntegrationTests {
    @Test(.enabled(if: NamespaceNetwork.isAvailable, "skipped: needs root and `ip netns`"))
    func majorityKeepsQuorumMinorityLosesItHealMergesIntoOneView() async throws {
        let network = try NamespaceNetwork(count: 3)
        defer { network.tearDown() }
        let cluster = try TestCluster(
            addresses: (1...3).map(network.address), namespaces: (1...3).map(network.node))
        defer { cluster.stopAll() }
        try cluster.startAll()
        try #require(
            await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(30)) != nil,
            "\(cluster.logs)")

        try network.setConnected(3, false)
        let majority = await cluster.waitForViews(at: [0, 1], members: [0, 1], timeout: .seconds(5))
        let minority = await cluster.waitForViews(at: [2], members: [2], timeout: .seconds(5))
        try #require(majority != nil && minority != nil, "\(cluster.logs)")
        #expect(majority!.allSatisfy { $0.quorum.isQuorate }, "the majority keeps quorum")
        #expect(!minority![0].quorum.isQuorate, "the minority loses it")

        try network.setConnected(3, true)
        let healedAt = ContinuousClock.now
        let merged = await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(10))
        let elapsed = ContinuousClock.now - healedAt
        try #require(merged != nil, "no merge after the heal\n\(cluster.logs)")
        #expect(Set(merged!).count == 1, "the heal gives one view")
        #expect(merged![0].quorum.isQuorate)
        #expect(elapsed < .seconds(3), "merge took \(elapsed)")
    }
}
