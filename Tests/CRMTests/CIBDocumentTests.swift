import CRM
import Foundation
import Testing
import XML

@Suite struct CIBDocumentTests {
    @Test func configurationChangeBumpsEpochAndResetsNumUpdates() throws {
        var cib = try CIBFixtures.document()
        let result = try cib.apply(
            .modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="Stopped"/>"#), allowCreate: false))
        #expect(result.before == CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 3))
        #expect(result.after == CIBVersion(adminEpoch: 0, epoch: 6, numUpdates: 0))
        #expect(result.isConfigurationChanged)
        #expect(try cib.query(.xpath("//nvpair[@id='d1-tr']")).first?[attribute: "value"] == "Stopped")
    }

    @Test func statusChangeBumpsNumUpdatesOnly() throws {
        var cib = try CIBFixtures.document()
        try cib.apply(
            .modify(.whole, try CIBFixtures.element(#"<node_state id="1" in_ccm="false"/>"#), allowCreate: false))
        #expect(cib.version == CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 4))
    }

    @Test func unchangedModifyKeepsVersion() throws {
        var cib = try CIBFixtures.document()
        let result = try cib.apply(
            .modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="Started"/>"#), allowCreate: false))
        #expect(!result.isChanged)
        #expect(cib.version == result.before)
    }

    @Test func bumpAndAdminEpochIncrementFollowPacemaker() throws {
        var cib = try CIBFixtures.document()
        try cib.apply(.bump)
        #expect(cib.version == CIBVersion(adminEpoch: 0, epoch: 6, numUpdates: 4))
        try cib.apply(
            .modify(.whole, try CIBFixtures.element(#"<cib admin_epoch="admin_epoch++"/>"#), allowCreate: false))
        #expect(cib.version == CIBVersion(adminEpoch: 1, epoch: 6, numUpdates: 5))
    }

    @Test(arguments: [
        ("value++", "5", "6"), ("value+=10", "5", "15"), ("value+=INFINITY", "5", "1000000"),
        ("value++", "INFINITY", "1000000"), ("value+=-3", "1", "-2"), ("value+=x", "7", "7"),
        ("other++", "5", "other++"),
    ])
    func plusPlusExpansion(expression: String, old: String, expected: String) throws {
        var cib = try CIBFixtures.document()
        try cib.apply(
            .modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="\#(old)"/>"#), allowCreate: false))
        try cib.apply(
            .modify(
                .whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="\#(expression)"/>"#), allowCreate: false))
        #expect(try cib.query(.xpath("//nvpair[@id='d1-tr']")).first?[attribute: "value"] == expected)
    }

    @Test func createRefusesExistingIDAndChangesNothing() throws {
        var cib = try CIBFixtures.document()
        let before = cib.xml.serialized()
        #expect(throws: CIBError.alreadyExists(element: "node", id: "1")) {
            try cib.apply(.create(.scope(.nodes), try CIBFixtures.element(#"<node id="1" uname="x"/>"#)))
        }
        #expect(cib.xml.serialized() == before)
        try cib.apply(.create(.scope(.nodes), try CIBFixtures.element(#"<node id="3" uname="node3"/>"#)))
        #expect(try cib.query(.scope(.nodes)).first?.children.count == 3)
    }

    @Test func modifyOfMissingIDIsNoSuchObjectUnlessAllowCreate() throws {
        var cib = try CIBFixtures.document()
        let input = try CIBFixtures.element(
            #"<cluster_property_set id="more"><nvpair id="m1" name="a" value="1"/></cluster_property_set>"#)
        #expect(throws: CIBError.self) { try cib.apply(.modify(.scope(.crmConfig), input, allowCreate: false)) }
        let result = try cib.apply(.modify(.scope(.crmConfig), input, allowCreate: true))
        // Pacemaker 2.1.5 quirk: creating through modify only bumps num_updates.
        #expect(result.after == CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 4))
    }

    @Test func deleteMatchesAllGivenAttributes() throws {
        var cib = try CIBFixtures.document()
        try cib.apply(.delete(.whole, try CIBFixtures.element(#"<op id="d1-mon" name="start"/>"#), allMatches: false))
        #expect(try cib.query(.xpath("//op")).count == 1)
        try cib.apply(.delete(.whole, try CIBFixtures.element(#"<op id="d1-mon" name="monitor"/>"#), allMatches: false))
        #expect(throws: CIBError.self) { try cib.query(.xpath("//op")) }
    }

    @Test func deleteAllByXPath() throws {
        var cib = try CIBFixtures.document()
        try cib.apply(.delete(.xpath("//nvpair"), nil, allMatches: true))
        #expect(throws: CIBError.noSuchObject("xpath //nvpair matched nothing")) { try cib.query(.xpath("//nvpair")) }
        #expect(cib.version.epoch == 6)
    }

    @Test func replaceWholeRefusesOlderVersion() throws {
        var cib = try CIBFixtures.document()
        let older = try CIBFixtures.element(
            CIBFixtures.small.replacingOccurrences(of: #"epoch="5""#, with: #"epoch="4""#))
        #expect(
            throws: CIBError.olderVersion(
                current: cib.version, supplied: CIBVersion(adminEpoch: 0, epoch: 4, numUpdates: 3))
        ) {
            try cib.apply(.replace(.whole, older))
        }
        let newer = try CIBFixtures.element(
            CIBFixtures.small.replacingOccurrences(of: #"epoch="5""#, with: #"epoch="8""#)
                .replacingOccurrences(of: "node2", with: "nodeB"))
        try cib.apply(.replace(.whole, newer))
        #expect(cib.version == CIBVersion(adminEpoch: 0, epoch: 9, numUpdates: 0))
    }

    @Test func eraseKeepsCountersAndBumpsAdminEpoch() throws {
        var cib = try CIBFixtures.document()
        try cib.apply(.erase)
        #expect(cib.version == CIBVersion(adminEpoch: 1, epoch: 6, numUpdates: 0))
        #expect(cib.section(.resources)?.children.isEmpty == true)
    }

    @Test func queryOfMissingSectionAndUnknownScope() throws {
        let cib = try CIBFixtures.document()
        #expect(throws: CIBError.self) { try cib.query(.scope(.resourceDefaults)) }
        #expect(throws: CIBError.unknownScope("bogus")) { try CIBScope.parse("bogus") }
        #expect(try CIBScope.parse("all") == nil)
    }

    @Test func validatorRejectionChangesNothing() throws {
        var cib = try CIBFixtures.document()
        cib.validator = CIBClosureValidator { document in
            (try? document.select("//node[@uname='bad']"))?.isEmpty == false
                ? [XMLValidationIssue(line: 1, element: "node", message: "bad node")] : []
        }
        let before = cib.xml.serialized()
        #expect(throws: CIBError.self) {
            try cib.apply(.create(.scope(.nodes), try CIBFixtures.element(#"<node id="9" uname="bad"/>"#)))
        }
        #expect(cib.xml.serialized() == before)
    }

    @Test func digestsMatchPacemaker() throws {
        // Values printed by Pacemaker 2.1.5's `cibadmin -5/-6 -x` for `cibadmin --empty`.
        let empty = CIBDocument.empty()
        #expect(CIBDigest.onDisk(empty.root) == "a072cbbb8cf0bc0a4c9214043d46f53d")
        #expect(CIBDigest.versioned(empty.root) == "2322e0c31d4a16bd152401aef7db04d8")
        #expect(MD5.hex(Array("".utf8)) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(
            MD5.hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "9e107d9d372bb6826bd81d3542a419d6")
    }
}
