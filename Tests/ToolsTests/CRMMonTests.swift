import Foundation
import Testing

/// A corpus CIB as Pacemaker 2.1.5 can read it: the corpus comes from Pacemaker 3, whose option names
/// (`fencing-enabled`, `stop-removed-resources`...) 2.1.5 does not know, so they get their older names.
func corpusCIBForPacemaker2(_ name: String) throws -> String {
    var text = try String(contentsOfFile: try #require(ConformanceCorpus.path(name)), encoding: .utf8)
    for (new, old) in [
        ("fencing-enabled", "stonith-enabled"), ("fencing-action", "stonith-action"), ("fencing-timeout", "stonith-timeout"),
        ("stop-removed-resources", "stop-orphan-resources"), ("stop-removed-actions", "stop-orphan-actions"),
    ] {
        text = text.replacing("\"\(new)\"", with: "\"\(old)\"")
    }
    return text
}

/// The output with what depends on the moment or the program path masked (`Last updated`, `request`).
func maskedMonitorOutput(_ text: String) -> String {
    text.replacing(/Last updated: [^\n]*/, with: "Last updated: X").replacing(/last_update time="[^"]*"/, with: "last_update time=\"X\"")
        .replacing(/request="[^"]*"/, with: "request=\"\"")
}

/// A CIB with a group, a failed and a stopped primitive and a transient attribute, in 2.1.5's schema.
let monitorCIB = """
    <cib validate-with="pacemaker-3.7" admin_epoch="0" epoch="3" num_updates="1" have-quorum="1" dc-uuid="1" cib-last-written="Mon Mar 19 21:41:29 2012">
      <configuration>
        <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
        <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
        <resources>
          <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
          <group id="g"><primitive id="g1" class="ocf" provider="pacemaker" type="Dummy"/><primitive id="g2" class="ocf" provider="pacemaker" type="Dummy"/></group>
        </resources>
        <constraints/>
      </configuration>
      <status>
        <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
          <transient_attributes id="1"><instance_attributes id="status-1">
            <nvpair id="status-1-rack" name="rack" value="4"/>
            <nvpair id="status-1-fail-count-d1.monitor_10000" name="fail-count-d1#monitor_10000" value="1"/>
            <nvpair id="status-1-last-failure-d1.monitor_10000" name="last-failure-d1#monitor_10000" value="1332193300"/>
          </instance_attributes></transient_attributes>
          <lrm id="1"><lrm_resources>
            <lrm_resource id="d1" class="ocf" provider="pacemaker" type="Dummy">
              <lrm_rsc_op id="d1_last_0" operation_key="d1_start_0" operation="start" transition-key="1:1:0:x" call-id="3" rc-code="0" op-status="0" interval="0" last-rc-change="1332193200" exec-time="10" queue-time="0"/>
              <lrm_rsc_op id="d1_last_failure_0" operation_key="d1_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="4" rc-code="7" op-status="0" interval="10000" last-rc-change="1332193300" exec-time="10" queue-time="0"/>
            </lrm_resource>
            <lrm_resource id="g1" class="ocf" provider="pacemaker" type="Dummy">
              <lrm_rsc_op id="g1_last_0" operation_key="g1_start_0" operation="start" transition-key="3:1:0:x" call-id="5" rc-code="0" op-status="0" interval="0"/>
            </lrm_resource>
          </lrm_resources></lrm>
        </node_state>
        <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
      </status>
    </cib>

    """

@Suite struct CRMMonTests {
    @Test func oneShotShowsTheEnginesViewOfTheCluster() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", monitorCIB)]
        let result = try ToolProcess.ours("crm_mon", ["-1", "-r", "-f"], environment: environment)
        #expect(result.status == 0)
        #expect(maskedMonitorOutput(result.standardOutput) == """
            Cluster Summary:
              * Stack: unknown
              * Current DC: node1 (version unknown) - partition with quorum
              * Last updated: X
              * Last change:  Mon Mar 19 21:41:29 2012
              * 2 nodes configured
              * 3 resource instances configured

            Node List:
              * Online: [ node1 node2 ]

            Full List of Resources:
              * d1\t(ocf:pacemaker:Dummy):\t FAILED node1
              * Resource Group: g:
                * g1\t(ocf:pacemaker:Dummy):\t Started node1
                * g2\t(ocf:pacemaker:Dummy):\t Stopped

            Migration Summary:
              * Node: node1:
                * d1: migration-threshold=1000000 fail-count=1 last-failure='\(lastFailureText)'

            Failed Resource Actions:
              * d1 10s-interval monitor on node1 returned 'not running' at \(lastFailureText) after 10ms

