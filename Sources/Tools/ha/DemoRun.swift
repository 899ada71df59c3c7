import CRM
import Foundation
import Launcher
import XML

/// The demo's scenario, step by step, with what it prints.
struct DemoRun {
    let cluster: NodeCluster
    let interactive: Bool
    let cibPath: String

    /// The group the demo moves, and its members in order.
    static let group = "demo-group"
    static let members = ["demo-a", "demo-b", "demo-c"]
    /// The clone's primitive.
    static let cloneMember = "demo-everywhere"

    var scenario: ClusterScenario { ClusterScenario(cluster: cluster) }
    var count: Int { cluster.names.count }

    func run() async throws {
        step("Starting \(count) nodes on 127.0.0.1 … 127.0.0.\(count) (UDP port \(cluster.port)), each under `ha start`")
        print("    files and logs: \(cluster.base)/node*/ (ha.log: ha start and its daemons; run/crmd.log)")
        let started = ContinuousClock.now
        try await scenario.form()
        print("Cluster formed in \(Self.milliseconds(since: started)) ms: one membership view, a DC elected")

        let text = try String(contentsOfFile: cibPath, encoding: .utf8)
            .replacingOccurrences(of: "/tmp/fence_ha_test.log", with: "\(cluster.base)/fencing.log")
        step("Loading \(cibPath) with `cibadmin --replace -o configuration`")
        let clone = text.contains("<clone") ? ", a clone of Dummy" : ""
        print("    a group of three Dummy resources (\(Self.members.joined(separator: ", ")))\(clone),")
        print("    the fence_ha_test fence device (it records what it fences), stonith-enabled=true")
        try await scenario.load(cib: text)
        let home = try await scenario.awaitPlacement(of: Self.members, timeout: .seconds(30))
        print("\(Self.group) runs on \(cluster.names[home])")
        await showStatus(on: home)

        pause("Press Enter to kill \(cluster.names[home]) (kill -9 of its ha start, heartbeat, lrmd and crmd)…")
        step("kill -9 \(cluster.names[home]): the node running \(Self.group)")
        let timeline = try await scenario.failover(of: Self.members, killing: home)
        print("\(Self.group) runs on \(timeline.newNode) \(timeline.total) ms after the kill:")
        print("    detection   \(pad(timeline.detection)) ms   kill → a survivor's crmd installs the view without it")
        print("    agreement   \(pad(timeline.agreement)) ms   view → DC elected")
        print("    scheduling  \(pad(timeline.scheduling)) ms   DC elected → transition started (status, policy engine)")
        print("    fencing     \(pad(timeline.fencing)) ms   fencing requested → fence_ha_test succeeded")
        print("    starting    \(pad(timeline.starting)) ms   first start dispatched → last start finished")
        let fenced = (try? String(contentsOfFile: "\(cluster.base)/fencing.log", encoding: .utf8)) ?? ""
        print("fence_ha_test's record: \(fenced.split(separator: "\n").last.map(String.init) ?? "(nothing recorded)")")
        let survivor = scenario.running[0]
        await showStatus(on: survivor)

        pause("Press Enter to start \(cluster.names[home]) again…")
        step("Starting \(cluster.names[home]) again (its /run was cleared, as a reboot would)")
        let restarted = ContinuousClock.now
        try cluster.start(home)
        try await scenario.awaitFormed(Array(cluster.names.indices), timeout: .seconds(60))
        print("\(cluster.names[home]) is back in the cluster \(Self.milliseconds(since: restarted)) ms after its start")
        if text.contains("id=\"\(Self.cloneMember)\"") {
            let name = cluster.names[home]
            let back = await cluster.waitForCIB(on: home, timeout: .seconds(30)) { cib in
                ResourceStatusIndex(cib).placements(of: Self.cloneMember).contains { $0.node == name }
            }
            let elapsed = Self.milliseconds(since: restarted)
            print(back.met ? "\(Self.cloneMember) (the clone) runs on \(name) again, \(elapsed) ms after its start"
                : "\(Self.cloneMember) (the clone) did not start on \(name) within 30 s")
        }
        await showStatus(on: home)
        print(
            "RESULT failover_ms=\(timeline.total) detect_ms=\(timeline.detection) fence_ms=\(timeline.fencing)"
                + " start_ms=\(timeline.starting)")
    }

    /// `crm_mon -1` when it is built beside us; otherwise a summary of `cibadmin -Q`.
    private func showStatus(on node: Int) async {
        if FileManager.default.isExecutableFile(atPath: cluster.layout.tools + "/crm_mon") {
            print("$ crm_mon -1    (on \(cluster.names[node]))")
            let answer = await cluster.tool("crm_mon", ["-1"], on: node)
            print(answer.output + answer.errors, terminator: "")
            return
        }
        print("$ cibadmin -Q    (on \(cluster.names[node]); crm_mon is not built here, so a summary of the CIB)")
        guard let cib = await cluster.cib(on: node) else {
            print("    (no answer)")
            return
        }
        print(Self.summary(of: cib), terminator: "")
    }

    /// Nodes (online or not) and where each primitive runs.
    static func summary(of cib: XMLDocument) -> String {
        let index = ResourceStatusIndex(cib)
        let states = cib.root.firstChild(named: "status")?.children(named: "node_state") ?? []
        let nodes = cib.root.firstChild(named: "configuration")?.firstChild(named: "nodes")?.children(named: "node") ?? []
        let dcID = cib.root[attribute: "dc-uuid"]
        let dc = nodes.first { $0[attribute: "id"] == dcID }?[attribute: "uname"] ?? dcID ?? "none"
        let quorate = cib.root[attribute: "have-quorum"] == "1" || cib.root[attribute: "have-quorum"] == "true"
        var text = "    DC: \(dc), partition \(quorate ? "with" : "WITHOUT") quorum\n"
        let online = states.filter { $0[attribute: "crmd"] == "online" }.compactMap { $0[attribute: "uname"] }
        text += "    online: \(online.joined(separator: " "))\n"
        let primitives = ((try? cib.select("/cib/configuration/resources//primitive")) ?? []).compactMap { $0[attribute: "id"] }
        for primitive in primitives {
            let nodes = index.placements(of: primitive).map(\.node)
            text += "    \(primitive): \(nodes.isEmpty ? "Stopped" : "Started " + nodes.joined(separator: " "))\n"
        }
        return text
    }

    private func step(_ text: String) { print("\n==> \(text)") }

    private func pad(_ value: Int) -> String { String(repeating: " ", count: max(0, 5 - "\(value)".count)) + "\(value)" }

    private func pause(_ prompt: String) {
        guard interactive else { return }
        print(prompt, terminator: "")
        fflush(nil)
        _ = readLine()
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
