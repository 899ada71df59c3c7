import Foundation
import Testing

/// crm_shadow run for real, side by side with Debian's crm_shadow where it is installed.
@Suite(.serialized) struct CrmShadowTests {
    static let pacemakerShadow = "/usr/sbin/crm_shadow"

    /// (extra environment, arguments); `{S}` is replaced by the shadow name.
    static let steps: [([String: String], [String])] = [
        ([:], ["--create", "s1", "--batch"]), ([:], ["--create", "s1", "--batch"]),
        ([:], ["--create", "s1", "--batch", "--force"]), ([:], ["--create-empty", "s2", "--batch"]),
        ([:], ["-w"]), (["CIB_shadow": "s1"], ["-w"]), (["CIB_shadow": "s1"], ["-d"]),
        ([:], ["--reset", "s2", "--batch"]), ([:], ["--delete", "s2"]), ([:], ["--delete", "s2", "--force"]),
        (["CIB_shadow": "nosuch"], ["-p"]), ([:], ["--commit", "s1"]),
    ]

    func runAll(_ executable: String, root: URL) throws -> [Int32] {
        let shadowDirectory = root.appendingPathComponent("shadow")
        try FileManager.default.createDirectory(at: shadowDirectory, withIntermediateDirectories: true)
        let live = root.appendingPathComponent("live.xml").path
        try CibadminBadInputTests.cib.write(toFile: live, atomically: true, encoding: .utf8)
        var statuses: [Int32] = []
        for (extra, arguments) in Self.steps {
            var environment = ["CIB_file": live, "CIB_shadow_dir": shadowDirectory.path]
            environment.merge(extra) { $1 }
            statuses.append(try CIBToolHarness.run(executable, arguments, environment: environment).status)
        }
        return statuses
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: pacemakerShadow), "Debian's crm_shadow is not installed"))
    func exitCodesMatchPacemaker() throws {
        let root = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let theirs = try runAll(Self.pacemakerShadow, root: root.appendingPathComponent("theirs"))
        let ours = try runAll(CIBToolHarness.ours("crm_shadow"), root: root.appendingPathComponent("ours"))
        #expect(ours == theirs)
    }

    @Test func stagedChangesAreCommittedToTheFile() throws {
        let root = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let live = root.appendingPathComponent("live.xml").path
        try CibadminBadInputTests.cib.write(toFile: live, atomically: true, encoding: .utf8)
        let base = ["CIB_file": live, "CIB_shadow_dir": root.path]
        let shadow = CIBToolHarness.ours("crm_shadow")
        #expect(try CIBToolHarness.run(shadow, ["--create", "stage", "--batch"], environment: base).status == 0)
        var staged = base
        staged["CIB_shadow"] = "stage"
        // every tool honours CIB_shadow over CIB_file
        let create = try CIBToolHarness.run(
            CIBToolHarness.ours("cibadmin"), ["-C", "-o", "nodes", "-X", #"<node id="9" uname="node9"/>"#], environment: staged)
        #expect(create.status == 0)
        #expect(try !String(contentsOfFile: live, encoding: .utf8).contains("node9"))
        let diff = try CIBToolHarness.run(shadow, ["-d"], environment: staged)
        #expect(diff.status == 1)
        #expect(diff.output.contains("++ /cib/configuration/nodes:  <node id=\"9\" uname=\"node9\"/>"))
        let edit = try CIBToolHarness.run(shadow, ["-E"], environment: staged.merging(["EDITOR": "sed -i s/node9/node10/"]) { $1 })
        #expect(edit.status == 0)
        #expect(try CIBToolHarness.run(shadow, ["--commit", "stage", "--force"], environment: staged).status == 0)
        let committed = try String(contentsOfFile: live, encoding: .utf8)
        #expect(committed.contains("node10"))
        #expect(committed.contains(#"epoch="5""#))
    }
}
