import CRM
import Foundation
import Testing
import XML

@Suite struct CIBDirectoryTests {
    func withDirectory(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cibdir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    @Test func saveThenLoadVerifiesTheDigest() throws {
        try withDirectory { path in
            let store = CIBDirectory(path: path)
            let cib = try CIBFixtures.document()
            try store.save(cib, writtenAt: "Tue Nov 24 23:00:00 2026")
            let loaded = try store.load()
            #expect(loaded.section(.status) == nil)
            #expect(loaded.version == CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 0))
            #expect(loaded.root[attribute: "cib-last-written"] == "Tue Nov 24 23:00:00 2026")
            let signature = try String(contentsOfFile: path + "/cib.xml.sig", encoding: .utf8)
            #expect(signature == CIBDigest.onDisk(loaded.root))
        }
    }

    @Test func savesKeepNumberedBackupsAndWrap() throws {
        try withDirectory { path in
            let store = CIBDirectory(path: path, backupCount: 2)
            var cib = try CIBFixtures.document()
            for _ in 0..<4 {
                try cib.apply(.bump)
                try store.save(cib, writtenAt: "now")
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            #expect(files == ["cib-0.raw", "cib-0.raw.sig", "cib-1.raw", "cib-1.raw.sig", "cib.last", "cib.xml", "cib.xml.sig"])
            #expect(try String(contentsOfFile: path + "/cib.last", encoding: .utf8) == "0\n")
            // cib-0 holds the third save (epoch 8), cib-1 the second (epoch 7)
            let newest = try #require(store.newestValidBackup())
            #expect(newest == path + "/cib-0.raw")
        }
    }

    @Test func tamperedCIBIsRefusedNamingTheNewestValidBackup() throws {
        try withDirectory { path in
            let store = CIBDirectory(path: path)
            var cib = try CIBFixtures.document()
            try store.save(cib, writtenAt: "one")
            try cib.apply(.bump)
            try store.save(cib, writtenAt: "two")
            let text = try String(contentsOfFile: store.cibPath, encoding: .utf8)
            try text.replacingOccurrences(of: "node2", with: "nodeX").write(toFile: store.cibPath, atomically: true, encoding: .utf8)
            #expect {
                _ = try store.load()
            } throws: { error in
                guard case CIBStoreError.digestMismatch(_, _, _, let backup) = error else { return false }
                return backup == path + "/cib-0.raw" && "\(error)".contains("cib-0.raw")
            }
            // and no write starts on top of a tampered file
            #expect(throws: CIBStoreError.self) { try store.save(cib, writtenAt: "three") }
        }
    }

    @Test func truncatedCIBIsRefusedNamingTheNewestValidBackup() throws {
        try withDirectory { path in
            let store = CIBDirectory(path: path)
            let cib = try CIBFixtures.document()
            try store.save(cib, writtenAt: "one")
            try store.save(cib, writtenAt: "two")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store.cibPath))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: store.cibPath))
            #expect {
                _ = try store.load()
            } throws: { error in
                guard case CIBStoreError.corrupt(let file, _, let backup) = error else { return false }
                return file == store.cibPath && backup == path + "/cib-0.raw"
            }
        }
    }

    @Test func missingSignatureAndMissingFile() throws {
        try withDirectory { path in
            let store = CIBDirectory(path: path)
            #expect(throws: CIBStoreError.self) { _ = try store.load() }
            try store.save(try CIBFixtures.document(), writtenAt: "x")
            try FileManager.default.removeItem(atPath: path + "/cib.xml.sig")
            #expect(throws: CIBStoreError.self) { _ = try store.load() }
        }
    }
}
