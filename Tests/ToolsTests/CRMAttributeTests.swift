import Foundation
import Testing

@Suite struct CRMAttributeTests {
    @Test func setsQueriesAndDeletesAClusterOption() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB())
        let environment = ["CIB_file": file]
        #expect(try ToolProcess.ours("crm_attribute", ["-n", "maintenance-mode", "-v", "true"], environment: environment).status == 0)
        let query = try ToolProcess.ours("crm_attribute", ["-n", "maintenance-mode", "-G"], environment: environment)
        #expect(query.standardOutput == "scope=crm_config  name=maintenance-mode value=true\n")
        let quiet = try ToolProcess.ours("crm_attribute", ["-n", "maintenance-mode", "-G", "-q"], environment: environment)
        #expect(quiet.standardOutput == "true\n")
        let deleted = try ToolProcess.ours("crm_attribute", ["-n", "maintenance-mode", "-D"], environment: environment)
        #expect(deleted.standardOutput
            == "Deleted crm_config option: id=cib-bootstrap-options-maintenance-mode name=maintenance-mode\n")
        let missing = try ToolProcess.ours("crm_attribute", ["-n", "maintenance-mode", "-G"], environment: environment)
        #expect(missing.status == 105)
        #expect(missing.standardError == "crm_attribute: Error performing operation: No such device or address\n")
    }

    @Test func nodeAttributesNeedAKnownNodeAndRebootLifetimeNeedsTheCluster() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB())
        let environment = ["CIB_file": file]
        #expect(try ToolProcess.ours("crm_attribute", ["-N", "node2", "-n", "rack", "-v", "4"], environment: environment).status == 0)
        let xml = try ToolProcess.ours("crm_attribute", ["-N", "node2", "-n", "rack", "-G", "--output-as", "xml"], environment: environment)
        #expect(xml.standardOutput.contains(#"<attribute name="rack" value="4" scope="nodes"/>"#))
        let unknown = try ToolProcess.ours("crm_attribute", ["-N", "nosuch", "-n", "rack", "-v", "4"], environment: environment)
        #expect(unknown.status == 105)
        #expect(unknown.standardError.contains("Could not map name=nosuch to a UUID"))
        // Transient attributes go into the node's status entry (as Pacemaker with CIB_file); this file has
        // none for node2, so there is nothing to put them in.
        let reboot = try ToolProcess.ours("crm_attribute", ["-N", "node2", "-n", "x", "-v", "1", "-l", "reboot"], environment: environment)
        #expect(reboot.status == 105)
    }

    @Test func anEditThatBreaksTheSchemaIsRefusedAndChangesNothing() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB())
        let before = try String(contentsOfFile: file, encoding: .utf8)
        let result = try ToolProcess.ours(
            "crm_attribute", ["-n", "x", "-v", "1", "-s", "bad id"], environment: ["CIB_file": file])
        #expect(result.status == 78)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
    }

    @Test func withoutACIBFileItFailsClearly() throws {
        let result = try ToolProcess.ours("crm_attribute", ["-n", "x", "-G"])
        #expect(result.status == 102)
        #expect(result.standardError.contains("Could not connect to the CIB"))
    }

    @Test(.enabled(if: ToolProcess.pacemakerHas("crm_attribute"), "Pacemaker's crm_attribute is not installed; side-by-side skipped"))
    func sameResultsAsPacemaker() throws {
        let steps: [[String]] = [
            ["-n", "maintenance-mode", "-v", "true"], ["-n", "maintenance-mode", "-G"], ["-n", "maintenance-mode", "-G", "-q"],
            ["-n", "maintenance-mode", "-G", "--output-as", "xml"], ["-n", "nosuch", "-G"], ["-n", "nosuch", "-G", "--output-as", "xml"],
            ["-t", "crm_config", "-n", "foo", "-v", "1", "-s", "myset"], ["-n", "foo", "-v", "2"], ["-n", "foo", "-G", "-i", "o-s"],
            ["-n", "bar", "-G", "-d", "dflt"], ["-n", "foo", "-D"], ["-n", "foo", "-D"], ["-N", "node1", "-n", "standby", "-v", "on"],
            ["-N", "node1", "-n", "standby", "-G"], ["-N", "node1", "-n", "standby", "-G", "--output-as", "xml"],
            ["-N", "node1", "-n", "standby", "-D"], ["-N", "nosuch", "-n", "standby", "-v", "on"], ["-N", "node1", "-n", "cpu", "-v", "4", "-z"],
            ["-n", "stonith-enabled", "-v", "value++"], ["-n", "stonith-enabled", "-G"], ["-N", "node2", "-n", "x", "-v", "1", "-l", "forever"],
            ["-n", "a", "-D", "--output-as", "xml"], ["-n", "stonith-enabled", "-D"], ["-G"], ["-G", "-q"], ["-P", "no-", "-G"],
            ["-N", "node1", "-G"], ["-n", "cluster-name", "-G", "--output-as", "json"],
            ["-n", "o-s", "-i", "o-s", "-G"], ["-i", "o-s", "-G"],
        ]
        try SideBySide(tool: "crm_attribute", cib: toolCIB()).run(steps.map { SideBySide.Step(arguments: $0) })
    }

    @Test(
        .enabled(if: ToolProcess.pacemakerHas("crm_attribute") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"),
        arguments: ["simple1", "promoted-1", "bug-lf-2551", "rsc-sets-clone", "bundle-nested-colocation"])
    func sameResultsAsPacemakerOnCorpusCIBs(name: String) throws {
        let text = try String(contentsOfFile: try #require(ConformanceCorpus.path(name)), encoding: .utf8)
        let steps: [[String]] = [
            ["-n", "no-quorum-policy", "-G"], ["-n", "no-quorum-policy", "-v", "freeze"], ["-n", "cluster-delay", "-v", "77s"],
            ["-n", "symmetric-cluster", "-D"], ["-n", "batch-limit", "-G", "-q"],
        ]
        try SideBySide(tool: "crm_attribute", cib: text).run(steps.map { SideBySide.Step(arguments: $0) })
    }
}
