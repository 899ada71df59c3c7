import CLibXML2

extension XMLDocument {
    /// Reads a large document piece by piece: the root's name and attributes first, then each child of the
    /// root as its own small document — or, for children named in `splitting`, each of their children.
    ///
    /// Only one piece is in memory at a time, so a 100 MB CIB never becomes a 1 GB tree. Each element handed
    /// to `visit` belongs to a document that is freed after `visit` returns. Same safety options as `parse`.
    public static func stream(
        _ bytes: some Collection<UInt8>, source: String = "<input>", splitting: Set<String>,
        root: ([(name: String, value: String)]) throws -> Void, visit: (XMLElement) throws -> Void
    ) throws {
        guard !bytes.isEmpty else { throw XMLError.empty(source: source) }
        _ = try XMLDocument(rootName: "stream", source: source)  // initialises libxml2 once per process
        let contiguous = Array(bytes)
        let options = parseOptions
        guard
            let reader = contiguous.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    xmlReaderForMemory(chars, Int32(buffer.count), source, "UTF-8", options)
                }
            })
        else { throw XMLError.malformed(source: source, line: 0, column: 0, message: "cannot create reader") }
        defer { xmlFreeTextReader(reader) }
        var sawRoot = false
        var inside: String?
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            let type = xmlTextReaderNodeType(reader)
            let depth = xmlTextReaderDepth(reader)
            guard type == 1, let node = xmlTextReaderCurrentNode(reader) else {
                if type == 15 && depth == 1 { inside = nil }
                status = xmlTextReaderRead(reader)
                continue
            }
            let name = String(cString: node.pointee.name)
            if depth == 0 {
                if node.pointee.doc?.pointee.intSubset != nil { throw XMLError.doctypeNotAllowed(source: source) }
                sawRoot = true
                try root(attributes(of: node))
                status = xmlTextReaderRead(reader)
            } else if depth == 1 && splitting.contains(name) {
                inside = name
                if xmlTextReaderIsEmptyElement(reader) == 1 { inside = nil }
                status = xmlTextReaderRead(reader)
            } else if depth == 1 || (depth == 2 && inside != nil) {
                guard let expanded = xmlTextReaderExpand(reader) else {
                    status = -1
                    break
                }
                let piece = try XMLDocument(rootName: "piece", source: source)
                piece.replaceRoot(with: XMLElement(document: piece, pointer: expanded))
                try visit(piece.root)
                status = xmlTextReaderNext(reader)
            } else {
                status = xmlTextReaderRead(reader)
            }
        }
        if status < 0 || !sawRoot {
            let line = Int(xmlTextReaderGetParserLineNumber(reader))
            let column = Int(xmlTextReaderGetParserColumnNumber(reader))
            throw XMLError.malformed(source: source, line: line, column: column, message: "not well-formed XML")
        }
    }

    private static func attributes(of node: xmlNodePtr) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                ha_xml_free(raw)
            }
            result.append((name, value))
            attribute = current.pointee.next
        }
        return result
    }
}
