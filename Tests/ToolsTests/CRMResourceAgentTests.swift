import Foundation
import Testing

/// crm_resource's local agent commands (`--force-*`, `--validate`, listings), run on our own agents.
@Suite struct CRMResourceAgentTests {
    /// Our agents' directory, so the tests need no installed resource-agents.
    static let agents: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("agents/ocf").path
    }()

    @Test func forcedActionsReturnTheAgentsCodes() throws {
        let scratch = try ScratchDirectory()
        let state = try scratch.write("state-placeholder", "")
        let cib = toolCIB(
            resources: """
                <primitive id="s1" class="ocf" provider="linux-ha" type="Stateful">
                  <instance_attributes id="s1-ia"><nvpair id="s1-st" name="state" value="\(state).s1"/></instance_attributes>
                  <meta_attributes id="s1-ma"><nvpair id="s1-tr" name="target-role" value="Started"/></meta_attributes>
                </primitive>
                """)
        let environment = ["CIB_file": try scratch.write("cib.xml", cib), "OCF_RA_PATH": Self.agents]
        var codes: [Int32] = []
        for option in [
            "--force-check", "--force-start", "--force-promote", "--force-check", "--force-demote", "--force-stop",
        ] {
            codes.append(try ToolProcess.ours("crm_resource", ["-r", "s1", option], environment: environment).status)
        }
        #expect(codes == [7, 0, 0, 8, 0, 0])
        let check = try ToolProcess.ours("crm_resource", ["-r", "s1", "--force-check"], environment: environment)
        #expect(
            check.standardOutput == "Operation force-check for s1 (ocf:linux-ha:Stateful) returned 7 (not running)\n")
        #expect(check.standardError.contains("Error performing operation: Not running"))
        let missing = try ToolProcess.ours("crm_resource", ["-r", "nosuch", "--force-start"], environment: environment)
        #expect(missing.status == 105)
    }

    @Test func validateWithoutACIB() throws {
        let arguments = [
            "--validate", "--class", "ocf", "--provider", "linux-ha", "--agent", "Dummy", "--option", "op_sleep=abc",
        ]
        let invalid = try ToolProcess.ours("crm_resource", arguments, environment: ["OCF_RA_PATH": Self.agents])
        #expect(invalid.status == 6)
        #expect(invalid.standardOutput == "Operation validate (ocf:linux-ha:Dummy) returned 6 (not configured)\n")
        let valid = try ToolProcess.ours(
            "crm_resource", Array(arguments.dropLast()) + ["op_sleep=0"], environment: ["OCF_RA_PATH": Self.agents])
        #expect(valid.status == 0)
    }

    @Test func forcedStartTimesOut() throws {
        let arguments = [
            "--force-start", "--class", "ocf", "--provider", "linux-ha", "--agent", "Dummy", "--option", "op_sleep=30",
            "--timeout", "1s",
        ]
        let started = Date()
        let result = try ToolProcess.ours("crm_resource", arguments, environment: ["OCF_RA_PATH": Self.agents])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.standardOutput.contains("Timed Out"))
    }

    @Test func listsAgents() throws {
        let environment = ["OCF_RA_PATH": Self.agents]
        #expect(
            try ToolProcess.ours("crm_resource", ["--list-standards"], environment: environment).standardOutput
                == "ocf\nlsb\nstonith\n")
        #expect(
            try ToolProcess.ours("crm_resource", ["--list-ocf-providers"], environment: environment).standardOutput
                == "linux-ha\n")
        #expect(
            try ToolProcess.ours("crm_resource", ["--list-agents", "ocf:linux-ha"], environment: environment)
                .standardOutput == "Dummy\nStateful\n")
        let metadata = try ToolProcess.ours(
            "crm_resource", ["--show-metadata", "ocf:linux-ha:Dummy"], environment: environment)
        #expect(metadata.standardOutput.contains("<resource-agent name=\"Dummy\""))
    }
}
