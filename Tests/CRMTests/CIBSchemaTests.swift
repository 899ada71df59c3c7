import CRM
import Testing
import XML

/// A minimal valid CIB with `body` inside `<resources>` and `constraints` inside `<constraints>`.
func cibText(
    validateWith: String = "pacemaker-3.9", resources: String = "", constraints: String = "", extra: String = ""
) -> String {
    """
    <cib validate-with="\(validateWith)" admin_epoch="0" epoch="1" num_updates="0">
      <configuration>
        <crm_config/>
        <nodes><node id="1" uname="node1"/></nodes>
        <resources>
    \(resources)
        </resources>
        <constraints>
    \(constraints)
        </constraints>
    \(extra)
      </configuration>
      <status/>
    </cib>
    """
}

@Suite struct CIBSchemaTests {
    let dummy = #"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#

    @Test(arguments: CIBSchemaGrammar.Family.allCases)
    func everyShippedGrammarCompilesAndAcceptsAMinimalCIB(family: CIBSchemaGrammar.Family) throws {
        let version = ["version1": "pacemaker-1.2", "version2": "pacemaker-2.10", "version3": "pacemaker-3.10"][
            family.rawValue]!
        let document = try XMLDocument.parse(cibText(validateWith: version, resources: dummy))
        #expect(CIBSchema.validate(document) == [])
    }

    @Test func primitiveWithoutProviderIsRejectedWithItsLine() throws {
        let text = cibText(resources: #"<primitive id="d1" class="ocf" type="Dummy"/>"#)
        let issues = CIBSchema.validate(try XMLDocument.parse(text))
        #expect(!issues.isEmpty)
        #expect(issues.contains { $0.line == 6 && $0.element == "primitive" })
    }

    @Test func danglingReferenceAndBadScoreAreRejected() throws {
        let dangling = cibText(resources: dummy, constraints: #"<rsc_location id="l1" rsc="nosuch" node="node1" score="10"/>"#)
        let issues = CIBSchema.validate(try XMLDocument.parse(dangling))
        #expect(issues.contains { $0.message.contains("nosuch") && $0.line == 9 })
        let badScore = cibText(resources: dummy, constraints: #"<rsc_location id="l1" rsc="d1" node="node1" score="lots"/>"#)
        #expect(CIBSchema.validate(try XMLDocument.parse(badScore)).contains { $0.message.contains("lots") })
    }

    @Test func duplicateIdentifiersAreRejected() throws {
        let text = cibText(resources: dummy + "\n" + dummy)
        #expect(!CIBSchema.validate(try XMLDocument.parse(text)).isEmpty)
    }

    @Test func unknownElementIsRejected() throws {
        let text = cibText(resources: #"<primitiv id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#)
        #expect(!CIBSchema.validate(try XMLDocument.parse(text)).isEmpty)
    }

    @Test func operationRequiresIsLegacySyntax() throws {
        let resource = """
            <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><operations>
            <op id="d1-start" name="start" interval="0" requires="fencing"/></operations></primitive>
            """
        #expect(CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-2.10", resources: resource))) == [])
        #expect(!CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.0", resources: resource))).isEmpty)
    }

    @Test func syntaxNewerThanTheDeclaredMinorVersionIsRefusedByName() throws {
        let resources = #"<primitive id="d1" class="lsb" type="a"/><primitive id="d2" class="lsb" type="b"/>"#
        let colocation = #"<rsc_colocation id="c" rsc="d1" with-rsc="d2" score="10" influence="false"/>"#
        let old = CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.5", resources: resources, constraints: colocation)))
        #expect(old.map(\.message) == [#"<rsc_colocation influence=…> needs pacemaker-3.6 or later, but the CIB declares validate-with="pacemaker-3.5""#])
        #expect(old.first?.line == 9)
        #expect(CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.6", resources: resources, constraints: colocation))) == [])
        let promoted = #"<rsc_location id="l" rsc="d1" role="Promoted" node="node1" score="10"/>"#
        #expect(!CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.6", resources: resources, constraints: promoted))).isEmpty)
        #expect(CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.7", resources: resources, constraints: promoted))) == [])
    }

    @Test func versionOneACLsAreOnlyAcceptedForVersionOne() throws {
        let acls = #"<acls><acl_role id="r1"><read id="r1-read" xpath="/cib"/></acl_role></acls>"#
        #expect(CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-1.2", extra: acls))) == [])
        #expect(!CIBSchema.validate(try XMLDocument.parse(cibText(validateWith: "pacemaker-3.0", extra: acls))).isEmpty)
    }

    @Test(arguments: ["pacemaker-4.0", "pacemaker-3.11", "foo", "pacemaker-3", "pacemaker-3.x", ""])
    func unknownSchemaNamesAreRefusedByName(value: String) throws {
        let result = CIBSchema().check(try XMLDocument.parse(cibText(validateWith: value, resources: dummy)))
        #expect(result.version == nil)
        #expect(result.issues.count == 1)
        #expect(result.issues.first?.message.contains("validate-with=\"\(value)\"") == true)
        #expect(result.issues.first?.line == 1)
    }

    @Test func noneDisablesValidation() throws {
        let text = cibText(validateWith: "none", resources: #"<primitiv id="x"/>"#)
        let result = CIBSchema().check(try XMLDocument.parse(text))
        #expect(result.isValid)
        #expect(result.isValidationDisabled)
    }

    @Test func missingValidateWithAndWrongRootAreRefused() throws {
        let noAttribute = try XMLDocument.parse(#"<cib admin_epoch="0" epoch="1" num_updates="0"/>"#)
        #expect(CIBSchema.validate(noAttribute).first?.message.contains("no validate-with") == true)
        let wrongRoot = try XMLDocument.parse("<configuration/>")
        #expect(CIBSchema.validate(wrongRoot).first?.message.contains("<configuration>") == true)
    }

    @Test func versionNamesRoundTripAndOrder() {
        for version in CIBSchemaVersion.known {
            #expect(CIBSchemaVersion(validateWith: version.description) == version)
        }
        #expect(CIBSchemaVersion.known.count == 25)
        #expect(CIBSchemaVersion.pacemaker(major: 3, minor: 10).isAtLeast(.pacemaker(major: 3, minor: 9)))
        #expect(!CIBSchemaVersion.pacemaker(major: 2, minor: 10).isAtLeast(.pacemaker(major: 3, minor: 0)))
        #expect(CIBSchemaVersion.next.isAtLeast(.latest))
    }
}
