import CLibXML2

/// libxml2 must be initialised once per process before any use from several threads.
/// A global `let` is initialised lazily, exactly once, under Swift's own lock.
let parserInitialized: Bool = {
    xmlInitParser()
    return true
}()

/// An XML document owned by Swift: parsed from bytes or a file, edited, queried, serialised.
///
/// The libxml2 tree is freed when the last reference goes. Parsing never touches the network, never
/// loads a DTD and never substitutes entities; a document with a DOCTYPE is refused outright, which
/// rules out XXE and entity-expansion bombs. Not `Sendable`: keep a document inside one actor or task.
public final class XMLDocument {
    let pointer: xmlDocPtr
    /// Where the document came from, for error messages ("cib.xml", "<stdin>", …).
    public let source: String

    init(owning pointer: xmlDocPtr, source: String) {
        self.pointer = pointer
        self.source = source
    }

    deinit { xmlFreeDoc(pointer) }

    /// Options for every parse: no network, no error printing, blanks between elements dropped, and
    /// libxml2's internal size limits lifted (XML_PARSE_HUGE, as Pacemaker parses CIBs): large CIBs
    /// have 10 MB+ stretches libxml2 otherwise rejects ("Huge input lookup"). Callers bound the input
    /// size with `maximumBytes`; DOCTYPEs stay refused, so no entity expansion can amplify it.
    static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_HUGE.rawValue)

    /// Parses a document from bytes.
    ///
    /// - Parameters:
    ///   - bytes: the UTF-8 text of the document.
    ///   - source: a name for error messages.
    ///   - maximumBytes: documents larger than this are refused before parsing.
    public static func parse(
        _ bytes: some Collection<UInt8>, source: String = "<input>", maximumBytes: Int = 256 << 20
    ) throws(XMLError) -> XMLDocument {
        _ = parserInitialized
        guard bytes.count <= maximumBytes else {
            throw .tooLarge(source: source, bytes: bytes.count, limit: maximumBytes)
        }
        guard !bytes.isEmpty else { throw .empty(source: source) }
        guard let context = xmlNewParserCtxt() else {
            throw .malformed(source: source, line: 0, column: 0, message: "out of memory")
        }
        defer { xmlFreeParserCtxt(context) }
        // Keep the first error: libxml2 overwrites lastError with follow-on errors ("premature end").
        let firstError = FirstErrorBox()
        let box = Unmanaged.passRetained(firstError)
        defer { box.release() }
        context.pointee._private = box.toOpaque()
        context.pointee.sax.pointee.serror = recordFirstParseError
        let contiguous = Array(bytes)
        let document: xmlDocPtr? = contiguous.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                xmlCtxtReadMemory(context, chars, Int32(buffer.count), source, "UTF-8", parseOptions)
            }
        }
        return try finishParse(document, context: context, firstError: firstError, source: source)
    }

    /// Turns a parse's outcome into a document or the first error, refusing DOCTYPEs and empty documents.
    static func finishParse(
        _ document: xmlDocPtr?, context: xmlParserCtxtPtr, firstError: FirstErrorBox, source: String
    ) throws(XMLError) -> XMLDocument {
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            throw firstError.error.map { error in
                .malformed(source: source, line: error.line, column: error.column, message: error.message)
            } ?? lastError(of: context, source: source)
        }
        let result = XMLDocument(owning: document, source: source)
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            throw .doctypeNotAllowed(source: source)
        }
        guard xmlDocGetRootElement(document) != nil else { throw .empty(source: source) }
        return result
    }

    /// Parses a document from a string.
    public static func parse(_ text: String, source: String = "<input>") throws(XMLError) -> XMLDocument {
        try parse(Array(text.utf8), source: source)
    }

    /// Creates an empty document with a root element named `rootName`.
    public init(rootName: String, source: String = "<new>") throws(XMLError) {
        _ = parserInitialized
        guard XMLDocument.isValidName(rootName) else { throw .invalidName(rootName) }
        let document = xmlNewDoc("1.0")!
        let root = xmlNewDocNode(document, nil, rootName, nil)
        xmlDocSetRootElement(document, root)
        self.pointer = document
        self.source = source
    }

    private static func lastError(of context: xmlParserCtxtPtr, source: String) -> XMLError {
        let error = context.pointee.lastError
        let message = error.message.map { String(cString: $0) } ?? "not well-formed XML"
        return .malformed(
            source: source, line: Int(error.line), column: Int(error.int2),
            message: message.trimmingTrailingNewlines())
    }

    /// The root element.
    public var root: XMLElement {
        XMLElement(document: self, pointer: xmlDocGetRootElement(pointer)!)
    }

    /// Replaces the root element with a deep copy of `element` (which may belong to another document).
    public func replaceRoot(with element: XMLElement) {
        let copy = xmlDocCopyNode(element.pointer, pointer, 1)!
        if let old = xmlDocSetRootElement(pointer, copy) {
            xmlFreeNode(old)
        }
    }

    /// A deep copy of the whole document.
    public func copy() -> XMLDocument {
        XMLDocument(owning: xmlCopyDoc(pointer, 1)!, source: source)
    }

    /// The document as text: compact on one line, or pretty with two-space indentation. No XML declaration.
    public func serialized(pretty: Bool = false) -> String {
        root.serialized(pretty: pretty)
    }

    static func isValidName(_ name: String) -> Bool {
        xmlValidateName(name, 0) == 0
    }
}

/// The first error libxml2 reported while parsing one document; used from the parsing thread only.
final class FirstErrorBox {
    var error: (line: Int, column: Int, message: String)?
}

/// libxml2 hands structured errors the parser context as user data; our box hangs off its `_private`.
func recordFirstParseError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let userData, let error else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let boxPointer = context.pointee._private else { return }
    let box = Unmanaged<FirstErrorBox>.fromOpaque(boxPointer).takeUnretainedValue()
    guard box.error == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let message = error.pointee.message.map { String(cString: $0) } ?? "not well-formed XML"
    box.error = (Int(error.pointee.line), Int(error.pointee.int2), message.trimmingTrailingNewlines())
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var result = self
        while let last = result.last, last == "\n" || last == "\r" || last == " " { result.removeLast() }
        return result
    }
}
