import CRM
import Foundation
import Messaging
import Testing
import XML

/// A crmd killed between the two renames of a replica write must start again (found by `ha demo`'s kill -9).
@Suite("CIBReplicaStore recovery")
struct CIBReplicaStoreRecoveryTests {
    func withStore(_ body: (CIBReplicaStore) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-recovery-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try body(CIBReplicaStore(stateDirectory: url.path))
    }

    /// The fixture CIB with `num_updates` raised by `more`.
    func snapshot(_ more: Int) throws -> (text: String, version: CIBVersion) {
        let cib = try CIBFixtures.document()
        try cib.xml.root.setAttribute("num_updates", "\(cib.version.numUpdates + more)")
        let text = cib.xml.serialized()
        return (text, try CIBDocument.parse(Array(text.utf8), source: "<test>").version)
    }

    @Test func newerCIBBesideTheOldSignatureIsKeptAndSignedAgain() throws {
        try withStore { store in
            let first = try snapshot(0)
            let lineage = CIBLineage(term: ViewID(3), version: first.version)
            try store.save(snapshot: first.text, lineage: lineage, previous: nil)
            let oldSignature = try String(contentsOfFile: store.directory.cibPath + ".sig", encoding: .utf8)
            let second = try snapshot(2)
            try store.save(snapshot: second.text, lineage: lineage, previous: first.version)
            // The crash: cib.xml renamed, cib.xml.sig not yet; the lineage is the earlier one.
            try oldSignature.write(toFile: store.directory.cibPath + ".sig", atomically: true, encoding: .utf8)
            let loaded = try store.load()
            #expect(loaded.cib.version == second.version)
            #expect(loaded.lineage == lineage)
            #expect(try store.directory.load().version == second.version, "signed again")
        }
    }

    @Test func cibOlderThanItsLineageIsStillRefused() throws {
        try withStore { store in
            let first = try snapshot(0)
            try store.save(snapshot: first.text, lineage: CIBLineage(term: ViewID(3), version: first.version), previous: nil)
            let newer = try snapshot(4).version
            try CIBReplicaStore.format(CIBLineage(term: ViewID(3), version: newer))
                .write(toFile: store.lineagePath, atomically: true, encoding: .utf8)
            try "0123456789abcdef0123456789abcdef\n".write(
                toFile: store.directory.cibPath + ".sig", atomically: true, encoding: .utf8)
            #expect(throws: CIBStoreError.self) { try store.load() }
        }
    }
}
