import CRM
import Testing
import XML

@Suite struct CIBVerifierTests {
    let stonithOff = #"<crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>"#

    func findings(resources: String = "", constraints: String = "", options: String? = nil) throws -> [CIBFinding] {
        let text = cibText(resources: resources, constraints: constraints)
            .replacingOccurrences(of: "<crm_config/>", with: options ?? stonithOff)
        return CIBVerifier.check(try XMLDocument.parse(text))
    }

    @Test func cleanConfigurationHasNoFindings() throws {
        #expect(try findings(resources: #"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#) == [])
    }

    @Test func missingFencingIsThreeErrorsUnlessDisabledOrWatchdog() throws {
        let enabled = try findings(options: "<crm_config/>")
        #expect(enabled.count == 3)
        #expect(enabled.allSatisfy { $0.severity == .error && $0.origin == "unpack_resources" })
        let watchdog = #"<crm_config><cluster_property_set id="o"><nvpair id="w" name="have-watchdog" value="true"/></cluster_property_set></crm_config>"#
        #expect(try findings(options: watchdog).isEmpty)
        let device = #"<primitive id="f" class="stonith" type="fence_xvm"/>"#
        #expect(try findings(resources: device, options: "<crm_config/>").isEmpty)
    }

    @Test func danglingAndMistypedConstraintReferences() throws {
        let result = try findings(
            resources: #"<primitive id="d1" class="lsb" type="a"/>"#,
            constraints: #"<rsc_colocation id="c1" rsc="d1" with-rsc="o-s" score="INFINITY"/>"#)
        #expect(result.contains(CIBFinding(.error, origin: "unpack_colocation_tags",
            "Ignoring constraint 'c1' because 'o-s' is not a valid resource or tag", line: 9)))
    }

    @Test func duplicateOperationsAndOnFail() throws {
        let resource = """
            <primitive id="d1" class="lsb" type="a"><operations>
            <op id="m1" name="monitor" interval="10s"/><op id="m2" name="monitor" interval="PT10S"/>
            <op id="s" name="stop" interval="0" on-fail="stop"/></operations></primitive>
            """
        let result = try findings(resources: resource)
        #expect(result.map(\.origin) == ["is_op_dup", "unpack_operation_on_fail"])
        #expect(result.first?.message.hasPrefix("Operation m2 is duplicate of m1") == true)
    }

    @Test func promotedTargetRoleNeedsPromotableClone() throws {
        let meta = #"<meta_attributes id="m"><nvpair id="m-r" name="target-role" value="promoted"/></meta_attributes>"#
        let plain = try findings(resources: #"<primitive id="d1" class="lsb" type="a">\#(meta)</primitive>"#)
        #expect(plain.map(\.origin) == ["get_target_role"])
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm-p" name="promotable" value="true"/></meta_attributes>
            <primitive id="d1" class="lsb" type="a">\(meta)</primitive></clone>
            """
        #expect(try findings(resources: clone).isEmpty)
    }

    @Test func agentFormsAndDuplicateIdsWhenValidationIsOff() throws {
        let text = cibText(
            validateWith: "none",
            resources: #"<primitive id="d1" class="ocf" type="Dummy"/><primitive id="d1" class="lsb" provider="x" type="y"/>"#
        ).replacingOccurrences(of: "<crm_config/>", with: stonithOff)
        let messages = CIBVerifier.check(try XMLDocument.parse(text)).map(\.message)
        #expect(messages.contains { $0.contains("Duplicate id 'd1'") })
        #expect(messages.contains("Resource 'd1' is of class ocf but has no provider"))
        #expect(messages.contains { $0.contains("only ocf agents have providers") })
    }

    @Test func verificationCombinesSchemaAndFindingsIntoPacemakersReport() throws {
        let invalid = try XMLDocument.parse(cibText(resources: #"<primitive id="d1" class="ocf" type="Dummy"/>"#))
        let verification = CIBVerification(invalid)
        #expect(verification.exitCode == .config)
        #expect(verification.findings.isEmpty)
        let lines = verification.reportLines(source: "cib.xml", verbosity: 1)
        #expect(lines.first?.hasPrefix("cib.xml:6: element primitive: Relax-NG validity error : ") == true)
        #expect(lines.suffix(2) == ["(main) \terror: CIB did not pass schema validation",
                                    "crm_verify: Errors found during check: config not valid"])
    }
}
