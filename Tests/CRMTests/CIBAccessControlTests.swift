import CRM
import Testing
import XML

@Suite struct CIBAccessControlTests {
    static func cib(permissions: String, enabled: Bool = true) -> String {
        """
        <cib epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config><cluster_property_set id="o">\
        <nvpair id="o-acl" name="enable-acl" value="\(enabled)"/></cluster_property_set></crm_config>\
        <nodes><node id="1" uname="node1"/></nodes><resources><primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">\
        <meta_attributes id="d1-m"><nvpair id="d1-tr" name="target-role" value="Started"/></meta_attributes>\
        <instance_attributes id="d1-i"><nvpair id="d1-p" name="fake" value="1"/></instance_attributes></primitive></resources>\
        <constraints/><acls><acl_target id="tony"><role id="r"/></acl_target><acl_group id="admins"><role id="g"/></acl_group>\
        <acl_role id="r">\(permissions)</acl_role>\
        <acl_role id="g"><acl_permission id="g1" kind="write" xpath="/cib"/></acl_role></acls></configuration><status/></cib>
        """
    }

    static let operatorRole = """
        <acl_permission id="p1" kind="read" xpath="/cib"/>\
        <acl_permission id="p2" kind="write" xpath="//meta_attributes/nvpair[@name='target-role']"/>\
        <acl_permission id="p3" kind="deny" object-type="nodes"/>
        """

    @Test func readsHideDeniedSections() throws {
        let cib = try CIBFixtures.document(Self.cib(permissions: Self.operatorRole))
        let visible = try cib.readableDocument(for: "tony")
        #expect(try visible.select("//nodes").isEmpty)
        #expect(try visible.select("//primitive").count == 1)
        #expect(throws: CIBError.self) { try cib.query(.scope(.nodes), user: "tony") }
        #expect(try cib.query(.scope(.nodes), user: "root").count == 1)
    }

    @Test func usersWithoutRolesReadNothing() throws {
        let cib = try CIBFixtures.document(Self.cib(permissions: Self.operatorRole))
        #expect(throws: CIBError.permissionDenied(user: "nobody", reason: "no part of the CIB is readable")) {
            try cib.query(.whole, user: "nobody")
        }
    }

    @Test func writesOnlyWherePermittedAndDeniedEditsChangeNothing() throws {
        var cib = try CIBFixtures.document(Self.cib(permissions: Self.operatorRole))
        try cib.apply(.modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="Stopped"/>"#), allowCreate: false), user: "tony")
        #expect(cib.version.epoch == 2)
        let before = cib.xml.serialized()
        #expect {
            try cib.apply(.modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-p" value="2"/>"#), allowCreate: false), user: "tony")
        } throws: { error in
            (error as? CIBError)?.exitCode == .insufficientPrivileges
        }
        #expect(cib.xml.serialized() == before)
    }

    @Test func deeperPermissionWinsAndDenyBeatsWriteOnTheSameElement() throws {
        let role = """
            <acl_permission id="p1" kind="deny" xpath="//resources"/>\
            <acl_permission id="p2" kind="write" reference="d1-p"/>\
            <acl_permission id="p3" kind="write" reference="d1-tr"/>\
            <acl_permission id="p4" kind="deny" reference="d1-tr"/>
            """
        var cib = try CIBFixtures.document(Self.cib(permissions: role))
        try cib.apply(.modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-p" value="2"/>"#), allowCreate: false), user: "tony")
        #expect(throws: CIBError.self) {
            try cib.apply(.modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-tr" value="x"/>"#), allowCreate: false), user: "tony")
        }
        // what remains readable: only d1-p and the scaffolding (ids only) above it
        let visible = try cib.readableDocument(for: "tony")
        let primitive = try #require(try visible.select("//primitive").first)
        #expect(primitive.attributes.map(\.name) == ["id"])
        #expect(try visible.select("//nvpair").compactMap { $0[attribute: "id"] } == ["d1-p"])
    }

    @Test func groupsPrivilegedUsersAndDisabledACLs() throws {
        let text = Self.cib(permissions: Self.operatorRole)
        let cib = try CIBFixtures.document(text)
        let control = CIBAccessControl(document: cib.xml, user: "alice", groups: ["admins"])
        #expect(control.filteredForReading(cib.xml) != nil)
        #expect(!CIBAccessControl.isSubject("root") && !CIBAccessControl.isSubject("hacluster"))
        var disabled = try CIBFixtures.document(Self.cib(permissions: Self.operatorRole, enabled: false))
        try disabled.apply(.modify(.whole, try CIBFixtures.element(#"<nvpair id="d1-p" value="9"/>"#), allowCreate: false), user: "nobody")
        #expect(try disabled.query(.xpath("//nvpair[@id='d1-p']"), user: "nobody").first?[attribute: "value"] == "9")
    }
}
