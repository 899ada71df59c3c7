import CLibXML2
import Glibc

/// What `XMLDocument.scan` does with an element whose start it reported.
public enum XMLScanChoice: Sendable {
    /// Report the element's children as events too (and its end).
    case events
    /// Build the element and its subtree as a tree, hand it to `tree` at its end, then free it.
    case tree
    /// Ignore the element and everything inside it.
    case skip
}

/// Where `XMLDocument.scan` reads from.
public enum XMLScanInput {
    /// A file, read in small chunks: the whole text is never in memory.
    case file(String)
    /// Bytes already in memory.
    case bytes([UInt8])
}

/// An element's start tag as `XMLDocument.scan` reports it. Valid only during the callback.
///
/// Names are matched against the scan's `names` list once, by libxml2's interned-name pointers, so a
/// handler switches over small integers instead of comparing strings.
public struct XMLStartTag {
    let localName: UnsafePointer<xmlChar>
    let rawAttributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    /// How many attributes the tag has.
    public let attributeCount: Int
    let table: XMLNameTable
    /// The nesting depth: 0 for the root element.
    public let depth: Int

    /// The position of the element's name in the scan's `names`, or -1 for any other name.
    public var nameIndex: Int { table.index(of: localName) }

    /// The element's name.
    public var name: String { String(cString: localName) }

    /// Calls `body` with each attribute's name position (-1 when not in `names`) and value, in document order.
    public func forEachAttribute(_ body: (_ nameIndex: Int, _ value: XMLScannedValue) throws -> Void) rethrows {
        guard let rawAttributes else { return }
        for index in 0..<attributeCount {
            // libxml2 hands five pointers per attribute: local name, prefix, URI, value start, value end.
            let base = rawAttributes + 5 * index
            guard let name = base[0], let start = base[3], let end = base[4] else { continue }
            try body(table.index(of: name), XMLScannedValue(start: start, count: end - start))
        }
    }

    /// Every attribute as a decoded name and value, in document order (the slow path, for rare elements).
    public var attributes: [(name: String, value: String)] {
        guard let rawAttributes else { return [] }
        var result: [(name: String, value: String)] = []
        for index in 0..<attributeCount {
            let base = rawAttributes + 5 * index
            guard let name = base[0], let start = base[3], let end = base[4] else { continue }
            result.append((String(cString: name), XMLScannedValue(start: start, count: end - start).string))
        }
        return result
    }

    /// The value of the attribute whose name is at `nameIndex` in `names`, decoded, or nil.
    public func value(_ nameIndex: Int) -> String? {
        var result: String?
        forEachAttribute { index, value in
            if index == nameIndex && result == nil { result = value.string }
        }
        return result
    }
}

/// An attribute value inside `XMLDocument.scan`'s callback.
public struct XMLScannedValue {
    let start: UnsafePointer<xmlChar>
    /// The length in bytes of the value as libxml2 holds it.
    public let count: Int

    /// The bytes as libxml2 holds them: references are resolved except `&`, kept as `&#38;`.
    public var rawBytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    /// The decoded value.
    public var string: String {
        let bytes = rawBytes
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        // Without entity substitution libxml2 leaves a literal ampersand as "&#38;" (and nothing else as '&').
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        let escape: [UInt8] = Array("&#38;".utf8)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"), index + 5 <= bytes.count, Array(bytes[index..<index + 5]) == escape {
                decoded.append(UInt8(ascii: "&"))
                index += 5
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Whether the value is exactly `text` (ASCII `text` without `&`).
    public func isEqual(to text: StaticString) -> Bool {
        guard text.utf8CodeUnitCount == count else { return false }
        return memcmp(start, text.utf8Start, count) == 0
    }
}

/// Interned-name pointers of the names a scan matches, looked up with a small open-addressing table.
final class XMLNameTable {
    private var keys: [UInt]
    private var values: [Int]
    private let mask: Int

    init(names: [String], dictionary: xmlDictPtr?) {
        var size = 16
        while size < names.count * 4 { size *= 2 }
        mask = size - 1
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        guard let dictionary else { return }
        for (position, name) in names.enumerated() {
            guard let interned = xmlDictLookup(dictionary, name, -1) else { continue }
            let key = UInt(bitPattern: interned)
            var slot = Self.hash(key) & mask
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == 0 {
                keys[slot] = key
                values[slot] = position
            }
        }
    }

    private static func hash(_ key: UInt) -> Int { Int(truncatingIfNeeded: (key >> 3) &* 0x9E37_79B9_7F4A_7C15 >> 40) }

