import Foundation
import Testing

/// crm_failcount, crm_standby, transient attributes and crm_resource's cluster operations.
@Suite struct CRMClusterToolsTests {
    @Test func failcountSumsPerOperationCountsAndDeleteCleansUp() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", monitorCIB)
        let environment = ["CIB_file": file]
        let query = try ToolProcess.ours("crm_failcount", ["-G", "-r", "d1", "-N", "node1"], environment: environment)
        #expect(query.standardOutput == "scope=status  name=fail-count-d1 value=1\n")
        let one = try ToolProcess.ours("crm_failcount", ["-G", "-r", "d1", "-N", "node1", "-n", "monitor", "-I", "10s", "-q"], environment: environment)
        #expect(one.standardOutput == "1\n")
        let usage = try ToolProcess.ours("crm_failcount", ["-r", "d1", "-N", "node1"], environment: environment)
        #expect(usage.status == 64)
        #expect(usage.standardError == "error: must specify a command\n")
        let unknown = try ToolProcess.ours("crm_failcount", ["-G", "-r", "d1", "-N", "nosuch"], environment: environment)
        #expect(unknown.status == 105)
        let delete = try ToolProcess.ours("crm_failcount", ["-D", "-r", "d1", "-N", "node1"], environment: environment)
        #expect(delete.status == 0)
        #expect(delete.standardOutput == "Cleaned up d1 on node1\n")
        #expect(try ToolProcess.ours("crm_failcount", ["-G", "-r", "d1", "-N", "node1", "-q"], environment: environment).standardOutput == "0\n")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("d1_last_failure_0") && !text.contains("fail-count-d1") && !text.contains("last-failure-d1"))
        #expect(text.contains("d1_last_0"), "cleanup keeps the successful history")
    }

    @Test func standbyIsPermanentByDefaultAndTransientWithRebootLifetime() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", monitorCIB)
        let environment = ["CIB_file": file]
        #expect(try ToolProcess.ours("crm_standby", ["-G", "-N", "node1"], environment: environment).standardOutput
            == "scope=status  name=standby value=off\n")
        #expect(try ToolProcess.ours("crm_standby", ["-N", "node1", "-v", "on"], environment: environment).status == 0)
        #expect(try ToolProcess.ours("crm_standby", ["-G", "-N", "node1"], environment: environment).standardOutput
            == "scope=nodes  name=standby value=on\n")
        #expect(try ToolProcess.ours("crm_standby", ["-N", "node2", "-v", "on", "-l", "reboot"], environment: environment).status == 0)
        #expect(try ToolProcess.ours("crm_standby", ["-G", "-N", "node2", "-q"], environment: environment).standardOutput == "on\n")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(#"<nvpair id="nodes-1-standby" name="standby" value="on"/>"#))
        #expect(text.contains(#"<transient_attributes id="2">"#))
        let delete = try ToolProcess.ours("crm_standby", ["-D", "-N", "node1"], environment: environment)
        #expect(delete.standardOutput == "Deleted nodes attribute: id=nodes-1-standby name=standby\n")
        #expect(try ToolProcess.ours("crm_standby", ["-G", "-N", "nosuch"], environment: environment).status == 105)
    }

    @Test func cleanupRefreshAndWhyOnTheStatusSection() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", monitorCIB)
        let environment = ["CIB_file": file]
        let why = try ToolProcess.ours("crm_resource", ["-Y"], environment: environment)
        #expect(why.standardOutput == "Resource d1 is running\nResource g is running\n")
        #expect(try ToolProcess.ours("crm_resource", ["-r", "g2", "-Y", "-N", "node1"], environment: environment).standardOutput
            == "Resource g2 is not running on host node1\n")
        #expect(try ToolProcess.ours("crm_resource", ["-r", "g", "-W"], environment: environment).standardOutput
            == "resource g is running on: node1\n")
        let onlyOther = try ToolProcess.ours(
            "crm_resource", ["-C", "-r", "d1", "-n", "start", "-I", "0"], environment: environment)
        #expect(onlyOther.standardOutput == "Cleaned up d1 on node1\nCleaned up d1 on node2\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("fail-count-d1"), "-n start leaves the monitor's count")
        let refresh = try ToolProcess.ours("crm_resource", ["-R", "-r", "g", "-N", "node1"], environment: environment)
        #expect(refresh.standardOutput == "Cleaned up g1 on node1\nCleaned up g2 on node1\n")
        #expect(!(try String(contentsOfFile: file, encoding: .utf8).contains("g1_last_0")))
        #expect(try ToolProcess.ours("crm_resource", ["-C", "-N", "nosuch"], environment: environment).status == 105)
        let all = try ToolProcess.ours("crm_resource", ["-C"], environment: environment)
        #expect(all.standardOutput == "Cleaned up all resources on all nodes\n")
        #expect(!(try String(contentsOfFile: file, encoding: .utf8).contains("fail-count-d1")))
    }

    @Test(.enabled(if: ToolProcess.pacemakerHas("crm_failcount") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"))
    func failcountAndStandbyLikePacemaker() throws {
        let cib = try corpusCIBForPacemaker2("bug-5025-2")
        let failcount = [
            "-G -r A -N fc16-builder", "-G -r virt-fencing -N fc16-builder", "-G -r A -N fc16-builder -q",
            "-G -r A -N fc16-builder -n start -I 0", "-G -r A -N fc16-builder -n monitor -I 30s", "-G -r nosuch -N fc16-builder",
            "-G -r A -N fc16-builder2",
        ]
        try SideBySide(tool: "crm_failcount", cib: cib).run(failcount.map { SideBySide.Step(arguments: $0.split(separator: " ").map(String.init)) })
        let standby = [
            "-G -N fc16-builder", "-N fc16-builder -v on", "-G -N fc16-builder", "-G -N fc16-builder -q",
            "-N fc16-builder -v off -l reboot", "-G -N fc16-builder -l reboot", "-N fc16-builder -D", "-G -N fc16-builder",
            "-N fc16-builder2 -v on -l reboot", "-G -N fc16-builder2", "-G -N nosuch",
        ]
        try SideBySide(tool: "crm_standby", cib: cib).run(standby.map { SideBySide.Step(arguments: $0.split(separator: " ").map(String.init)) })
    }

    @Test(.enabled(if: ToolProcess.pacemakerHas("crm_attribute") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"))
    func transientAttributesLikePacemaker() throws {
        let steps = [
            "-N fc16-builder -n foo -l reboot -G", "-N fc16-builder -n foo -l reboot -v 5", "-N fc16-builder -n foo -l reboot -G",
            "-N fc16-builder -n fail-count-A#monitor_30000 -t status -G", "-N fc16-builder -n foo -l reboot -D",
            "-N fc16-builder -n foo -l reboot -D", "-N fc16-builder2 -n foo -l reboot -v 1", "-N fc16-builder3 -n foo -l reboot -v 1",
            "-N fc16-builder2 -n foo -l reboot -G --output-as xml",
        ]
        try SideBySide(tool: "crm_attribute", cib: try corpusCIBForPacemaker2("bug-5025-2"))
            .run(steps.map { SideBySide.Step(arguments: $0.split(separator: " ").map(String.init)) })
    }

    @Test(.enabled(if: ToolProcess.pacemakerHas("crm_resource") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"))
    func whyAndLocateLikePacemaker() throws {
        let steps = [
            "-r dummy4 --meta -p target-role -v Stopped", "-r dummy1 --meta -p is-managed -v false", "-r dummy4 -Y", "-r dummy1 -Y",
            "-Y", "-r dummy1 -Y --output-as xml", "-Y -N c19.chepkov.lan", "-Y -N c19.chepkov.lan --output-as xml",
            "-Y --output-as xml", "-r dummy1 -Y -N c19.chepkov.lan --output-as xml", "-r dummy1 -Y -N c20.chepkov.lan --output-as xml",
            "-r dummy1 -W", "-r dummy1 -W -Q", "-r dummy4 -W", "-r dummy4 -W --output-as xml", "-r dummy1 -W --output-as xml",
            "-r nosuch -Y",
        ]
        try SideBySide(tool: "crm_resource", cib: try corpusCIBForPacemaker2("bug-lf-2435"))
            .run(steps.map { SideBySide.Step(arguments: $0.split(separator: " ").map(String.init)) })
    }
}