            """)
    }

    /// How crm_mon prints the test CIB's failure time (local time, as Pacemaker).
    private var lastFailureText: String {
        var value = time_t(1_332_193_300)
        var parts = tm()
        localtime_r(&value, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %e %H:%M:%S %Y", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func groupByNodeAttributesAndOperations() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", monitorCIB)]
        let result = try ToolProcess.ours("crm_mon", ["-1", "-n", "-A", "-o"], environment: environment)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("  * Node node1: online:\n    * Resources:\n      * d1\t(ocf:pacemaker:Dummy):\t FAILED\n"))
        #expect(result.standardOutput.contains("Node Attributes:\n  * Node: node1:\n    * rack                            \t: 4         \n"))
        #expect(result.standardOutput.contains("      * (3) start\n      * (4) monitor: interval=\"10000ms\"\n"))
    }

    @Test func xmlViewIsOnePacemakerResult() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", monitorCIB)]
        let result = try ToolProcess.ours("crm_mon", ["--output-as", "xml"], environment: environment)
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("<pacemaker-result api-version=\"2.25\" request="))
        #expect(result.standardOutput.contains(#"<group id="g" number_resources="2" managed="true" disabled="false">"#))
        #expect(result.standardOutput.contains(#"<failure op_key="d1_monitor_10000" node="node1" exitstatus="not running""#))
        #expect(result.standardOutput.hasSuffix("  <status code=\"0\" message=\"OK\"/>\n</pacemaker-result>\n"))
    }

    @Test func refreshingViewRereadsTheCIBEachTime() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", monitorCIB)
        let process = Process()
        process.executableURL = ToolProcess.buildDirectory.appendingPathComponent("crm_mon")
        process.arguments = ["-i", "0.2"]
        var environment = ProcessInfo.processInfo.environment
        environment["CIB_file"] = file
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = ReadInBackground(output.fileHandleForReading)
        Thread.sleep(forTimeInterval: 0.5)
        // Changed behind crm_mon's back: the next views must show it.
        #expect(try ToolProcess.ours("crm_standby", ["-N", "node2", "-v", "on"], environment: ["CIB_file": file]).status == 0)
        Thread.sleep(forTimeInterval: 0.8)
        process.terminate()
        // Bounded: a crm_mon that ignored SIGTERM would fail the test, not hang it.
        for _ in 0..<40 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "crm_mon stops on SIGTERM")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let text = String(decoding: reader.wait(), as: UTF8.self)
        #expect(text.components(separatedBy: "Cluster Summary:").count >= 4, "several views, one after the other")
        #expect(text.hasPrefix("Cluster Summary:"), "no screen control codes without a terminal")
        #expect(text.contains("  * Node node2: standby\n"))
    }

    @Test func refusesWhatTheEngineDoesNotModelAndOptionsNotImplemented() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", resourceCIB)]
        let clones = try ToolProcess.ours("crm_mon", ["-1"], environment: environment)
        #expect(clones.status == 3)
        #expect(clones.standardError.contains("not supported by this policy engine yet"))
        let tickets = try ToolProcess.ours("crm_mon", ["-1", "-c"], environment: ["CIB_file": try scratch.write("t.xml", monitorCIB)])
        #expect(tickets.status == 3)
        #expect(tickets.standardError.contains("--tickets is not supported yet"))
        let missing = try ToolProcess.ours("crm_mon", ["-1"], environment: ["CIB_file": scratch.path + "/nosuch.xml"])
        #expect(missing.status == 105)
        #expect(missing.standardError.contains("Could not connect to the CIB"))
    }

    /// Corpus CIBs covering groups, failures, fail counts, standby, unmanaged and maintenance resources,
    /// pending operations, node health and tickets, where every view matches Pacemaker 2.1.5 byte for byte.
    static let corpusNames = [
        "994", "bug-lf-2435", "group-fail", "group-unmanaged", "failed-sticky-anticolocated-group", "coloc-intra-set",
        "node-maintenance-1", "probe-1", "rsc-maintenance", "shutdown-lock-expiration", "8-am-then-bm-a-migrating-b-stopping",
        "systemhealthm3", "ticket-group-13", "nvpair-date-rules-1", "stopped-monitor-02",
    ]

    @Test(
        .enabled(if: ToolProcess.pacemakerHas("crm_mon") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"),
        arguments: corpusNames)
    func sameViewsAsPacemaker(name: String) throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", try corpusCIBForPacemaker2(name))
        for arguments in [["-1"], ["-1", "-r", "-f"], ["-1", "-n", "-r", "-A", "-o"], ["--output-as", "xml"]] {
            let mine = try ToolProcess.ours("crm_mon", arguments, environment: ["CIB_file": file])
            let reference = try ToolProcess.pacemaker("crm_mon", arguments, environment: ["CIB_file": file])
            #expect(mine.status == reference.status, "\(name) \(arguments)")
            #expect(
                maskedMonitorOutput(mine.standardOutput) == maskedMonitorOutput(reference.standardOutput),
                "\(name) \(arguments): output differs")
        }
    }
}
