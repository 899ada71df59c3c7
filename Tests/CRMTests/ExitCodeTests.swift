import CRM
import Testing

@Suite struct ExitCodeTests {
    @Test func namesAndDescriptionsMatchPacemaker() {
        #expect(CRMExitCode.noSuchObject.rawValue == 105)
        #expect(CRMExitCode.noSuchObject.name == "CRM_EX_NOSUCH")
        #expect(CRMExitCode.noSuchObject.description == "No such object")
        #expect(CRMExitCode.old.description == "Update was older than existing configuration")
        #expect(CRMExitCode(code: 4) == .insufficientPrivileges)
        #expect(CRMExitCode(code: 42) == nil)
        #expect(CRMExitCode(name: "CRM_EX_UNSAFE") == .unsafe)
        #expect(CRMExitCode.allCases.count == 43)
        #expect(Set(CRMExitCode.allCases.map(\.name)).count == CRMExitCode.allCases.count)
    }
}
