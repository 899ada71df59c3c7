import XML

/// Validates CIB documents against the grammar we ship, honouring the schema each one declares.
///
/// `validate-with` picks the grammar family (`CIBSchemaVersion.family`); `none` turns validation off (the
/// result says so, for crm_verify's warning); a value we do not know is refused with an issue naming it.
/// Grammars are compiled on first use and kept by the instance, so a tool or daemon that validates often
/// should keep one `CIBSchema`. Not `Sendable`: keep an instance inside one task or actor.
public final class CIBSchema {
    private var compiled: [CIBSchemaGrammar.Family: RelaxNGSchema] = [:]

    /// Creates a validator; nothing is compiled until the first document of a family arrives.
    public init() {}

    /// Validates `document` once with a throw-away validator; an empty result means valid.
    ///
    /// This is what editors (cibadmin, crm_attribute, crm_resource) call before writing a change.
    public static func validate(_ document: XMLDocument) -> [XMLValidationIssue] {
        CIBSchema().check(document).issues
    }

    /// Validates `document` and reports the declared version with the issues found.
    public func check(_ document: XMLDocument) -> CIBValidationResult {
        let root = document.root
        guard root.name == "cib" else {
            return CIBValidationResult(
                version: nil,
                issues: [issue(root, "the root element is <\(root.name)>, a CIB's root element is <cib>")])
        }
        guard let declared = root[attribute: "validate-with"] else {
            return CIBValidationResult(
                version: nil, issues: [issue(root, "the cib element has no validate-with attribute naming its schema")])
        }
        guard let version = CIBSchemaVersion(validateWith: declared) else {
            let message =
                "validate-with=\"\(declared)\" names a schema this implementation does not support"
                + " (supported: pacemaker-1.0 to pacemaker-3.10, pacemaker-next, none)"
            return CIBValidationResult(version: nil, issues: [issue(root, message)])
        }
        guard let family = version.family else { return CIBValidationResult(version: version, issues: []) }
        do {
            let issues = try grammar(for: family).validate(document)
            guard issues.isEmpty else {
                return CIBValidationResult(version: version, issues: issues + Self.diagnoses(of: document))
            }
            return CIBValidationResult(version: version, issues: CIBSchemaFeatures.issues(in: document, declared: version))
        } catch {
            return CIBValidationResult(
                version: version, issues: [issue(root, "the shipped CIB schema does not compile: \(error)")])
        }
    }

    private func grammar(for family: CIBSchemaGrammar.Family) throws(XMLError) -> RelaxNGSchema {
        if let schema = compiled[family] { return schema }
        let schema = try RelaxNGSchema(
            text: CIBSchemaGrammar.text(for: family), source: "cib-schema-\(family.rawValue).rng")
        compiled[family] = schema
        return schema
    }

    /// libxml2 often blames an enclosing element or a later sibling for a content error; for the mistakes
    /// people make most (agent class, provider and type), add an issue on the exact element.
    static func diagnoses(of document: XMLDocument) -> [XMLValidationIssue] {
        guard let configuration = document.root.firstChild(named: "configuration") else { return [] }
        return ConfigurationModel(configuration).agentFindings().map {
            XMLValidationIssue(line: $0.line, element: "primitive", message: $0.message)
        }
    }

    private func issue(_ element: XMLElement, _ message: String) -> XMLValidationIssue {
        XMLValidationIssue(line: element.line, element: element.name, message: message)
    }
}

/// The outcome of validating one CIB.
public struct CIBValidationResult: Equatable, Sendable {
    /// The declared schema, nil when the document names none we know (then `issues` says why).
    public var version: CIBSchemaVersion?
    /// Every problem found, each with its line; empty means valid.
    public var issues: [XMLValidationIssue]

    /// Creates a result.
    public init(version: CIBSchemaVersion?, issues: [XMLValidationIssue]) {
        self.version = version
        self.issues = issues
    }

    /// Whether the document passed (or validation is disabled by `validate-with="none"`).
    public var isValid: Bool { issues.isEmpty }

    /// Whether the document turned validation off with `validate-with="none"`.
    public var isValidationDisabled: Bool { version == CIBSchemaVersion.none }
}

extension CIBSchema: CIBValidator {
    /// The issues of `document` against its declared schema; what `CIBDocument.apply` calls after every
    /// edit, so an edit that would make the CIB invalid is refused and changes nothing.
    public func validate(_ document: XMLDocument) -> [XMLValidationIssue] {
        check(document).issues
    }
}
