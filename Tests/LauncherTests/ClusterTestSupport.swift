import Foundation
import Launcher
import Testing

extension Tag {
    /// Tests that start real daemons.
    @Tag static var integration: Self
}

/// A whole cluster for a test: N nodes under `ha start` from the build directory, the agents of this tree,
/// a temporary directory removed at the end (kept when `HA_TEST_KEEP` is set).
final class ClusterFixture {
    let cluster: NodeCluster
    let scenario: ClusterScenario

    /// The source tree (this file is Tests/LauncherTests/ClusterTestSupport.swift).
    static let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    init(nodes: Int, addresses: [String]? = nil, namespaces: [String]? = nil) throws {
        let build = HAStartTests.buildDirectory
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ha-cluster-test-\(UUID().uuidString.prefix(8))").path
        cluster = try NodeCluster(
            count: nodes, base: base, port: Int.random(in: 20000...40000),
            layout: .init(
                ha: "\(build)/ha", tools: build, ocfPath: "\(Self.sourceTree)/agents/ocf",
                fencePath: "\(Self.sourceTree)/agents/fence"),
            logLevel: "notice", addresses: addresses, namespaces: namespaces)
        scenario = ClusterScenario(cluster: cluster)
    }

    /// Stops every node and removes the directory.
    func tearDown() async {
        await cluster.stopAll(timeout: .seconds(10))
        if ProcessInfo.processInfo.environment["HA_TEST_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: cluster.base)
        }
    }

    /// Where the logs are, for failure messages.
    var logs: String { "logs: \(cluster.base)/node*/ha.log, node*/run/crmd.log (set HA_TEST_KEEP=1 to keep them)" }

    /// The nodes whose run directory holds `resource`'s Dummy state file (the agent's truth, not the CIB's).
    func nodesRunning(_ resource: String) -> [Int] {
        cluster.names.indices.filter { index in
            FileManager.default.fileExists(atPath: "\(cluster.directories(index).run)/resource-agents/Dummy-\(resource).state")
        }
    }

    /// A CIB: stonith-enabled with the test fence device recording to the cluster's directory, `resources`
    /// (XML), `constraints` (XML).
    func cib(resources: String, constraints: String = "") -> String {
        """
        <cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration>
        <crm_config><cluster_property_set id="options">
        <nvpair id="options-stonith-enabled" name="stonith-enabled" value="true"/>
        <nvpair id="options-no-quorum-policy" name="no-quorum-policy" value="stop"/>
        </cluster_property_set></crm_config>
        <nodes>\(cluster.names.indices.map { "<node id=\"\($0 + 1)\" uname=\"node\($0 + 1)\"/>" }.joined())</nodes>
        <resources>
        <primitive id="fence-test" class="stonith" type="fence_ha_test"><instance_attributes id="fence-test-params">
        <nvpair id="fence-test-hosts" name="pcmk_host_list" value="\(cluster.names.joined(separator: " "))"/>
        <nvpair id="fence-test-record" name="record_file" value="\(cluster.base)/fencing.log"/>
        </instance_attributes></primitive>
        \(resources)
        </resources><constraints>\(constraints)</constraints></configuration><status/></cib>
        """
    }

    /// A Dummy primitive with a monitor every `monitor` seconds.
    static func dummy(_ id: String, monitor: Int = 5) -> String {
        "<primitive id=\"\(id)\" class=\"ocf\" provider=\"linux-ha\" type=\"Dummy\"><operations>"
            + "<op id=\"\(id)-monitor\" name=\"monitor\" interval=\"\(monitor)s\" timeout=\"20s\"/></operations></primitive>"
    }

    /// The lines of the fence agent's record.
    var fenced: [String] {
        ((try? String(contentsOfFile: "\(cluster.base)/fencing.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Polls `condition` every 50 ms for at most `timeout`.
    func wait(_ timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}
