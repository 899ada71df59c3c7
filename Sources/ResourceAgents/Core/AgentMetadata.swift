import XML

/// An agent's self-description (`meta-data` output), OCF 1.0 or 1.1, as far as an executor and the
/// policy engine need it: parameters (required, unique, reloadable, defaults) and action hints.
public struct AgentMetadata: Sendable, Hashable {
    /// One declared parameter.
    public struct Parameter: Sendable, Hashable {
        /// The parameter's name (without `OCF_RESKEY_`).
        public var name: String
        /// Whether the agent needs it.
        public var isRequired: Bool
        /// Whether its value must be unique across resources (OCF 1.0 `unique`, or 1.1 `unique-group`).
        public var isUnique: Bool
        /// Whether `reload-agent` can apply a change to it (OCF 1.1).
        public var isReloadable: Bool
        /// Whether the agent marks it deprecated.
        public var isDeprecated: Bool
        /// The content type (`string`, `integer`, `boolean`, `time`, `select`, ...).
        public var type: String
        /// The declared default, if any.
        public var defaultValue: String?
        /// The one-line description.
        public var shortDescription: String
    }

    /// One declared action with its hints.
    public struct Action: Sendable, Hashable {
        /// The action's name.
        public var name: String
        /// The suggested timeout, if given and understood.
        public var timeout: Duration?
        /// The suggested interval, if given and understood.
        public var interval: Duration?
        /// The monitor depth (`OCF_CHECK_LEVEL`), if given.
        public var depth: Int?
        /// The role the action is for (`Promoted`, `Unpromoted`, legacy `Master`/`Slave`), if any.
        public var role: String?
    }

    /// The agent's name as it declares itself.
    public var name: String
    /// The agent's own version (the `version` attribute), if given.
    public var agentVersion: String?
    /// The OCF API version it claims (`<version>`), "1.0" when absent.
    public var ocfVersion: String
    /// The one-line description.
    public var shortDescription: String
    /// The long description.
    public var longDescription: String
    /// Parameters in declaration order.
    public var parameters: [Parameter]
    /// Actions in declaration order.
    public var actions: [Action]

    /// Whether the agent declares an action.
    public func supports(_ action: String) -> Bool { actions.contains { $0.name == action } }

    /// Whether the agent is promotable (declares both promote and demote).
    public var isPromotable: Bool { supports("promote") && supports("demote") }

    /// The suggested timeout for an action (the first declaration of that name).
    public func timeout(for action: String) -> Duration? { actions.first { $0.name == action }?.timeout }
}

/// Why meta-data could not be read.
public enum AgentMetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not well-formed XML.
    case malformedXML(String)
    /// The root element is not `<resource-agent>`.
    case unexpectedRoot(String)

    /// A message naming what was wrong.
    public var description: String {
        switch self {
        case .malformedXML(let message): "agent meta-data is not well-formed XML: \(message)"
        case .unexpectedRoot(let name): "agent meta-data root is <\(name)>, expected <resource-agent>"
        }
    }
}

extension AgentMetadata {
    /// Parses meta-data leniently: unknown elements and attributes are ignored, 1.0 and 1.1 forms both accepted,
    /// unparsable time hints become nil. Only malformed XML or a wrong root element fail.
    public init(parsing text: String, source: String = "<meta-data>") throws(AgentMetadataError) {
        let document: XMLDocument
        do { document = try XMLDocument.parse(Self.removingDoctype(text), source: source) } catch {
            throw .malformedXML(error.description)
        }
        let root = document.root
        guard root.name == "resource-agent" else { throw .unexpectedRoot(root.name) }
        name = root[attribute: "name"] ?? ""
        agentVersion = root[attribute: "version"]
        ocfVersion = root.firstChild(named: "version")?.text.trimmedSpaces ?? "1.0"
        shortDescription = Self.description(root, "shortdesc")
        longDescription = Self.description(root, "longdesc")
        parameters = (root.firstChild(named: "parameters")?.children(named: "parameter") ?? []).compactMap(
            Self.parameter)
        actions = (root.firstChild(named: "actions")?.children(named: "action") ?? []).compactMap(Self.action)
    }

    /// Old agents print `<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">`; we never load DTDs, so the
    /// declaration (with any internal subset) is dropped before parsing.
    static func removingDoctype(_ text: String) -> String {
        guard let start = text.firstRange(of: "<!DOCTYPE") else { return text }
        var depth = 0
        var index = start.upperBound
        while index < text.endIndex {
            let character = text[index]
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ">" && depth <= 0 {
                return String(text[..<start.lowerBound] + text[text.index(after: index)...])
            }
            index = text.index(after: index)
        }
        return text
    }

    private static func parameter(_ element: XMLElement) -> Parameter? {
        guard let name = element[attribute: "name"], !name.isEmpty else { return nil }
        let content = element.firstChild(named: "content")
        let uniqueGroup = element[attribute: "unique-group"].map { !$0.isEmpty } ?? false
        return Parameter(
            name: name, isRequired: isTrue(element[attribute: "required"]),
            isUnique: isTrue(element[attribute: "unique"]) || uniqueGroup,
            isReloadable: isTrue(element[attribute: "reloadable"]),
            isDeprecated: isTrue(element[attribute: "deprecated"]) || element.firstChild(named: "deprecated") != nil,
            type: content?[attribute: "type"] ?? "string", defaultValue: content?[attribute: "default"],
            shortDescription: description(element, "shortdesc"))
    }

    private static func action(_ element: XMLElement) -> Action? {
        guard let name = element[attribute: "name"], !name.isEmpty else { return nil }
        return Action(
            name: name, timeout: element[attribute: "timeout"].flatMap(parseDuration),
            interval: element[attribute: "interval"].flatMap(parseDuration),
            depth: element[attribute: "depth"].flatMap { Int($0.trimmedSpaces) },
            role: element[attribute: "role"])
    }

    /// The English description if there is one, else the first.
    private static func description(_ element: XMLElement, _ tag: String) -> String {
        let candidates = element.children(named: tag)
        let chosen = candidates.first { ($0[attribute: "lang"] ?? "en") == "en" } ?? candidates.first
        return chosen?.text.trimmedSpaces ?? ""
    }

    private static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.trimmedSpaces.lowercased() else { return false }
        return ["1", "true", "yes", "on", "y"].contains(value)
    }

    /// Parses Pacemaker's interval/timeout syntax: a number with an optional unit (ms, msec, s, sec, m, min,
    /// h, hr); a bare number means seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmedSpaces.lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard !digits.isEmpty, let value = Int64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmedSpaces
        switch unit {
        case "", "s", "sec", "secs", "second", "seconds": return .seconds(value)
        case "ms", "msec", "msecs": return .milliseconds(value)
        case "us", "usec", "usecs": return .microseconds(value)
        case "m", "min", "mins", "minute", "minutes": return .seconds(value * 60)
        case "h", "hr", "hrs", "hour", "hours": return .seconds(value * 3_600)
        default: return nil
        }
    }
}

extension StringProtocol {
    var trimmedSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
