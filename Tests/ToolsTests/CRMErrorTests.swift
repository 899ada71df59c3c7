import Foundation
import Testing

@Suite struct CRMErrorTests {
    @Test func describesExitCodesByNameAndNumber() throws {
        let result = try ToolProcess.ours("crm_error", ["-X", "-n", "105", "78"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "CRM_EX_NOSUCH - No such object\nCRM_EX_CONFIG - Invalid configuration\n")
        #expect(try ToolProcess.ours("crm_error", ["-X", "250"]).standardOutput == "Interrupted by signal\n")
        #expect(try ToolProcess.ours("crm_error", ["--", "-2"]).standardOutput == "No such file or directory\n")
        #expect(try ToolProcess.ours("crm_error", ["-r", "-n", "--", "-1013"]).standardOutput
            == "pcmk_rc_old_data - Update was older than existing configuration\n")
    }

    @Test func listsAFamilyAlignedLikePacemaker() throws {
        let list = try ToolProcess.ours("crm_error", ["-X", "-l", "-n"]).standardOutput
        #expect(list.hasPrefix("    0: CRM_EX_OK                   OK\n"))
        #expect(list.contains("    3: CRM_EX_UNIMPLEMENT_FEATURE  Unimplemented\n"))
        #expect(list.hasSuffix("  193: CRM_EX_NONE                 No exit status available\n"))
    }

    @Test func refusesNonNumericCodes() throws {
        #expect(try ToolProcess.ours("crm_error", ["abc"]).status == 64)
    }

    static let invocations: [[String]] = [
        [], ["-l", "-n"], ["-r", "-l", "-n"], ["-X", "-l", "-n"], ["-X"], ["-n", "105"], ["-X", "-n", "105"],
        ["-r", "-n", "--", "-1001"], ["--", "-5"], ["-X", "250"], ["-X", "255"], ["-X", "60"], ["-n", "300"],
        ["--output-as", "xml", "-X", "-n", "105", "0"], ["-X", "-l", "--output-as", "xml"], ["-n", "--", "-213"],
    ]

    @Test(
        .enabled(if: ToolProcess.pacemakerHas("crm_error"), "Pacemaker's crm_error is not installed; side-by-side skipped"),
        arguments: invocations)
    func sameOutputAsPacemaker(arguments: [String]) throws {
        let ours = try ToolProcess.ours("crm_error", arguments)
        let theirs = try ToolProcess.pacemaker("crm_error", arguments)
        #expect(ours.status == theirs.status)
        let normalize = { (text: String) in text.replacing(/request="[^"]*"/, with: "request=\"\"") }
        #expect(normalize(ours.standardOutput) == normalize(theirs.standardOutput))
    }
}
