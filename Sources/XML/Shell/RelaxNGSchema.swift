import CLibXML2

/// A compiled RelaxNG schema that validates documents and reports every problem with its line.
public final class RelaxNGSchema {
    private let schema: xmlRelaxNGPtr
    public let source: String

    /// Compiles a schema from its text. `includeDirectory` is where `<include href=…>`/`externalRef`
    /// files are resolved (local files only; the network is never used).
    public convenience init(text: String, source: String = "<schema>") throws(XMLError) {
        let document = try XMLDocument.parse(text, source: source)
        try self.init(document: document)
    }

    /// Compiles a schema from a file on disk; includes resolve relative to it.
    public convenience init(file path: String) throws(XMLError) {
        guard let document = xmlReadFile(path, nil, XMLDocument.parseOptions) else {
            throw .invalidSchema(source: path, message: "cannot read or parse the schema file")
        }
        try self.init(document: XMLDocument(owning: document, source: path))
    }

    private init(document: XMLDocument) throws(XMLError) {
        guard let parser = xmlRelaxNGNewDocParserCtxt(document.pointer) else {
            throw .invalidSchema(source: document.source, message: "out of memory")
        }
        defer { xmlRelaxNGFreeParserCtxt(parser) }
        let collector = IssueCollector()
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlRelaxNGSetParserStructuredErrors(parser, collectIssue, box.toOpaque())
        guard let schema = xmlRelaxNGParse(parser) else {
            let detail = collector.issues.map(\.message).joined(separator: "; ")
            throw .invalidSchema(source: document.source, message: detail.isEmpty ? "does not compile" : detail)
        }
        self.schema = schema
        self.source = document.source
    }

    deinit { xmlRelaxNGFree(schema) }

    /// Validates `document`; an empty result means valid.
    public func validate(_ document: XMLDocument) -> [XMLValidationIssue] {
        guard let context = xmlRelaxNGNewValidCtxt(schema) else {
            return [XMLValidationIssue(line: 0, element: "", message: "out of memory")]
        }
        defer { xmlRelaxNGFreeValidCtxt(context) }
        let collector = IssueCollector()
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlRelaxNGSetValidStructuredErrors(context, collectIssue, box.toOpaque())
        // ID/IDREF checks (dangling references) report through libxml2's per-thread structured handler, not
        // the context's; route that one to the collector too for the duration of this call.
        xmlSetStructuredErrorFunc(box.toOpaque(), collectIssue)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let result = xmlRelaxNGValidateDoc(context, document.pointer)
        if result != 0 && collector.issues.isEmpty {
            return [XMLValidationIssue(line: 0, element: document.root.name, message: "document is not valid")]
        }
        return collector.issues
    }
}

/// Gathers libxml2's structured errors for one parse or validation; used from one thread only.
private final class IssueCollector {
    var issues: [XMLValidationIssue] = []
}

private func collectIssue(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let userData, let error else { return }
    let collector = Unmanaged<IssueCollector>.fromOpaque(userData).takeUnretainedValue()
    let message = error.pointee.message.map { String(cString: $0) } ?? "invalid"
    var element = ""
    if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), let name = node.pointee.name {
        element = String(cString: name)
    }
    let issue = XMLValidationIssue(line: Int(error.pointee.line), element: element, message: message.trimmingTrailingNewlines())
    // The ID/IDREF pass can report the same problem through both handlers; keep one.
    guard collector.issues.last != issue else { return }
    collector.issues.append(issue)
}