    func index(of name: UnsafePointer<xmlChar>) -> Int {
        let key = UInt(bitPattern: name)
        var slot = Self.hash(key) & mask
        while true {
            let stored = keys[slot]
            if stored == key { return values[slot] }
            if stored == 0 { return -1 }
            slot = (slot + 1) & mask
        }
    }
}

extension XMLDocument {
    /// Reads a document as a stream of start and end events, building trees only for the elements the
    /// caller asks for: the fastest and leanest way through a large CIB.
    ///
    /// `start` is called for every element outside a tree and says what to do with it. An element chosen
    /// as `.tree` is handed to `tree` once complete (valid only during that call) and freed; `end` is
    /// called at the end of every `.events` element, with its depth. Names in `names` are reported by
    /// position (`XMLStartTag.nameIndex`). Same safety rules as `parse`: no DTDs, no entities, no network.
    public static func scan(
        _ input: XMLScanInput, source: String, names: [String],
        start: (XMLStartTag) throws -> XMLScanChoice, end: (_ depth: Int) throws -> Void,
        tree: (XMLElement) throws -> Void
    ) throws {
        _ = parserInitialized
        let anchor = try XMLDocument(rootName: "scan", source: source)
        try withoutActuallyEscaping(start) { start in
            try withoutActuallyEscaping(end) { end in
                try withoutActuallyEscaping(tree) { tree in
                    let state = XMLScanState(anchor: anchor, start: start, end: end, tree: tree)
                    switch input {
                    case .file(let path):
                        try checkReadable(path)
                        guard let context = xmlCreateFileParserCtxt(path) else {
                            throw XMLError.unreadable(path: path, reason: "cannot open")
                        }
                        try run(context, state: state, names: names, source: source)
                    case .bytes(let bytes):
                        guard !bytes.isEmpty else { throw XMLError.empty(source: source) }
                        try bytes.withUnsafeBufferPointer { buffer in
                            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                                guard let context = xmlCreateMemoryParserCtxt(chars, Int32(buffer.count)) else {
                                    throw XMLError.malformed(source: source, line: 0, column: 0, message: "out of memory")
                                }
                                try run(context, state: state, names: names, source: source)
                            }
                        }
                    }
                }
            }
        }
    }

    private static func checkReadable(_ path: String) throws(XMLError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path: path, reason: "is a directory") }
        guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_size > 0 else { throw .empty(source: path) }
    }

    private static func run(_ context: xmlParserCtxtPtr, state: XMLScanState, names: [String], source: String) throws {
        defer {
            if let document = context.pointee.myDoc {
                xmlFreeDoc(document)
                context.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(context)
        }
        xmlCtxtUseOptions(context, parseOptions)
        state.table = XMLNameTable(names: names, dictionary: context.pointee.dict)
        state.install(on: context)
        let box = Unmanaged.passRetained(state)
        defer { box.release() }
        context.pointee._private = box.toOpaque()
        xmlParseDocument(context)
        if let error = state.error { throw error }
        if state.sawDoctype { throw XMLError.doctypeNotAllowed(source: source) }
        if context.pointee.wellFormed == 0 || !state.sawRoot {
            if let error = state.firstError.error {
                throw XMLError.malformed(source: source, line: error.line, column: error.column, message: error.message)
            }
            let error = context.pointee.lastError
            let message = error.message.map { String(cString: $0) } ?? "not well-formed XML"
            throw XMLError.malformed(
                source: source, line: Int(error.line), column: Int(error.int2), message: message.trimmingTrailingNewlines())
        }
    }
}

/// The state of one scan, reached from libxml2's callbacks through the parser context's `_private`.
final class XMLScanState {
    let anchor: XMLDocument
    let start: (XMLStartTag) throws -> XMLScanChoice
    let end: (Int) throws -> Void
    let tree: (XMLElement) throws -> Void
    var table = XMLNameTable(names: [], dictionary: nil)
    let firstError = FirstErrorBox()
    var error: (any Error)?
    var sawDoctype = false
    var sawRoot = false
    /// Depth of the next element to start.
    var depth = 0
    /// Depth of the element whose tree is being built, or of the element being skipped; -1 when neither.
    var treeDepth = -1
    var skipDepth = -1
    var characters: charactersSAXFunc?
    var cdata: cdataBlockSAXFunc?
    var comment: commentSAXFunc?
    var instruction: processingInstructionSAXFunc?
    var reference: referenceSAXFunc?

