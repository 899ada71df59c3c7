import XML

/// The wire form of a CIB edit sent to the crmd (by a tool over the crmd socket, or by a crmd to the DC):
/// `<cib_update operation="modify" scope="status" allow-create="true" user="…">ELEMENT</cib_update>`.
/// One place maps `CIBRequest` to text and back, so every path carries exactly the same requests.
public enum CIBUpdateBody {
    /// Encodes an edit; queries are not updates and are refused. `client` names the tool that asked
    /// (`cibadmin`), `origin` the node it was submitted on: the DC records both on the `<cib>` element.
    public static func encode(
        _ request: CIBRequest, user: String? = nil, tag: String? = nil, client: String? = nil, origin: String? = nil
    ) throws(CIBError) -> String
    {
        var attributes: [(String, String)] = []
        var payload: XMLElement?
        func add(_ target: CIBTarget) {
            switch target {
            case .whole: break
            case .scope(let scope): attributes.append(("scope", scope.rawValue))
            case .xpath(let xpath): attributes.append(("xpath", xpath))
            }
        }
        switch request {
        case .query:
            throw .invalidRequest("a query is not an update")
        case .create(let target, let element):
            attributes.append(("operation", "create"))
            add(target)
            payload = element
        case .modify(let target, let element, let allowCreate):
            attributes.append(("operation", "modify"))
            add(target)
            if allowCreate { attributes.append(("allow-create", "true")) }
            payload = element
        case .replace(let target, let element):
            attributes.append(("operation", "replace"))
            add(target)
            payload = element
        case .delete(let target, let element, let allMatches):
            attributes.append(("operation", "delete"))
            add(target)
            if allMatches { attributes.append(("all-matches", "true")) }
            payload = element
        case .erase:
            attributes.append(("operation", "erase"))
        case .bump:
            attributes.append(("operation", "bump"))
        case .applyPatch(let patch):
            attributes.append(("operation", "patch"))
            payload = patch
        }
        if let user { attributes.append(("user", user)) }
        if let tag { attributes.append(("tag", tag)) }
        if let client { attributes.append(("client", client)) }
        if let origin { attributes.append(("origin", origin)) }
        var text = "<cib_update"
        for (name, value) in attributes { text += " \(name)=\"\(xmlEscaped(value))\"" }
        guard let payload else { return text + "/>" }
        return text + ">" + payload.serialized() + "</cib_update>"
    }

    /// The tag controllers put on their own updates (`transitionResult` for results of a transition's actions).
    public static func tag(of body: String) -> String? { headAttribute("tag", of: body) }

    /// An attribute of the `<cib_update>` element itself, found without parsing the payload.
    static func headAttribute(_ name: String, of body: String) -> String? {
        guard let end = body.firstIndex(of: ">") else { return nil }
        let head = Array(body[..<end].utf8)
        let needle = Array(" \(name)=\"".utf8)
        guard head.count >= needle.count else { return nil }
        for start in 0...(head.count - needle.count) where Array(head[start..<start + needle.count]) == needle {
            let valueStart = start + needle.count
            guard let close = head[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: head[valueStart..<close], as: UTF8.self)
        }
        return nil
    }

    /// The tag of updates that record the results of a transition's actions: they do not abort it.
    public static let transitionResultTag = "transition-result"

    /// Decodes `encode` output into the request and the user it runs as.
    public static func decode(_ body: String) throws(CIBError) -> (request: CIBRequest, user: String?) {
        let decoded = try decodeAll(body)
        return (decoded.request, decoded.user)
    }

    /// A decoded body: the request, the user it runs as, the tool and the node it came from.
    public struct Decoded {
        /// The edit.
        public var request: CIBRequest
        /// The user it runs as (nil: the crmd itself or a privileged client without one).
        public var user: String?
        /// The tool that asked (`cibadmin`), nil when not given.
        public var client: String?
        /// The name of the node it was submitted on, nil when not given.
        public var origin: String?
    }

    /// Decodes `encode` output with everything it carries.
    public static func decodeAll(_ body: String) throws(CIBError) -> Decoded {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(body, source: "<cib_update>")
        } catch {
            throw .invalidXML(error)
        }
        let root = document.root
        guard root.name == "cib_update", let operation = root[attribute: "operation"] else {
            throw .invalidRequest("an update must be <cib_update operation=…>, got <\(root.name)>")
        }
        var target = CIBTarget.whole
        if let xpath = root[attribute: "xpath"] {
            target = .xpath(xpath)
        } else if let name = root[attribute: "scope"], let scope = try CIBScope.parse(name) {
            target = .scope(scope)
        }
        let payload = root.children.first
        func required() throws(CIBError) -> XMLElement {
            guard let payload else { throw .invalidRequest("a \(operation) update needs an element") }
            return payload
        }
        let request: CIBRequest
        switch operation {
        case "create": request = .create(target, try required())
        case "modify": request = .modify(target, try required(), allowCreate: root[attribute: "allow-create"] == "true")
        case "replace": request = .replace(target, try required())
        case "delete": request = .delete(target, payload, allMatches: root[attribute: "all-matches"] == "true")
        case "erase": request = .erase
        case "bump": request = .bump
        case "patch": request = .applyPatch(try required())
        default: throw .invalidRequest("unknown update operation '\(operation)'")
        }
        return Decoded(
            request: request, user: root[attribute: "user"], client: root[attribute: "client"],
            origin: root[attribute: "origin"])
    }

    /// `body` with `origin` set to `name`, as the controller submits it; a body that names its origin already
    /// is returned as it is.
    public static func stamped(_ body: String, origin name: String) -> String {
        guard body.hasPrefix("<cib_update"), headAttribute("origin", of: body) == nil else { return body }
        return "<cib_update origin=\"\(xmlEscaped(name))\"" + body.dropFirst("<cib_update".count)
    }}
