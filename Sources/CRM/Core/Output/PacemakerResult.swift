import XML

/// The `--output-as xml` envelope every Pacemaker tool prints: `<pacemaker-result>` with the tool's
/// elements and a closing `<status code= message=>` (plus `<errors>` when there are any).
///
/// `api-version` and the layout are Pacemaker 2.1.5's, so scripts parsing its XML keep working.
public struct PacemakerResult {
    /// Pacemaker 2.1.5's API version for tool output.
    public static let apiVersion = "2.25"

    /// The command line as typed (`crm_verify -x cib.xml --output-as xml`).
    public var request: String
    /// The tool's own elements, in order, before `<status>`.
    public var elements: [XMLElement]
    /// The exit status the tool returns.
    public var status: CRMExitCode
    /// Error messages to list inside `<status>`.
    public var errors: [String]

    /// Creates an envelope.
    public init(request: String, elements: [XMLElement] = [], status: CRMExitCode, errors: [String] = []) {
        self.request = request
        self.elements = elements
        self.status = status
        self.errors = errors
    }

    /// The document as Pacemaker prints it: two-space indentation, one element per line, final newline.
    public func rendered() -> String {
        guard let document = try? XMLDocument(rootName: "pacemaker-result") else { return "" }
        let root = document.root
        try? root.setAttribute("api-version", Self.apiVersion)
        try? root.setAttribute("request", request)
        for element in elements { root.appendCopy(of: element) }
        if let statusElement = try? root.addChild(
            "status", attributes: [("code", String(status.rawValue)), ("message", status.description)])
        {
            if !errors.isEmpty, let list = try? statusElement.addChild("errors") {
                for error in errors { try? list.addChild("error").setText(error) }
            }
        }
        return document.serialized(pretty: true)
    }

    /// The `request` attribute Pacemaker records: the arguments as typed (argv[0] included), joined by spaces.
    public static func request(arguments: [String]) -> String {
        arguments.joined(separator: " ")
    }
}
