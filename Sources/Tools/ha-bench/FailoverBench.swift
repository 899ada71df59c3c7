import ArgumentParser
import Foundation
import Launcher

/// `ha-bench failover`: kill -9 of the node running a Dummy group → the group running elsewhere, split into
/// phases read from the crmd logs; per cluster size, optionally with many more resources configured.
struct FailoverBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Time a whole failover: kill -9 of the node running a group → the group started elsewhere",
        discussion: """
            Runs whole nodes (`ha start`: heartbeat, lrmd, crmd, all next to this executable) on 127.0.0.x with \
            a CIB holding the fence_ha_test device (stonith-enabled=true), a group of three ocf:linux-ha:Dummy \
            and --resources more Dummy primitives. Each repetition kills the node running the group with \
            SIGKILL, waits until the group runs on another node, reads the phases from the survivors' crmd \
            logs, then restarts the node and waits for the cluster to settle. Prints `RESULT mode=failover \
            nodes=N resources=R rep=K failover_ms=… detect_ms=… agreement_ms=… scheduling_ms=… fence_ms=… \
            start_ms=…` per repetition and a median line per size. See Docs/Benchmarks/failover.md.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Cluster sizes") var nodes: [Int] = [3, 5]
    @Option(name: .long, help: "Repetitions per size") var reps = 3
    @Option(name: .long, help: "Extra Dummy primitives configured besides the group (e.g. 1000)") var resources = 0
    @Flag(name: .long, help: "Configure the extra primitives with target-role=Stopped") var stopped = false
    @Option(name: .long, help: "Seconds to wait for the group to move or the cluster to settle") var timeout = 60
    @Option(name: .long, help: "The directory holding ocf/ and fence/ agents (default: agents/ of this tree)")
    var agents: String?
    @Flag(name: .long, help: "Keep the cluster's directory (logs) afterwards") var keep = false

    func validate() throws {
        guard nodes.allSatisfy({ (3...9).contains($0) }) else { throw ValidationError("--nodes values must be 3...9") }
        guard reps > 0, (0...5000).contains(resources), timeout > 0 else {
            throw ValidationError("--reps and --timeout must be positive, --resources 0...5000")
        }
    }

    func run() async throws {
        let executables = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        guard let agents = agents ?? Self.sourceTree(from: executables.path).map({ "\($0)/agents" }) else {
            throw ValidationError("cannot find the source tree's agents/: give --agents")
        }
        let layout = NodeCluster.Layout(
            ha: executables.appendingPathComponent("ha").path, tools: executables.path,
            ocfPath: "\(agents)/ocf:/usr/lib/ocf/resource.d", fencePath: "\(agents)/fence:/usr/sbin")
        for count in nodes { try await measure(count: count, layout: layout) }
    }

    private func measure(count: Int, layout: NodeCluster.Layout) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ha-bench-failover-\(getpid())-\(count)").path
        let cluster = try NodeCluster(
            count: count, base: base, port: Int.random(in: 20000...40000), layout: layout,
            logLevel: ProcessInfo.processInfo.environment["HA_BENCH_LOG_LEVEL"] ?? "notice")
        let scenario = ClusterScenario(cluster: cluster)
        var timelines: [FailoverTimeline] = []
        var failure: (any Error)?
        do {
            let limit = Duration.seconds(timeout)
            try await scenario.form(timeout: limit)
            try await scenario.load(cib: Self.cib(nodes: count, extra: resources, stopped: stopped, base: base))
            for rep in 1...reps {
                let home = try await scenario.awaitPlacement(of: Self.members, timeout: limit)
                let timeline = try await scenario.failover(of: Self.members, killing: home, timeout: limit)
                timelines.append(timeline)
                print(line(count, "rep=\(rep)", timeline))
                fflush(nil)
                try cluster.start(home)
                try await scenario.awaitFormed(Array(cluster.names.indices), timeout: limit)
            }
        } catch {
            failure = error
        }
        await cluster.stopAll()
        if keep || failure != nil { print("logs kept in \(base)") } else { try? FileManager.default.removeItem(atPath: base) }
        if let failure { throw ValidationError("failover with \(count) nodes, \(resources) resources: \(failure)") }
        if let median = Self.median(timelines) { print(line(count, "rep=median", median)) }
    }

    private func line(_ count: Int, _ label: String, _ t: FailoverTimeline) -> String {
        "RESULT mode=failover nodes=\(count) resources=\(resources)\(stopped ? "-stopped" : "") \(label)"
            + " failover_ms=\(t.total) detect_ms=\(t.detection) agreement_ms=\(t.agreement)"
            + " scheduling_ms=\(t.scheduling) fence_ms=\(t.fencing) start_ms=\(t.starting)"
    }

    static let members = ["bench-a", "bench-b", "bench-c"]

    /// Each phase's median over the repetitions.
    static func median(_ timelines: [FailoverTimeline]) -> FailoverTimeline? {
        guard !timelines.isEmpty else { return nil }
        func middle(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }
        return FailoverTimeline(
            detection: middle(timelines.map(\.detection)), agreement: middle(timelines.map(\.agreement)),
            scheduling: middle(timelines.map(\.scheduling)), fencing: middle(timelines.map(\.fencing)),
            starting: middle(timelines.map(\.starting)), total: middle(timelines.map(\.total)), newNode: "-")
    }

    /// The benchmark's CIB: the fence device, the group, `extra` more Dummy primitives.
    static func cib(nodes: Int, extra: Int, stopped: Bool, base: String) -> String {
        let names = (1...nodes).map { "node\($0)" }
        func dummy(_ id: String, monitor: Bool, meta: String = "") -> String {
            let op = monitor ? "<operations><op id=\"\(id)-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/></operations>" : ""
            return "<primitive id=\"\(id)\" class=\"ocf\" provider=\"linux-ha\" type=\"Dummy\">\(meta)\(op)</primitive>"
        }
        let role = stopped ? "Stopped" : "Started"
        let extras = (0..<extra).map { index in
            dummy("extra-\(index)", monitor: false, meta: "<meta_attributes id=\"extra-\(index)-meta\"><nvpair id=\"extra-\(index)-role\" name=\"target-role\" value=\"\(role)\"/></meta_attributes>")
        }
        return """
            <cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration>
            <crm_config><cluster_property_set id="options">
            <nvpair id="options-stonith-enabled" name="stonith-enabled" value="true"/>
            <nvpair id="options-no-quorum-policy" name="no-quorum-policy" value="stop"/>
            </cluster_property_set></crm_config>
            <nodes>\((1...nodes).map { "<node id=\"\($0)\" uname=\"node\($0)\"/>" }.joined())</nodes>
            <resources>
            <primitive id="fence-test" class="stonith" type="fence_ha_test"><instance_attributes id="fence-test-params">
            <nvpair id="fence-test-hosts" name="pcmk_host_list" value="\(names.joined(separator: " "))"/>
            <nvpair id="fence-test-record" name="record_file" value="\(base)/fencing.log"/>
            </instance_attributes></primitive>
            <group id="bench-group">\(members.map { dummy($0, monitor: true) }.joined())</group>
            \(extras.joined(separator: "\n"))
            </resources><constraints/></configuration><status/></cib>
            """
    }

    static func sourceTree(from start: String) -> String? {
        var directory = URL(fileURLWithPath: start)
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.path + "/agents/ocf/linux-ha/Dummy") { return directory.path }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
