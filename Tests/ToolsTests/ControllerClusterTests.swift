import CRM
import Foundation
import Testing

/// Real processes: three nodes on loopback, each with heartbeat, lrmd and crmd; tools talk to the crmds.
@Suite("crmd cluster on loopback", .serialized)
struct ControllerClusterTests {
    @Test func dummyStartsOnExactlyOneNodeAndEditsReachEveryNode() throws {
        let cluster = try ControllerCluster(nodes: 3)
        try cluster.startAll()
        var dcs: [String?] = []
        let elected = cluster.wait(for: .seconds(20)) {
            dcs = (1...3).map { cluster.ping($0)?.dc }
            return dcs.allSatisfy { $0 != nil } && Set(dcs).count == 1
        }
        try #require(elected, "no single DC: \(dcs)\n\(cluster.logs)")
        #expect((1...3).allSatisfy { cluster.ping($0)?.isQuorate == true })

        // Configure through node2's crmd: the tool returns once the DC has the update durable on a quorum.
        let option = try ToolProcess.ours(
            "cibadmin", ["-M", "-o", "crm_config", "-X",
                "<crm_config><cluster_property_set id=\"opts\"><nvpair id=\"opts-stonith\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set></crm_config>"],
            environment: cluster.environment(2))
        #expect(option.status == 0, "\(option.standardError)")
        let create = try ToolProcess.ours(
            "cibadmin", ["-C", "-o", "resources", "-X",
                "<primitive id=\"dummy\" class=\"ocf\" provider=\"linux-ha\" type=\"Dummy\"><operations><op id=\"dummy-mon\" name=\"monitor\" interval=\"2s\"/></operations></primitive>"],
            environment: cluster.environment(2))
        #expect(create.status == 0, "\(create.standardError)")

        // The edit is visible on every node.
        for node in [1, 3] {
            let visible = try cluster.wait(for: .seconds(5)) {
                try ToolProcess.ours(
                    "cibadmin", ["-Q", "--xpath", "//primitive[@id='dummy']"], environment: cluster.environment(node)
                ).status == 0
            }
            #expect(visible, "node\(node) does not show the new primitive\n\(cluster.logs)")
        }
        // The Dummy runs on exactly one node, and stays so.
        let started = cluster.wait(for: .seconds(15)) { cluster.nodesRunningDummy("dummy").count == 1 }
        try #require(started, "the Dummy did not start\n\(cluster.logs)")
        let running = cluster.nodesRunningDummy("dummy")
        usleep(1_000_000)
        #expect(cluster.nodesRunningDummy("dummy") == running, "it must not move or start twice")
        // The status section records it where it runs, as the tools read it.
        let located = try ToolProcess.ours(
            "cibadmin", ["-Q", "--xpath", "//node_state[@uname='node\(running[0])']//lrm_rsc_op[@operation='start'][@rc-code='0']"],
            environment: cluster.environment(1 + running[0] % 3))
        #expect(located.status == 0, "\(located.standardError)")
        let simulated = try ToolProcess.ours("crm_simulate", ["-L"], environment: cluster.environment(3))
        #expect(simulated.status == 0 && simulated.standardOutput.contains("Started node\(running[0])"), "\(simulated.standardOutput)")
        let log = try String(contentsOfFile: cluster.run(1) + "/crmd.log", encoding: .utf8)
        #expect(log.contains("crmd[node1] notice: view installed"), "the event log is in crmd.log")

        // Transient attributes: set through one node, read through another; "this node" is the crmd's node.
        let set = try ToolProcess.ours(
            "crm_attribute", ["-N", "node2", "-l", "reboot", "-n", "rack", "-v", "7"], environment: cluster.environment(1))
        #expect(set.status == 0, "\(set.standardError)")
        let local = try ToolProcess.ours(
            "crm_attribute", ["-l", "reboot", "-n", "here", "-v", "1"], environment: cluster.environment(3))
        #expect(local.status == 0, "\(local.standardError)")
        let read = try ToolProcess.ours(
            "crm_attribute", ["-N", "node2", "-l", "reboot", "-n", "rack", "-G", "-q"], environment: cluster.environment(3))
        #expect(read.standardOutput == "7\n", "\(read.standardError)")
        let readLocal = try ToolProcess.ours(
            "crm_attribute", ["-N", "node3", "-l", "reboot", "-n", "here", "-G", "-q"], environment: cluster.environment(1))
        #expect(readLocal.standardOutput == "1\n", "\(readLocal.standardError)")

        // crm_mon shows what the DC recorded: the stack, its version and who made the last change.
        let monitor = try ToolProcess.ours("crm_mon", ["-1"], environment: cluster.environment(2))
        let text = monitor.standardOutput
        #expect(monitor.status == 0, "\(monitor.standardError)")
        #expect(text.contains("  * Stack: heartbeat\n"), "\(text)")
        #expect(text.contains("(version \(ClusterProperties.softwareVersion)) - partition with quorum"), "\(text)")
        let lastChange = text.split(separator: "\n").first { $0.contains("Last change:") } ?? ""
        #expect(lastChange.contains(" 2") && lastChange.contains(" via ") && lastChange.contains(" on node"), "\(text)")
        if getuid() == 0, lastChange.contains("via crm_attribute") {
            #expect(lastChange.contains(" by root via crm_attribute"), "root's change names its user: \(text)")
        }
    }

