import Foundation
import Testing
import XML

@Suite struct XMLDocumentFileTests {
    @Test func parsesFilesAndNamesThemInErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xmlfile-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: url) }
        try "<cib epoch=\"1\">\n  <configuration/>\n</cib>\n".write(to: url, atomically: true, encoding: .utf8)
        let document = try XMLDocument.parse(file: url.path)
        #expect(document.root.children.map(\.name) == ["configuration"])
        #expect(throws: XMLError.tooLarge(source: url.path, bytes: 42, limit: 10)) {
            _ = try XMLDocument.parse(file: url.path, maximumBytes: 10)
        }
        try "<cib>\n<nodes>\n</cib>".write(to: url, atomically: true, encoding: .utf8)
        #expect {
            _ = try XMLDocument.parse(file: url.path)
        } throws: { error in
            guard case XMLError.malformed(let source, let line, _, _) = error else { return false }
            return source == url.path && line == 3
        }
        #expect(throws: XMLError.self) { _ = try XMLDocument.parse(file: "/nonexistent/file.xml") }
    }
}
