import ArgumentParser
import Foundation
import Membership

/// A local cluster for the membership benchmark, on loopback or in network namespaces, with the three
/// disturbances it times: kill -9, restart, partition and heal of the last node.
final class BenchCluster {
    let cluster: LocalCluster
    let count: Int
    private let namespaces: BenchNamespaces?
    private let base: String

    init(count: Int, heartbeat: String, netns: Bool) throws {
        self.count = count
        base = FileManager.default.temporaryDirectory.appendingPathComponent("ha-bench-\(getpid())-\(count)").path
        let namespaces = netns ? try BenchNamespaces(count: count) : nil
        self.namespaces = namespaces
        cluster = try LocalCluster(
            count: count, base: base, port: Int.random(in: 20000...40000), heartbeatPath: heartbeat,
            addresses: namespaces.map { n in (1...count).map(n.address) },
            namespaces: namespaces.map { n in (1...count).map(n.node) })
        cluster.logLevel = ProcessInfo.processInfo.environment["HA_BENCH_LOG_LEVEL"] ?? "notice"
        for index in 0..<count { try cluster.start(index) }
    }

    var all: [Int] { Array(0..<count) }
    var survivors: [Int] { Array(0..<(count - 1)) }

    @discardableResult
    func formed() async throws -> MembershipView {
        guard let view = await cluster.waitForAgreement(on: all, timeout: .seconds(30)) else {
            throw ValidationError("the cluster of \(count) did not form; logs under \(base)")
        }
        return view
    }

    /// kill -9 of the last node; milliseconds until every survivor holds the same view without it.
    func killLast() async throws -> Int {
        let start = ContinuousClock.now
        cluster.kill(count - 1)
        guard await cluster.waitForAgreement(on: survivors, timeout: .seconds(20)) != nil else {
            throw ValidationError("survivors did not agree after the kill; logs under \(base)")
        }
        return milliseconds(since: start)
    }

    /// Restart of the last node; milliseconds until all nodes agree (process start-up included).
    func restartLast() async throws -> Int {
        let start = ContinuousClock.now
        try cluster.start(count - 1)
        guard await cluster.waitForAgreement(on: all, timeout: .seconds(20)) != nil else {
            throw ValidationError("the restarted node did not rejoin; logs under \(base)")
        }
        return milliseconds(since: start)
    }

    /// Cuts the last node off (link down in its namespace, else SIGSTOP) until the survivors exclude it, then
    /// heals; milliseconds from the heal until all nodes agree on one view.
    func partitionAndHealLast() async throws -> Int {
        let last = count - 1
        if let namespaces { try namespaces.setConnected(last + 1, false) } else { cluster.setPaused(last, true) }
        guard await cluster.waitForAgreement(on: survivors, timeout: .seconds(20)) != nil else {
            throw ValidationError("survivors did not exclude the isolated node; logs under \(base)")
        }
        if namespaces != nil {
            // Let the isolated node form its own view, as a real partition does.
            _ = await cluster.waitForAgreement(on: [last], timeout: .seconds(5))
        }
        let start = ContinuousClock.now
        if let namespaces { try namespaces.setConnected(last + 1, true) } else { cluster.setPaused(last, false) }
        guard await cluster.waitForAgreement(on: all, timeout: .seconds(20)) != nil else {
            throw ValidationError("no merge after the heal; logs under \(base)")
        }
        return milliseconds(since: start)
    }

    func tearDown() {
        for index in all { cluster.setPaused(index, false) }
        cluster.stopAll()
        namespaces?.tearDown()
        if ProcessInfo.processInfo.environment["HA_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: base) }
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Network namespaces for the benchmark: one per node on a bridge in its own namespace. Removed by `tearDown`.
final class BenchNamespaces {
    let prefix = "hbb\(Int.random(in: 1000...9999))"
    let count: Int

    init(count: Int) throws {
        self.count = count
        do {
            try ip(["netns", "add", bridge])
            try ip(["netns", "exec", bridge, "ip", "link", "add", "br0", "type", "bridge"])
            try ip(["netns", "exec", bridge, "ip", "link", "set", "br0", "up"])
            for index in 1...count {
                try ip(["netns", "add", node(index)])
                try ip(["link", "add", port(index), "netns", bridge, "type", "veth", "peer", "name", "eth0", "netns", node(index)])
                try ip(["netns", "exec", bridge, "ip", "link", "set", port(index), "master", "br0", "up"])
                try ip(["netns", "exec", node(index), "ip", "addr", "add", "\(address(index))/24", "dev", "eth0"])
                try ip(["netns", "exec", node(index), "ip", "link", "set", "eth0", "up"])
                try ip(["netns", "exec", node(index), "ip", "link", "set", "lo", "up"])
            }
        } catch {
            tearDown()
            throw error
        }
    }

    var bridge: String { "\(prefix)b" }
    func node(_ index: Int) -> String { "\(prefix)n\(index)" }
    func port(_ index: Int) -> String { "\(prefix)v\(index)" }
    func address(_ index: Int) -> String { "10.232.0.\(index)" }

    func setConnected(_ index: Int, _ connected: Bool) throws {
        try ip(["netns", "exec", bridge, "ip", "link", "set", port(index), connected ? "up" : "down"])
    }

    func tearDown() {
        for index in 1...count { try? ip(["netns", "del", node(index)]) }
        try? ip(["netns", "del", bridge])
    }

    private func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("ip \(arguments.joined(separator: " ")) failed (root and iproute2 needed for --netns)")
        }
    }
}