    init(
        anchor: XMLDocument, start: @escaping (XMLStartTag) throws -> XMLScanChoice, end: @escaping (Int) throws -> Void,
        tree: @escaping (XMLElement) throws -> Void
    ) {
        self.anchor = anchor
        self.start = start
        self.end = end
        self.tree = tree
    }

    var isBuilding: Bool { treeDepth >= 0 }

    static func of(_ context: UnsafeMutableRawPointer?) -> XMLScanState {
        let parser = context!.assumingMemoryBound(to: xmlParserCtxt.self)
        return Unmanaged<XMLScanState>.fromOpaque(parser.pointee._private!).takeUnretainedValue()
    }

    func fail(_ error: any Error, _ context: UnsafeMutableRawPointer?) {
        if self.error == nil { self.error = error }
        xmlStopParser(context?.assumingMemoryBound(to: xmlParserCtxt.self))
    }

    /// Replaces the tree-building callbacks with ours; content callbacks pass through only inside trees.
    func install(on context: xmlParserCtxtPtr) {
        let sax = context.pointee.sax!
        characters = sax.pointee.characters
        cdata = sax.pointee.cdataBlock
        comment = sax.pointee.comment
        instruction = sax.pointee.processingInstruction
        reference = sax.pointee.reference
        sax.pointee.serror = scanRecordError
        sax.pointee.startElementNs = scanStartElement
        sax.pointee.endElementNs = scanEndElement
        sax.pointee.internalSubset = { context, _, _, _ in
            let state = XMLScanState.of(context)
            state.sawDoctype = true
            xmlStopParser(context?.assumingMemoryBound(to: xmlParserCtxt.self))
        }
        sax.pointee.characters = { context, text, length in
            let state = XMLScanState.of(context)
            if state.isBuilding { state.characters?(context, text, length) }
        }
        if cdata != nil {
            sax.pointee.cdataBlock = { context, text, length in
                let state = XMLScanState.of(context)
                if state.isBuilding { state.cdata?(context, text, length) }
            }
        }
        sax.pointee.comment = { context, text in
            let state = XMLScanState.of(context)
            if state.isBuilding { state.comment?(context, text) }
        }
        sax.pointee.processingInstruction = { context, target, data in
            let state = XMLScanState.of(context)
            if state.isBuilding { state.instruction?(context, target, data) }
        }
        sax.pointee.reference = { context, name in
            let state = XMLScanState.of(context)
            if state.isBuilding { state.reference?(context, name) }
        }
    }
}

private func scanRecordError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let userData, let error else { return }
    let state = XMLScanState.of(userData)
    guard state.firstError.error == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let message = error.pointee.message.map { String(cString: $0) } ?? "not well-formed XML"
    state.firstError.error = (Int(error.pointee.line), Int(error.pointee.int2), message.trimmingTrailingNewlines())
}

private func scanStartElement(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?, _ namespaceCount: Int32, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    _ attributeCount: Int32, _ defaultedCount: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
) {
    let state = XMLScanState.of(context)
    let depth = state.depth
    state.depth += 1
    if depth == 0 { state.sawRoot = true }
    if state.skipDepth >= 0 { return }
    if state.isBuilding {
        xmlSAX2StartElementNs(
            context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
        return
    }
    guard let localName else { return }
    let tag = XMLStartTag(
        localName: localName, rawAttributes: attributes, attributeCount: Int(attributeCount), table: state.table, depth: depth)
    do {
        switch try state.start(tag) {
        case .events: break
        case .skip: state.skipDepth = depth
        case .tree:
            state.treeDepth = depth
            xmlSAX2StartElementNs(
                context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
        }
    } catch {
        state.fail(error, context)
    }
}

private func scanEndElement(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?
) {
    let state = XMLScanState.of(context)
    state.depth -= 1
    let depth = state.depth
    if state.skipDepth >= 0 {
        if depth == state.skipDepth { state.skipDepth = -1 }
        return
    }
    if state.isBuilding {
        let parser = context!.assumingMemoryBound(to: xmlParserCtxt.self)
        let node = parser.pointee.node
        xmlSAX2EndElementNs(context, localName, prefix, uri)
        guard depth == state.treeDepth, let node else { return }
        state.treeDepth = -1
        do {
            try state.tree(XMLElement(document: state.anchor, pointer: node))
        } catch {
            state.fail(error, context)
        }
        xmlUnlinkNode(node)
        xmlFreeNode(node)
        return
    }
    do {
        try state.end(depth)
    } catch {
        state.fail(error, context)
    }
}
