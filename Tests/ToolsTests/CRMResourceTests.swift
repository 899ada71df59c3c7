import Foundation
import Testing

/// Two nodes, a primitive and a promotable clone.
let resourceCIB = toolCIB(resources: """
    <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
    <clone id="s1-clone"><meta_attributes id="s1-clone-meta"><nvpair id="s1-p" name="promotable" value="true"/></meta_attributes>
    <primitive id="s1" class="ocf" provider="pacemaker" type="Stateful"/></clone>
    <group id="g"><primitive id="g1" class="lsb" type="x"/><primitive id="g2" class="stonith" type="fence_xvm"/></group>
    """)

@Suite struct CRMResourceTests {
    @Test func setsGetsAndDeletesParameters() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", resourceCIB)]
        let set = try ToolProcess.ours("crm_resource", ["-r", "d1", "-p", "fake", "-v", "42"], environment: environment)
        #expect(set.standardOutput == "Set 'd1' option: id=d1-instance_attributes-fake set=d1-instance_attributes name=fake value=42\n")
        #expect(try ToolProcess.ours("crm_resource", ["-r", "d1", "-g", "fake"], environment: environment).standardOutput == "42\n")
        let meta = try ToolProcess.ours("crm_resource", ["-r", "d1", "--meta", "-p", "target-role", "-v", "Stopped"], environment: environment)
        #expect(meta.status == 0)
        let deleted = try ToolProcess.ours("crm_resource", ["-r", "d1", "-d", "fake"], environment: environment)
        #expect(deleted.standardOutput == "Deleted 'd1' option: id=d1-instance_attributes-fake name=fake\n")
        let missing = try ToolProcess.ours("crm_resource", ["-r", "nosuch", "-g", "x"], environment: environment)
        #expect(missing.status == 105)
    }

    @Test func movesBansAndClearsWithPacemakersConstraintNames() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", resourceCIB)
        let environment = ["CIB_file": file]
        let ban = try ToolProcess.ours("crm_resource", ["-r", "d1", "-B", "-N", "node2"], environment: environment)
        #expect(ban.status == 0)
        #expect(ban.standardOutput.hasPrefix("WARNING: Creating rsc_location constraint 'cli-ban-d1-on-node2'"))
        #expect(try ToolProcess.ours("crm_resource", ["-r", "d1", "-M", "-N", "node1", "-u", "PT1H"], environment: environment).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(#"<rsc_location id="cli-ban-d1-on-node2" rsc="d1" role="Started" node="node2" score="-INFINITY"/>"#))
        #expect(text.contains(#"<rsc_location id="cli-prefer-d1" rsc="d1" role="Started">"#))
        #expect(text.contains(##"attribute="#uname" operation="eq" value="node1""##))
        let clear = try ToolProcess.ours("crm_resource", ["-r", "d1", "-U"], environment: environment)
        #expect(clear.standardOutput == "Removing constraint: cli-ban-d1-on-node2\nRemoving constraint: cli-prefer-d1\n")
        let notRunning = try ToolProcess.ours("crm_resource", ["-r", "d1", "-M"], environment: environment)
        #expect(notRunning.status == 64)
        #expect(try ToolProcess.ours("crm_resource", ["-r", "d1", "-B", "-N", "node2", "-u", "soon"], environment: environment).status == 64)
    }

    @Test func clearExpiredRemovesOnlyEndedLifetimes() throws {
        let scratch = try ScratchDirectory()
        let ended = """
            <rsc_location id="cli-prefer-d1" rsc="d1" role="Started"><rule id="cli-prefer-rule-d1" score="INFINITY" boolean-op="and">
            <expression id="cli-prefer-expr-d1" attribute="#uname" operation="eq" value="node1" type="string"/>
            <date_expression id="cli-prefer-lifetime-end-d1" operation="lt" end="2001-01-01 00:00:00Z"/></rule></rsc_location>
            <rsc_location id="cli-ban-d1-on-node2" rsc="d1" role="Started" node="node2" score="-INFINITY"/>
            """
        let file = try scratch.write("cib.xml", toolCIB(constraints: ended))
        let clear = try ToolProcess.ours("crm_resource", ["-r", "d1", "-U", "--expired"], environment: ["CIB_file": file])
        #expect(clear.standardOutput == "Removing constraint: cli-prefer-d1\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("cli-ban-d1-on-node2"))
    }

    @Test func listsResourcesAndInstances() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", resourceCIB)]
        let list = try ToolProcess.ours("crm_resource", ["--list"], environment: environment)
        #expect(list.standardOutput == """
            Full List of Resources:
              * d1\t(ocf:pacemaker:Dummy):\t Stopped
              * Clone Set: s1-clone [s1] (promotable):
                * Stopped: [ node1 node2 ]
              * Resource Group: g:
                * g1\t(lsb:x):\t Stopped
                * g2\t(stonith:fence_xvm):\t Stopped

            """)
        let raw = try ToolProcess.ours("crm_resource", ["-l"], environment: environment)
        #expect(raw.standardOutput == "d1\ns1:0\ns1:1\ng1\ng2\n")
    }

    @Test func liveClusterCommandsFailClearly() throws {
        let scratch = try ScratchDirectory()
        let environment = ["CIB_file": try scratch.write("cib.xml", resourceCIB)]
        let wait = try ToolProcess.ours("crm_resource", ["--wait"], environment: environment)
        #expect(wait.status == 102)
        #expect(wait.standardError.contains("needs the live cluster"))
        let restart = try ToolProcess.ours("crm_resource", ["-r", "d1", "--restart"], environment: environment)
        #expect(restart.status == 102)
        #expect(restart.standardError.contains("--restart needs a running cluster"))
        #expect(try ToolProcess.ours("crm_resource", ["-L"]).status == 102)
    }

    @Test(.enabled(if: ToolProcess.pacemakerHas("crm_resource"), "Pacemaker's crm_resource is not installed; side-by-side skipped"))
    func sameResultsAsPacemaker() throws {
        let lines = [
            "-r d1 -p fake -v 42", "-r d1 -g fake", "-r d1 -g fake --output-as xml", "-r d1 -p fake -v 43 --output-as xml",
            "-r d1 --meta -p target-role -v Stopped", "-r d1 --meta -g target-role", "-r d1 -z -p cpu -v 2", "-r d1 -d fake",
            "-r d1 -d fake", "-r nosuch -g x", "-r nosuch -g x --output-as xml", "-r d1 -g nosuch", "-r d1 -g nosuch --output-as xml",
            "-r d1 -p a -v 1 -s myset", "-r d1 -p a -v 2", "-r d1 -B -N node2", "-r d1 -M -N node1", "-r d1 -M", "-r d1 -B",
            "-r s1-clone -B -N node1 --promoted", "-r d1 -M -N nosuch", "-r d1 -U -N node2", "-r d1 -U", "-r d1 -U",
            "-r s1-clone -U", "-r d1 -B -N node2 --output-as xml", "-r d1 -U --output-as xml", "-r nosuch -B -N node1",
            "-B -N node1", "-r d1 -p x", "-r d1 -B -N node2 -u garbage", "-r s1-clone -M -N node1 --promoted",
            "-r d1 -W", "-L", "-l", "-l --output-as xml", "-r d1 -q",
        ]
        var steps = lines.map { SideBySide.Step(arguments: $0.split(separator: " ").map(String.init)) }
        // A lifetime ends "now + 1h": the second may differ between the two runs, so compare status only, then clear.
        steps.append(SideBySide.Step(arguments: ["-r", "d1", "-B", "-N", "node1", "-u", "PT1H"], comparesOutput: false))
        steps.append(SideBySide.Step(arguments: ["-r", "d1", "-U"]))
        try SideBySide(tool: "crm_resource", cib: resourceCIB).run(steps)
    }

    @Test(
        .enabled(if: ToolProcess.pacemakerHas("crm_resource") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"),
        arguments: ["simple1", "promoted-1", "rsc-sets-clone", "group1"])
    func sameEditsAsPacemakerOnCorpusCIBs(name: String) throws {
        let text = try String(contentsOfFile: try #require(ConformanceCorpus.path(name)), encoding: .utf8)
        let first = try #require(text.firstMatch(of: /<primitive [^>]*id="([^"]+)"/)?.1).description
        let node = try #require(text.firstMatch(of: /<node [^>]*uname="([^"]+)"/)?.1).description
        let steps = [
            ["-l"], ["-r", first, "-p", "extra", "-v", "1"], ["-r", first, "-g", "extra"], ["-r", first, "--meta", "-p", "priority", "-v", "5"],
            ["-r", first, "-B", "-N", node], ["-r", first, "-M", "-N", node], ["-r", first, "-U"], ["-r", first, "-d", "extra"],
        ]
        try SideBySide(tool: "crm_resource", cib: text).run(steps.map { SideBySide.Step(arguments: $0) })
    }
}

/// `--list` (text and XML) and `--list-raw` on corpus CIBs whose status our simple reading interprets as
/// Pacemaker does (see Docs/Tools.md): a regression guard for the listing.
@Suite(.enabled(if: ToolProcess.pacemakerHas("crm_resource") && ConformanceCorpus.directory != nil, "needs Pacemaker and the corpus"))
struct CRMResourceListingSideBySideTests {
    @Test(arguments: [
        "7-migrate-group-one-unmigratable", "anti-colocation-order", "bug-5038", "clone-recover-no-shuffle-2", "coloc-list",
        "colocate-unmanaged-group", "group-unmanaged-stopped", "migrate-1", "promoted-1", "promoted-with-blocked",
        "template-rsc-sets-1", "ticket-clone-12", "ticket-group-13", "ticket-promoted-2", "ticket-rsc-sets-4", "simple7",
    ])
    func listsLikePacemaker(name: String) throws {
        let file = try #require(ConformanceCorpus.path(name))
        let steps = [["-L"], ["-L", "--output-as", "xml"], ["-l"]].map { SideBySide.Step(arguments: $0) }
        try SideBySide(tool: "crm_resource", cib: try String(contentsOfFile: file, encoding: .utf8)).run(steps)
    }
}
