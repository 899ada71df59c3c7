import CRM
import Foundation
import Glibc
import XML

/// A step of a cluster scenario did not happen in time; the message names it and where the logs are.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let message: String
    /// The message.
    public var description: String { message }
    /// An error.
    public init(_ message: String) { self.message = message }
}

/// The steps `ha demo`, `ha-bench failover` and the cluster tests share, on a `NodeCluster`: form the
/// cluster, load a configuration, find where a group runs, kill that node and time the failover.
public struct ClusterScenario: Sendable {
    /// The cluster.
    public let cluster: NodeCluster

    /// A scenario on `cluster`.
    public init(cluster: NodeCluster) { self.cluster = cluster }

    /// The nodes whose `ha start` runs.
    public var running: [Int] { cluster.names.indices.filter(cluster.isRunning) }

    /// Starts every node and waits until they share one membership view and a DC answers `cibadmin -Q`.
    public func form(timeout: Duration = .seconds(60)) async throws {
        for index in cluster.names.indices { try cluster.start(index) }
        try await awaitFormed(running, timeout: timeout)
    }

    /// Waits until `indices` share one membership view and node `indices[0]`'s CIB names a DC.
    public func awaitFormed(_ indices: [Int], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        guard await cluster.waitForMembership(on: indices, timeout: timeout) != nil else {
            throw ScenarioError("the nodes did not agree on a membership view; logs in \(cluster.base)/node*/ha.log")
        }
        let remaining = deadline - ContinuousClock.now
        let elected = await cluster.waitForCIB(on: indices[0], timeout: max(remaining, .seconds(5))) { cib in
            cib.root[attribute: "dc-uuid"] != nil
        }
        guard elected.met else {
            throw ScenarioError("no DC was elected; logs in \(cluster.base)/node*/ha.log and node*/run/crmd.log")
        }
    }

    /// Replaces the configuration section with `configuration` (a whole CIB document's text; its
    /// `<configuration>` is taken) through `cibadmin --replace` on the first running node.
    public func load(cib text: String) async throws {
        let document = try XMLDocument.parse(text)
        guard let configuration = document.root.firstChild(named: "configuration") else {
            throw ScenarioError("the CIB to load has no <configuration>")
        }
        let path = "\(cluster.base)/configuration.xml"
        try configuration.serialized().write(toFile: path, atomically: true, encoding: .utf8)
        guard let node = running.first else { throw ScenarioError("no node runs") }
        var answer = ToolOutput(status: -1, output: "", errors: "")
        // An update in flight when the view changes ends with exit 124 (CRM_EX_TIMEOUT, "the cluster
        // changed"); a freshly formed cluster may still merge a late view, so try again a few times.
        for attempt in 1...5 {
            answer = await cluster.tool(
                "cibadmin", ["--replace", "-o", "configuration", "--xml-file", path], on: node, timeout: .seconds(20))
            guard answer.status == 124, attempt < 5 else { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        guard answer.status == 0 else {
            throw ScenarioError("cibadmin --replace failed (exit \(answer.status)): \(answer.errors)\(answer.output)")
        }
    }

    /// Waits until every one of `resources` runs on one node (other than `excluding`) according to a running
    /// node's CIB; returns that node's index.
    public func awaitPlacement(
        of resources: [String], excluding: Int? = nil, timeout: Duration
    ) async throws -> Int {
        guard let observer = running.first(where: { $0 != excluding }) else { throw ScenarioError("no node runs") }
        var found: String?
        let outcome = await cluster.waitForCIB(on: observer, timeout: timeout) { cib in
            found = ResourceStatusIndex(cib).commonNode(of: resources)
            return found.map { $0 != excluding.map { cluster.names[$0] } } ?? false
        }
        guard outcome.met, let found, let index = cluster.names.firstIndex(of: found) else {
            let summary = outcome.cib.map { Self.summary(ResourceStatusIndex($0), resources) } ?? "no CIB"
            throw ScenarioError(
                "\(resources.joined(separator: ", ")) did not come up on one node within \(timeout) (\(summary));"
                    + " logs in \(cluster.base)/node*/run/crmd.log")
        }
        return index
    }

    /// kill -9 of node `victim` (its `ha start`, hence its daemons), its /run cleared as a reboot would; waits
    /// until `resources` run on one other node and reads the phases from the survivors' crmd logs.
    public func failover(of resources: [String], killing victim: Int, timeout: Duration = .seconds(30)) async throws
        -> FailoverTimeline
    {
        let killedAt = Self.wallClockMilliseconds()
        cluster.kill(victim)
        cluster.clearRuntime(victim)
        _ = try await awaitPlacement(of: resources, excluding: victim, timeout: timeout)
        let lines = running.flatMap(cluster.crmdLog)
        do {
            return try FailoverTimeline.build(
                lines: lines, killedAt: killedAt, killedNode: cluster.names[victim], resources: resources)
        } catch {
            throw ScenarioError("cannot time the failover: \(error)")
        }
    }

    /// Wall-clock milliseconds since the Unix epoch (the crmd logs' clock).
    public static func wallClockMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    /// `a@node2 b@stopped`.
    public static func summary(_ index: ResourceStatusIndex, _ resources: [String]) -> String {
        resources.map { resource in
            let nodes = index.placements(of: resource).map(\.node)
            return "\(resource)@\(nodes.isEmpty ? "stopped" : nodes.joined(separator: "+"))"
        }.joined(separator: " ")
    }
}
