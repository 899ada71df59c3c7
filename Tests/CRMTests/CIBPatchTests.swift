import CRM
import Foundation
import Testing
import XML

@Suite struct CIBPatchTests {
    /// Applies a series of edits of every kind to a corpus CIB and returns (old, new).
    static func editedPair(_ name: String) throws -> (CIBDocument, CIBDocument) {
        var old = try CIBFixtures.corpus(name)
        // crm_diff writes v1 diffs for old feature sets; use ours so both sides speak v2.
        try old.apply(.modify(.whole, try CIBFixtures.element(#"<cib crm_feature_set="3.16.1"/>"#), allowCreate: false))
        var new = old
        let primitives = try old.query(.xpath("//primitive"))
        let first = try #require(primitives.first?[attribute: "id"])
        try new.apply(
            .modify(
                .whole, try CIBFixtures.element(#"<primitive id="\#(first)" description="edited"/>"#),
                allowCreate: false))
        try new.apply(.create(.scope(.nodes), try CIBFixtures.element(#"<node id="new-node" uname="new-node"/>"#)))
        if let op = try? new.query(.xpath("//op")).first, let id = op[attribute: "id"] {
            try new.apply(.delete(.whole, try CIBFixtures.element(#"<op id="\#(id)"/>"#), allMatches: false))
        }
        try new.apply(.delete(.xpath("//node_state[1]/@crmd"), nil, allMatches: false))
        return (old, new)
    }

    @Test(arguments: ["1-a-then-bm-move-b", "594", "clone-anon-failcount", "group-fail", "params-6"])
    func diffThenApplyReproducesTheNewCIB(name: String) throws {
        var (old, new) = try Self.editedPair(name)
        // a move: put the last resource first
        if let resources = new.section(.resources), let last = resources.children.last, resources.children.count > 1 {
            var reordered = new
            let text = resources.serialized()
            let copy = try XMLDocument.parse(text, source: "r")
            copy.root.children.last?.move(toIndex: 0)
            try reordered.apply(.replace(.scope(.resources), copy.root))
            _ = last
            new = reordered
        }
        let patch = try #require(CIBPatch.create(from: old.xml, to: new.xml))
        #expect(patch.root[attribute: "format"] == "2")
        try old.apply(.applyPatch(patch.root))
        #expect(old.xml.serialized() == new.xml.serialized())
        #expect(old.version == new.version)
    }

    @Test func identicalCIBsHaveNoPatch() throws {
        let cib = try CIBFixtures.document()
        #expect(CIBPatch.create(from: cib.xml, to: cib.xml.copy()) == nil)
    }

    @Test func patchWithWrongSourceVersionIsRefused() throws {
        var old = try CIBFixtures.document()
        var new = old
        try new.apply(.bump)
        let patch = try #require(CIBPatch.create(from: old.xml, to: new.xml))
        try old.apply(.applyPatch(patch.root))
        // applying it again: the CIB is now newer than the patch's source
        #expect(throws: CIBError.self) { try old.apply(.applyPatch(patch.root)) }
        var older = try CIBFixtures.document(
            CIBFixtures.small.replacingOccurrences(of: #"epoch="5""#, with: #"epoch="4""#))
        #expect(
            throws: CIBError.patchVersionMismatch(
                expected: CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 3),
                actual: CIBVersion(adminEpoch: 0, epoch: 4, numUpdates: 3))
        ) { try older.apply(.applyPatch(patch.root)) }
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/crm_diff"), "crm_diff is not installed"),
        arguments: ["1-a-then-bm-move-b", "group-fail"])
    func pacemakerAppliesOurPatchAndWeApplyTheirs(name: String) throws {
        let (old, new) = try Self.editedPair(name)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("patch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let oldPath = directory.appendingPathComponent("old.xml").path
        let newPath = directory.appendingPathComponent("new.xml").path
        let patchPath = directory.appendingPathComponent("patch.xml").path
        try old.xml.serialized().write(toFile: oldPath, atomically: true, encoding: .utf8)
        try new.xml.serialized().write(toFile: newPath, atomically: true, encoding: .utf8)
        let ours = try #require(CIBPatch.create(from: old.xml, to: new.xml))
        try ours.serialized().write(toFile: patchPath, atomically: true, encoding: .utf8)
        let applied = try Self.run("/usr/sbin/crm_diff", ["-o", oldPath, "-p", patchPath])
        #expect(applied.status == 0)
        let result = try XMLDocument.parse(applied.output, source: "crm_diff")
        #expect(result.serialized() == new.xml.serialized())

        let theirs = try Self.run("/usr/sbin/crm_diff", ["-o", oldPath, "-n", newPath, "--no-version"])
        #expect(theirs.status == 1)
        let full = try Self.run("/usr/sbin/crm_diff", ["-o", oldPath, "-n", newPath])
        var target = old
        try target.apply(.applyPatch(try XMLDocument.parse(full.output, source: "crm_diff").root))
        #expect(target.xml.serialized() == new.xml.serialized())
    }

    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
