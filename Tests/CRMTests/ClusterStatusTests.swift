import CRM
import Testing
import XML

/// The engine's status reading for the tools, the crm_mon views and the cleanup plan, without processes.
@Suite struct ClusterStatusTests {
    static let cib = """
        <cib validate-with="pacemaker-3.9" admin_epoch="0" epoch="1" num_updates="0" have-quorum="1" dc-uuid="2">
          <configuration>
            <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/>
              <nvpair id="o-v" name="dc-version" value="2.1.5"/></cluster_property_set></crm_config>
            <nodes><node id="1" uname="node10"/><node id="2" uname="node2"/></nodes>
            <resources>
              <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">
                <meta_attributes id="d1-m"><nvpair id="d1-m-r" name="target-role" value="Stopped"/></meta_attributes>
              </primitive>
              <group id="g"><primitive id="g1" class="lsb" type="x"/></group>
            </resources>
            <constraints><rsc_location id="ban" rsc="g" node="node10" score="-INFINITY"/></constraints>
          </configuration>
          <status>
            <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member">
              <transient_attributes id="2"><instance_attributes id="status-2">
                <nvpair id="status-2-f" name="fail-count-g1#start_0" value="2"/><nvpair id="status-2-a" name="zone" value="b"/>
              </instance_attributes></transient_attributes>
              <lrm id="2"><lrm_resources><lrm_resource id="g1" class="lsb" type="x">
                <lrm_rsc_op id="g1_last_0" operation_key="g1_start_0" operation="start" transition-key="1:1:0:x" call-id="2"
                  rc-code="1" op-status="0" interval="0" exec-time="30160"/>
                <lrm_rsc_op id="g1_probe" operation_key="g1_monitor_0" operation="monitor" transition-key="2:1:7:x" call-id="1"
                  rc-code="7" op-status="0" interval="0"/>
              </lrm_resource></lrm_resources></lrm>
            </node_state>
          </status>
        </cib>
        """

    func status() throws -> ClusterStatus {
        PolicyEngine.status(try ClusterModel(cib: try XMLDocument.parse(Self.cib).root), now: 0)
    }

    @Test func statusComesFromTheEnginesUnpacking() throws {
        let status = try status()
        #expect(status.nodes.map(\.name) == ["node2", "node10"], "digits compare as numbers")
        #expect(status.dc?.name == "node2")
        #expect(status.dcVersion == "2.1.5")
        #expect(status.instanceCount == 2 && status.disabledCount == 1)
        let group = try #require(status.resource("g"))
        #expect(group.kind == "group" && group.children.map(\.id) == ["g1"])
        let member = try #require(status.resource("g1"))
        #expect(member.nodes == ["node2"] && member.isFailed)
        #expect(status.failures.map(\.key) == ["g1_start_0"], "the probe that found nothing is no failure")
        let history = try #require(status.histories.first { $0.node == "node2" }?.resources.first)
        #expect(history.failCount == 2)
        #expect(history.operations.map(\.callID) == [2])
        #expect(status.nodes[0].attributes.map(\.name) == ["zone"])
        #expect(status.bans.map(\.id) == ["ban"])
    }

    @Test func viewsWordThingsAsPacemaker() throws {
        let view = MonitorView(
            status: try status(), header: MonitorHeader(lastUpdated: "now", lastWritten: "then", user: "root", client: "cibadmin"),
            options: MonitorOptions(), formatTime: { String($0) })
        let text = view.text()
        #expect(text.contains("  * Current DC: node2 (version 2.1.5) - partition with quorum\n"))
        #expect(text.contains("  * Last change:  then by root via cibadmin\n"))
        #expect(text.contains("  * 2 resource instances configured (1 DISABLED)\n"))
        #expect(text.contains("  * Online: [ node2 ]\n  * OFFLINE: [ node10 ]\n"))
        #expect(text.contains("Active Resources:\n  * Resource Group: g:\n    * g1\t(lsb:x):\t FAILED node2\n"))
        #expect(text.hasSuffix("Failed Resource Actions:\n  * g1 start on node2 returned 'error' after 30.160s\n"))
        #expect(MonitorView.readableInterval(120_000) == "2m")
        #expect(MonitorView.readableInterval(3_661_000) == "1h1m1s")
        #expect(MonitorView.readableInterval(500) == "500ms")
        #expect(MonitorView.resourceName(ofKey: "group_1-postfix_9_monitor_0", fallback: "x") == "group_1-postfix_9")
        #expect(MonitorView.resourceName(ofKey: "vm_migrate_to_0", fallback: "x") == "vm")
        let xml = view.xmlElements().joined(separator: "\n")
        #expect(xml.contains(#"<current_dc present="true" version="2.1.5" name="node2" id="2" with_quorum="true" mixed_version="false"/>"#))
        #expect(xml.contains(#"<ban id="ban" resource="g" node="node10" weight="-1000000" promoted-only="false" master_only="false"/>"#))
    }

    @Test func whyReportsTheTopLevelChecks() throws {
        let reasons = ResourceReasons(status: try status())
        #expect(reasons.textLines(resource: "d1", node: nil) == [
            "Resource d1 is not running", "Configuration specifies 'd1' should remain stopped",
        ])
        #expect(reasons.textLines(resource: "g", node: "node2") == ["Resource g is running on host node2"])
    }

    @Test func cleanupForgetsFailuresAndRefreshForgetsHistory() throws {
        let document = try XMLDocument.parse(Self.cib)
        let cleanup = ResourceCleanup(isFailuresOnly: true, resource: "g", node: nil, operation: nil, intervalMs: 0).plan(in: document)
        #expect(cleanup.deletions == [
            .operation(nodeID: "2", resource: "g1", id: "g1_last_0"), .attribute(nodeID: "2", id: "status-2-f"),
        ])
        #expect(cleanup.cleaned.map { "\($0.resource)@\($0.node)" } == ["g1@node2"], "node10 is down")
        let other = ResourceCleanup(isFailuresOnly: true, resource: "g1", node: nil, operation: "monitor", intervalMs: 10_000)
        #expect(other.plan(in: document).deletions.isEmpty)
        let refresh = ResourceCleanup(isFailuresOnly: false, resource: nil, node: "node2", operation: nil, intervalMs: 0).plan(in: document)
        #expect(refresh.deletions == [.history(nodeID: "2", resource: "g1"), .attribute(nodeID: "2", id: "status-2-f")])
    }
}
