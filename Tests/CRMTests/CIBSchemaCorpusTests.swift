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

    /// Breaking a corpus CIB (an ocf primitive loses its provider; a constraint names a missing resource)
    /// makes it invalid, with an issue on the line of the broken element.
    @Test(.enabled(if: Corpus.schedulerXML != nil, "the conformance corpus (shared/conformance) is not here"))
    func brokenCorpusCIBsAreRejectedWithTheirLine() throws {
        let schema = CIBSchema()
        var broken = 0
        for path in Corpus.files.enumerated().filter({ $0.offset % 10 == 0 }).map(\.element) {
            let document = try XMLDocument.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
            guard schema.check(document).version?.family != nil else { continue }
            let primitives = try document.select("/cib/configuration/resources//primitive[@class='ocf'][@provider]")
            if let primitive = primitives.first {
                try primitive.setAttribute("provider", nil)
                let issues = schema.check(document).issues
                // libxml2 blames enclosing elements for content errors; CIBSchema adds one on the exact element.
                #expect(
                    issues.contains { $0.line == primitive.line && $0.message.hasSuffix("is of class ocf but has no provider") },
                    "\(path): \(issues)")
                broken += 1
            }
            let document2 = try XMLDocument.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
            if let constraint = try document2.select("/cib/configuration/constraints/rsc_location[@rsc]").first {
                try constraint.setAttribute("rsc", "no-such-resource-anywhere")
                let issues = schema.check(document2).issues
                #expect(issues.contains { $0.line == constraint.line && $0.message.contains("no-such-resource-anywhere") }, "\(path)")
            }
        }
        #expect(broken > 40)
    }
}
