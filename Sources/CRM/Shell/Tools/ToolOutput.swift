import XML

/// `--output-as` formats shared by the tools.
public enum ToolOutputFormat: String, CaseIterable, Sendable {
    case text
    case xml
}

/// Builds Pacemaker's `<pacemaker-result>` XML envelope for `--output-as=xml`.
public enum PacemakerResult {
    /// The formatted-output API version Pacemaker 2.1.5 reports.
    public static let apiVersion = "2.25"

    /// The whole document: `body` elements (already serialised, may be empty), then the status,
    /// with `errors` listed under it when the code is not OK.
    public static func render(request: String, body: [String] = [], code: CRMExitCode, errors: [String] = []) -> String
    {
        var text = "<pacemaker-result api-version=\"\(apiVersion)\" request=\"\(xmlEscaped(request))\">\n"
        for element in body {
            for line in element.split(separator: "\n", omittingEmptySubsequences: true) { text += "  \(line)\n" }
        }
        let status = "<status code=\"\(code.rawValue)\" message=\"\(xmlEscaped(code.description))\""
        if errors.isEmpty {
            text += "  \(status)/>\n"
        } else {
            text += "  \(status)>\n    <errors>\n"
            // Element content escapes only &, < and > (as libxml2 writes it); quotes stay as they are.
            for error in errors {
                let content = error.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(
                    ">", with: "&gt;")
                text += "      <error>\(content)</error>\n"
            }
            text += "    </errors>\n  </status>\n"
        }
        return text + "</pacemaker-result>\n"
    }
}

/// Writes tool output: text to stdout/stderr, or everything inside one XML envelope.
public struct ToolReporter {
    /// The chosen format.
    public let format: ToolOutputFormat
    /// The command line, for the XML envelope's `request` attribute.
    public let request: String
    private var body: [String] = []
    private var errors: [String] = []

    /// A reporter for one run.
    public init(format: ToolOutputFormat, request: String) {
        self.format = format
        self.request = request
    }

    /// Emits normal output (text: printed now; xml: an element of the result).
    public mutating func output(_ text: String) {
        switch format {
        case .text: ToolStreams.writeOut(text)
        case .xml: body.append(text)
        }
    }

    /// Emits an error message (text: to stderr prefixed by the tool name; xml: in `<errors>`).
    public mutating func error(_ message: String, tool: String) {
        switch format {
        case .text: ToolStreams.writeError("\(tool): \(message)\n")
        case .xml: errors.append("\(tool): \(message)")
        }
    }

    /// Finishes: for xml prints the envelope; returns the exit status to use.
    public func finish(_ code: CRMExitCode) -> Int32 {
        if format == .xml {
            ToolStreams.writeOut(PacemakerResult.render(request: request, body: body, code: code, errors: errors))
        }
        return code.rawValue
    }
}
