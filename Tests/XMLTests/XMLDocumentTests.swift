import Testing
import XML

@Suite struct XMLDocumentTests {
    @Test func parsesAndReadsAttributesInOrder() throws {
        let document = try XMLDocument.parse(#"<cib epoch="3" admin_epoch="0"><configuration/></cib>"#)
        #expect(document.root.name == "cib")
        #expect(document.root.attributes.map(\.name) == ["epoch", "admin_epoch"])
        #expect(document.root[attribute: "epoch"] == "3")
        #expect(document.root[attribute: "missing"] == nil)
        #expect(document.root.children.map(\.name) == ["configuration"])
    }

    @Test func malformedInputReportsLineAndColumn() {
        #expect {
            _ = try XMLDocument.parse("<cib>\n  <nodes>\n</cib>", source: "cib.xml")
        } throws: { error in
            guard case XMLError.malformed(let source, let line, _, let message) = error else { return false }
            return source == "cib.xml" && line == 3 && message.contains("mismatch")
        }
    }

    @Test func refusesDoctypeAndEntities() {
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <cib>&lol2;</cib>
            """
        #expect(throws: XMLError.doctypeNotAllowed(source: "<input>")) { _ = try XMLDocument.parse(bomb) }
        let xxe = #"<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]><cib>&x;</cib>"#
        #expect(throws: XMLError.doctypeNotAllowed(source: "<input>")) { _ = try XMLDocument.parse(xxe) }
    }

    @Test func refusesInvalidUTF8AndEmptyAndOversized() {
        #expect(throws: XMLError.self) { _ = try XMLDocument.parse([0x3C, 0x61, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x61, 0x3E]) }
        #expect(throws: XMLError.empty(source: "<input>")) { _ = try XMLDocument.parse([UInt8]()) }
        #expect(throws: XMLError.tooLarge(source: "x", bytes: 11, limit: 10)) {
            _ = try XMLDocument.parse(Array("<a>123</a> ".utf8), source: "x", maximumBytes: 10)
        }
    }

    @Test func editsAndSerializes() throws {
        let document = try XMLDocument.parse("<cib><configuration><resources/></configuration></cib>")
        let resources = try #require(document.root.firstChild(named: "configuration")?.firstChild(named: "resources"))
        let primitive = try resources.addChild("primitive", attributes: [("id", "r1"), ("class", "ocf")])
        try primitive.setAttribute("type", "Dummy")
        try primitive.setAttribute("class", nil)
        #expect(document.serialized() == #"<cib><configuration><resources><primitive id="r1" type="Dummy"/></resources></configuration></cib>"#)
        primitive.remove()
        #expect(resources.children.isEmpty)
        #expect(document.serialized(pretty: true).contains("\n  <configuration>"))
    }

    @Test func escapesSpecialCharactersInAttributes() throws {
        let document = try XMLDocument(rootName: "nvpair")
        try document.root.setAttribute("value", #"a<b & "c""#)
        let again = try XMLDocument.parse(document.serialized())
        #expect(again.root[attribute: "value"] == #"a<b & "c""#)
    }

    @Test func xpathSelectsElementsAndValues() throws {
        let document = try XMLDocument.parse(
            #"<cib><configuration><resources><primitive id="a"/><primitive id="b"/></resources></configuration></cib>"#)
        #expect(try document.select("//primitive").map { $0[attribute: "id"] } == ["a", "b"])
        guard case .number(let count) = try document.evaluate("count(//primitive)") else {
            Issue.record("expected a number")
            return
        }
        #expect(count == 2)
        guard case .nodes(let owners, let values) = try document.evaluate("//primitive/@id") else {
            Issue.record("expected nodes")
            return
        }
        #expect(values == ["a", "b"])
        #expect(owners.count == 2)
        #expect(throws: XMLError.self) { _ = try document.select("//primitive[") }
    }

    @Test func copiesAcrossDocumentsAndMoves() throws {
        let source = try XMLDocument.parse(#"<a><b id="1"><c/></b></a>"#)
        let target = try XMLDocument.parse("<x><y/></x>")
        target.root.insertCopy(of: source.root.children[0], at: 0)
        #expect(target.serialized() == #"<x><b id="1"><c/></b><y/></x>"#)
        target.root.children[0].move(toIndex: 1)
        #expect(target.serialized() == #"<x><y/><b id="1"><c/></b></x>"#)
        #expect(target.root.children[1].index == 1)
        #expect(target.root.children[1].path == "/x/b")
    }

    @Test func relaxNGValidationReportsLines() throws {
        let schema = try RelaxNGSchema(
            text: """
                <grammar xmlns="http://relaxng.org/ns/structure/1.0">
                  <start><element name="cib"><zeroOrMore><element name="node">
                    <attribute name="id"/></element></zeroOrMore></element></start>
                </grammar>
                """)
        #expect(schema.validate(try XMLDocument.parse(#"<cib><node id="1"/></cib>"#)).isEmpty)
        let issues = schema.validate(try XMLDocument.parse("<cib>\n<node/>\n</cib>"))
        #expect(!issues.isEmpty)
        #expect(issues.first?.line == 2)
        #expect(throws: XMLError.self) { _ = try RelaxNGSchema(text: "<grammar/>") }
    }
}
