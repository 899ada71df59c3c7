import Foundation
import Testing

/// A small CIB for tool tests: `resources` and `constraints` go in their sections.
func toolCIB(
    validateWith: String = "pacemaker-3.9", options: String = #"<nvpair id="o-s" name="stonith-enabled" value="false"/>"#,
    resources: String = #"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#, constraints: String = ""
) -> String {
    """
    <cib validate-with="\(validateWith)" admin_epoch="0" epoch="1" num_updates="0" have-quorum="1">
      <configuration>
        <crm_config><cluster_property_set id="o">\(options)</cluster_property_set></crm_config>
        <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
        <resources>
          \(resources)
        </resources>
        <constraints>
          \(constraints)
        </constraints>
      </configuration>
      <status/>
    </cib>

    """
}

@Suite struct CRMVerifyTests {
    @Test func validFileIsSilentAndExitsZero() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB())
        let result = try ToolProcess.ours("crm_verify", ["-x", file])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty && result.standardError.isEmpty)
    }

    @Test func schemaErrorsCarryFileAndLineAndExit78() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB(resources: #"<primitive id="d1" class="ocf" type="Dummy"/>"#))
        let result = try ToolProcess.ours("crm_verify", ["-x", file])
        #expect(result.status == 78)
        #expect(result.standardError.contains("\(file):6: element primitive: Relax-NG validity error"))
        #expect(result.standardError.hasSuffix("crm_verify: Errors found during check: config not valid\n-V may provide more details\n"))
        let verbose = try ToolProcess.ours("crm_verify", ["-V", "-x", file])
        #expect(verbose.standardError.contains("(main) \terror: CIB did not pass schema validation"))
    }

    @Test func semanticErrorsShowWithVerbose() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB(options: ""))
        let quiet = try ToolProcess.ours("crm_verify", ["-x", file])
        #expect(quiet.status == 78)
        #expect(!quiet.standardError.contains("STONITH"))
        let verbose = try ToolProcess.ours("crm_verify", ["-V", "-x", file])
        #expect(verbose.status == 78)
        #expect(verbose.standardError.contains(
            "(unpack_resources) \terror: Resource start-up disabled since no STONITH resources have been defined"))
    }

    @Test func readsTextAndStandardInputAndRefusesMissingSources() throws {
        #expect(try ToolProcess.ours("crm_verify", ["-X", toolCIB()]).status == 0)
        #expect(try ToolProcess.ours("crm_verify", ["-p"], input: toolCIB()).status == 0)
        let none = try ToolProcess.ours("crm_verify", [])
        #expect(none.status == 1)
        #expect(none.standardError.contains("No configuration source specified"))
        let missing = try ToolProcess.ours("crm_verify", ["-x", "/nonexistent/cib.xml"])
        #expect(missing.status == 1)
        #expect(try ToolProcess.ours("crm_verify", ["-p"], input: "<cib").status == 1)
        #expect(try ToolProcess.ours("crm_verify", ["--bogus"]).status == 64)
    }

    @Test func liveCheckUsesCIBFileOrFailsClearly() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB())
        #expect(try ToolProcess.ours("crm_verify", ["-L"], environment: ["CIB_file": file]).status == 0)
        // Without a crmd: Pacemaker 2.1.5's message and exit code.
        let live = try ToolProcess.ours("crm_verify", ["-L"], environment: ["HA_RUN_DIR": scratch.path])
        #expect(live.status == 66)
        #expect(live.standardError == "crm_verify: CIB query failed: Input file not available\n", "\(live.standardError)")
    }

    @Test func xmlOutputIsPacemakersEnvelope() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("cib.xml", toolCIB(options: ""))
        let result = try ToolProcess.ours("crm_verify", ["-x", file, "--output-as", "xml"])
        #expect(result.status == 78)
        #expect(result.standardOutput.contains(#"<status code="78" message="Invalid configuration"/>"#))
        #expect(result.standardOutput.hasPrefix(#"<pacemaker-result api-version="2.25" request=""#))
    }
}
