import Foundation
import Testing

/// ACL enforcement side by side with Debian's cibadmin: the "operator" role of Pacemaker's
/// documentation (read everything, write target-role, deny nodes) and users without roles.
@Suite(.serialized) struct CibadminACLCompatibilityTests {
    static let cib = #"""
        <cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="3" num_updates="0" admin_epoch="0">
          <configuration>
            <crm_config><cluster_property_set id="opts"><nvpair id="opts-acl" name="enable-acl" value="true"/></cluster_property_set></crm_config>
            <nodes><node id="1" uname="node1"/></nodes>
            <resources><primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes id="d1-meta"><nvpair id="d1-tr" name="target-role" value="Started"/></meta_attributes><instance_attributes id="d1-ia"><nvpair id="d1-p" name="fake" value="1"/></instance_attributes></primitive></resources>
            <constraints/>
            <acls>
              <acl_target id="tony"><role id="operator"/></acl_target>
              <acl_target id="norole"/>
              <acl_role id="operator">
                <acl_permission id="op-read" kind="read" xpath="/cib"/>
                <acl_permission id="op-write" kind="write" xpath="//resources//meta_attributes/nvpair[@name='target-role']"/>
                <acl_permission id="op-deny" kind="deny" object-type="nodes"/>
              </acl_role>
            </acls>
          </configuration>
          <status/>
        </cib>
        """#

    /// (CIB_user, cibadmin arguments)
    static let steps: [(String, [String])] = [
        ("tony", ["-Q"]), ("tony", ["-Q", "-o", "nodes"]), ("tony", ["-Q", "--xpath", "//node"]),
        ("tony", ["-Q", "--xpath", "//primitive"]),
        ("tony", ["-M", "-X", #"<nvpair id="d1-tr" value="Stopped"/>"#]),
        ("tony", ["-M", "-X", #"<primitive id="d1" type="Stateful"/>"#]),
        ("tony", ["-M", "-X", #"<nvpair id="d1-p" value="2"/>"#]),
        ("tony", ["-D", "-X", #"<nvpair id="d1-tr"/>"#]),
        (
            "tony",
            ["-C", "-o", "resources", "-X", #"<primitive id="d2" class="ocf" provider="pacemaker" type="Dummy"/>"#]
        ),
        ("tony", ["-E", "--force"]),
        ("norole", ["-Q"]), ("nobody", ["-Q"]), ("nobody", ["-M", "-X", #"<nvpair id="d1-p" value="3"/>"#]),
        ("root", ["-M", "-X", #"<nvpair id="d1-p" value="4"/>"#]), ("hacluster", ["-Q"]),
    ]

    @Test(.enabled(if: CIBToolHarness.hasPacemaker, "Debian's /usr/sbin/cibadmin is not installed"))
    func aclDecisionsMatchPacemaker() throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let theirs = directory.appendingPathComponent("theirs.xml").path
        let ours = directory.appendingPathComponent("ours.xml").path
        try Self.cib.write(toFile: theirs, atomically: true, encoding: .utf8)
        try Self.cib.write(toFile: ours, atomically: true, encoding: .utf8)
        for (user, step) in Self.steps {
            let expected = try CIBToolHarness.run(
                CIBToolHarness.pacemakerCibadmin, step, environment: ["CIB_file": theirs, "CIB_user": user])
            let actual = try CIBToolHarness.run(
                CIBToolHarness.ours("cibadmin"), step, environment: ["CIB_file": ours, "CIB_user": user])
            #expect(actual.status == expected.status, "exit code of \(step) as \(user): \(actual.error)")
            let ourCIB = CIBToolHarness.normalized(try String(contentsOfFile: ours, encoding: .utf8))
            let theirCIB = CIBToolHarness.normalized(try String(contentsOfFile: theirs, encoding: .utf8))
            #expect(
                ourCIB == theirCIB, "CIB after \(step) as \(user): \(CIBToolHarness.firstDifference(ourCIB, theirCIB))")
            if step.first == "-Q", expected.status == 0 {
                #expect(
                    CIBToolHarness.normalized(actual.output) == CIBToolHarness.normalized(expected.output),
                    "what \(user) reads with \(step)")
            }
        }
    }
}
