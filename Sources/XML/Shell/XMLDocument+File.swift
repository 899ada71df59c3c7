import CLibXML2
import Glibc

extension XMLDocument {
    /// Parses a document straight from a file, streaming it through libxml2 in small chunks: no copy
    /// of the whole text is held in memory beside the tree (which matters for 100 MB+ CIBs).
    ///
    /// - Parameters:
    ///   - path: the file; errors name it.
    ///   - maximumBytes: files larger than this are refused before parsing.
    /// - Throws: `XMLError.unreadable` when the file cannot be opened, `.tooLarge`, `.malformed`, …
    public static func parse(file path: String, maximumBytes: Int = 256 << 20) throws(XMLError) -> XMLDocument {
        _ = parserInitialized
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path: path, reason: "is a directory") }
        guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard Int(info.st_size) <= maximumBytes else {
            throw .tooLarge(source: path, bytes: Int(info.st_size), limit: maximumBytes)
        }
        guard info.st_size > 0 else { throw .empty(source: path) }
        guard let context = xmlNewParserCtxt() else {
            throw .malformed(source: path, line: 0, column: 0, message: "out of memory")
        }
        defer { xmlFreeParserCtxt(context) }
        let firstError = FirstErrorBox()
        let box = Unmanaged.passRetained(firstError)
        defer { box.release() }
        context.pointee._private = box.toOpaque()
        context.pointee.sax.pointee.serror = recordFirstParseError
        let document = xmlCtxtReadFile(context, path, "UTF-8", parseOptions)
        return try finishParse(document, context: context, firstError: firstError, source: path)
    }
}
