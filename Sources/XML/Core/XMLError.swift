/// What went wrong reading, querying, validating or writing XML, with where it happened.
///
/// Every failure of the XML layer is one of these; callers turn them into their own domain errors
/// (`CIBError`, …) and users see the line and column of the problem.
public enum XMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not well-formed XML (or are not UTF-8); `line`/`column` are 1-based, 0 when unknown.
    case malformed(source: String, line: Int, column: Int, message: String)
    /// The document is larger than the caller's limit.
    case tooLarge(source: String, bytes: Int, limit: Int)
    /// The document carries a DOCTYPE; we never load DTDs or expand entities.
    case doctypeNotAllowed(source: String)
    /// The document has no root element.
    case empty(source: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// An XPath expression did not compile or evaluate.
    case invalidXPath(expression: String, message: String)
    /// A RelaxNG schema could not be loaded.
    case invalidSchema(source: String, message: String)
    /// A name is not a valid XML element or attribute name.
    case invalidName(String)

    public var description: String {
        switch self {
        case .malformed(let source, let line, let column, let message):
            return "\(source):\(line):\(column): \(message)"
        case .tooLarge(let source, let bytes, let limit):
            return "\(source): document is \(bytes) bytes, over the limit of \(limit) bytes"
        case .doctypeNotAllowed(let source):
            return "\(source): DOCTYPE declarations are not allowed (no DTDs, no entities)"
        case .empty(let source):
            return "\(source): document has no root element"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .invalidXPath(let expression, let message):
            return "invalid XPath expression '\(expression)': \(message)"
        case .invalidSchema(let source, let message):
            return "\(source): invalid RelaxNG schema: \(message)"
        case .invalidName(let name):
            return "'\(name)' is not a valid XML name"
        }
    }
}

/// One problem found by RelaxNG validation, with the line of the element it concerns.
public struct XMLValidationIssue: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var element: String
    public var message: String

    public init(line: Int, element: String, message: String) {
        self.line = line
        self.element = element
        self.message = message
    }

    public var description: String {
        "line \(line): element \(element): \(message)"
    }
}
