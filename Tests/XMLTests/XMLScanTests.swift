import Testing

@testable import XML

/// `XMLDocument.scan`: events for chosen elements, trees for others, skipping, names by position.
@Suite struct XMLScanTests {
    /// Records what a scan reports as text lines.
    private func scan(_ text: String, trees: Set<String> = [], skips: Set<String> = []) throws -> [String] {
        var lines: [String] = []
        let names = ["a", "b", "id"]
        try XMLDocument.scan(.bytes(Array(text.utf8)), source: "test", names: names) { tag in
            var attributes: [String] = []
            tag.forEachAttribute { index, value in attributes.append("\(index)=\(value.string)") }
            lines.append("start \(tag.name)#\(tag.nameIndex)@\(tag.depth) \(attributes.joined(separator: ","))")
            if trees.contains(tag.name) { return .tree }
            if skips.contains(tag.name) { return .skip }
            return .events
        } end: { depth in
            lines.append("end @\(depth)")
        } tree: { element in
            lines.append("tree \(element.serialized())")
        }
        return lines
    }

    @Test func reportsStartsAndEndsWithNamePositions() throws {
        let lines = try scan(#"<a id="1"><b x="2"/><c/></a>"#)
        #expect(lines == ["start a#0@0 2=1", "start b#1@1 -1=2", "end @1", "start c#-1@1 ", "end @1", "end @0"])
    }

    @Test func decodesReferencesInValues() throws {
        let lines = try scan(#"<a id="x &amp; y &lt;z&gt; &#38;&#65; &quot;"/>"#)
        #expect(lines.first == #"start a#0@0 2=x & y <z> &A ""#)
    }

    @Test func buildsTreesAndSkipsSubtrees() throws {
        let text = #"<r><a id="t">text<b>&amp;</b><!-- c --></a><b><a id="hidden"/></b><c id="after"/></r>"#
        let lines = try scan(text, trees: ["a"], skips: ["b"])
        #expect(
            lines == [
                "start r#-1@0 ", #"start a#0@1 2=t"#, #"tree <a id="t">text<b>&amp;</b><!-- c --></a>"#,
                "start b#1@1 ", #"start c#-1@1 2=after"#, "end @1", "end @0",
            ])
    }

    @Test func refusesDoctypes() {
        #expect(throws: XMLError.doctypeNotAllowed(source: "test")) {
            _ = try scan(#"<!DOCTYPE a [<!ENTITY e "boom">]><a id="&e;"/>"#)
        }
    }

    @Test func reportsMalformedInputWithItsPosition() {
        #expect {
            _ = try scan("<a><b></a>")
        } throws: { error in
            guard case .malformed(_, let line, _, _) = error as? XMLError else { return false }
            return line == 1
        }
    }

    @Test func passesHandlerErrorsThrough() {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try XMLDocument.scan(.bytes(Array("<a><b/></a>".utf8)), source: "test", names: []) { tag in
                if tag.depth == 1 { throw Stop() }
                return .events
            } end: { _ in } tree: { _ in }
        }
    }

    @Test func refusesMissingFiles() {
        #expect(throws: XMLError.self) {
            try XMLDocument.scan(.file("/nonexistent/cib.xml"), source: "cib.xml", names: []) { _ in .events } end: { _ in
            } tree: { _ in }
        }
    }
}
