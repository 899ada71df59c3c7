import CRM
import Foundation
import Testing
import XML

/// Where Pacemaker's scheduler regression CIBs are: `$CONFORMANCE_DIR`, else a `shared/conformance` found
/// walking up from this file (the main checkout sits beside `shared/`), else nil (the tests are skipped).
enum Corpus {
    static let schedulerXML: String? = {
        if let explicit = ProcessInfo.processInfo.environment["CONFORMANCE_DIR"] {
            return explicit + "/scheduler/xml"
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/conformance/scheduler/xml").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static var files: [String] {
        guard let directory = schedulerXML,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return [] }
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { directory + "/" + $0 }
    }
}

@Suite struct CIBSchemaCorpusTests {
    @Test(.enabled(if: Corpus.schedulerXML != nil, "the conformance corpus (shared/conformance) is not here"))
    func everyCorpusCIBValidates() throws {
        let files = Corpus.files
        #expect(files.count >= 600, "expected the 637-file corpus, found \(files.count)")
        let schema = CIBSchema()
        var disabled: [String] = []
        for path in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let document = try XMLDocument.parse(Array(data), source: path)
            let result = schema.check(document)
            #expect(result.issues.isEmpty, "\(path): \(result.issues.map(\.description).joined(separator: "; "))")
            if result.isValidationDisabled { disabled.append((path as NSString).lastPathComponent) }
        }
        // The corpus has exactly one CIB that turns validation off; it must be recognised as such.
        #expect(disabled == ["order-wrong-kind.xml"])
    }
}