    @Test func sigtermStopsTheNodesResourcesFirstAndNobodyIsFenced() throws {
        let cluster = try ControllerCluster(nodes: 3)
        try cluster.startAll()
        let record = cluster.base + "/fenced.log"
        let elected = cluster.wait(for: .seconds(20)) { (1...3).allSatisfy { cluster.ping($0)?.dc != nil } }
        try #require(elected, "no DC\n\(cluster.logs)")
        let configuration = """
            <configuration><crm_config><cluster_property_set id="opts">\
            <nvpair id="opts-stonith" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>\
            <resources><primitive id="fence" class="stonith" type="fence_ha_test"><instance_attributes id="fence-ia">\
            <nvpair id="fence-rf" name="record_file" value="\(record)"/></instance_attributes></primitive>\
            <primitive id="dummy" class="ocf" provider="linux-ha" type="Dummy"/></resources></configuration>
            """
        let update = try ToolProcess.ours(
            "cibadmin", ["-M", "-o", "configuration", "-X", configuration], environment: cluster.environment(1))
        #expect(update.status == 0, "\(update.standardError)")
        try #require(cluster.wait(for: .seconds(15)) { cluster.nodesRunningDummy("dummy").count == 1 }, "\(cluster.logs)")
        let first = cluster.nodesRunningDummy("dummy")[0]

        let status = cluster.terminate("crmd", first, timeout: .seconds(20))
        #expect(status == 0, "crmd exits cleanly after its resources stopped\n\(cluster.logs)")
        let moved = cluster.wait(for: .seconds(15)) {
            let running = cluster.nodesRunningDummy("dummy")
            return running.count == 1 && running[0] != first
        }
        #expect(moved, "the Dummy runs elsewhere: \(cluster.nodesRunningDummy("dummy"))\n\(cluster.logs)")
        let log = try String(contentsOfFile: cluster.run(first) + "/crmd.log", encoding: .utf8)
        #expect(log.contains("shutdown complete node=node\(first)"))
        usleep(500_000)
        #expect(!FileManager.default.fileExists(atPath: record), "a clean shutdown is not fenced")
    }

    @Test func aRestartedCrmdRebuildsFromItsDiskAndAReprobe() throws {
        let cluster = try ControllerCluster(nodes: 3)
        try cluster.startAll()
        try #require(cluster.wait(for: .seconds(20)) { (1...3).allSatisfy { cluster.ping($0)?.dc != nil } }, "\(cluster.logs)")
        let configuration = """
            <configuration><crm_config><cluster_property_set id="opts">\
            <nvpair id="opts-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>\
            <resources><primitive id="dummy" class="ocf" provider="linux-ha" type="Dummy"/></resources></configuration>
            """
        let update = try ToolProcess.ours(
            "cibadmin", ["-M", "-o", "configuration", "-X", configuration], environment: cluster.environment(3))
        #expect(update.status == 0, "\(update.standardError)")
        try #require(cluster.wait(for: .seconds(15)) { cluster.nodesRunningDummy("dummy").count == 1 }, "\(cluster.logs)")
        let node = cluster.nodesRunningDummy("dummy")[0]

        // kill -9 of that crmd only: its lrmd keeps the Dummy running. Without fencing the others start it
        // elsewhere at once; the restarted crmd reloads its replica, rejoins, and its re-probe finds the second
        // copy, so the DC stops both and starts one.
        cluster.killDaemon("crmd", node)
        try cluster.restartCRMD(node)
        let rejoined = cluster.wait(for: .seconds(20)) { cluster.ping(node)?.dc != nil }
        #expect(rejoined, "the restarted crmd finds a DC\n\(cluster.logs)")
        func secondRun() -> String {
            let log = (try? String(contentsOfFile: cluster.run(node) + "/crmd.log", encoding: .utf8)) ?? ""
            return log.components(separatedBy: "notice: starting node=node\(node)").dropFirst(2).joined()
        }
        let probed = cluster.wait(for: .seconds(20)) { secondRun().contains("action finished op=dummy_monitor_0") }
        #expect(probed, "the restarted node is probed again\n\(cluster.logs)")
        #expect(!secondRun().hasPrefix(" id=\(node) cib=0.1.0"), "the replica came from disk: \(secondRun().prefix(80))")
        let settled = cluster.wait(for: .seconds(20)) { cluster.nodesRunningDummy("dummy").count == 1 }
        usleep(1_000_000)
        #expect(settled && cluster.nodesRunningDummy("dummy").count == 1, "running on \(cluster.nodesRunningDummy("dummy"))\n\(cluster.logs)")
    }

    @Test func toolsWithoutACrmdSayNotConnected() throws {
        let environment = ["HA_RUN_DIR": "/nonexistent-\(UUID().uuidString)"]
        let query = try ToolProcess.ours("cibadmin", ["-Q"], environment: environment)
        #expect(query.status == 102)
        #expect(query.standardError.contains("Could not connect to the CIB: Transport endpoint is not connected"))
        let simulate = try ToolProcess.ours("crm_simulate", ["-L"], environment: environment)
        #expect(simulate.status == 66)
    }
}
