import XML

/// What crm_verify concludes about one CIB: schema issues, then (when the schema passed) semantic findings,
/// the exit status, and the report lines in Pacemaker's crm_verify format.
public struct CIBVerification {
    /// The schema check.
    public let schema: CIBValidationResult
    /// Semantic findings; empty when the schema check failed (Pacemaker stops there too).
    public let findings: [CIBFinding]

    /// Verifies `document` with `validator`.
    public init(_ document: XMLDocument, validator: CIBSchema = CIBSchema()) {
        schema = validator.check(document)
        findings = schema.isValid ? CIBVerifier.check(document) : []
    }

    /// Whether anything makes the configuration invalid.
    public var hasErrors: Bool { !schema.isValid || findings.contains { $0.severity == .error } }

    /// Whether a configuration warning was found (Pacemaker counts these against the configuration too).
    public var hasConfigurationWarnings: Bool { findings.contains { $0.severity == .configurationWarning } }

    /// 0 when valid (plain warnings allowed), 78 (`CRM_EX_CONFIG`) otherwise, as Pacemaker's crm_verify.
    public var exitCode: CRMExitCode { hasErrors || hasConfigurationWarnings ? .config : .ok }

    /// The lines crm_verify prints on stderr.
    ///
    /// - Parameters:
    ///   - source: the input's name for schema issue lines (`cib.xml:12: element …`), nil for text input.
    ///   - verbosity: the number of `-V`: errors show from 1, warnings from 2.
    public func reportLines(source: String?, verbosity: Int) -> [String] {
        var lines: [String] = []
        if schema.isValidationDisabled {
            lines.append(
                "Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)")
        }
        for issue in schema.issues {
            let prefix = source.map { "\($0):\(issue.line): " } ?? "line \(issue.line): "
            let kind = issue.message.hasPrefix("IDREF") ? "validity error" : "Relax-NG validity error"
            lines.append("\(prefix)element \(issue.element): \(kind) : \(issue.message)")
        }
        if !schema.isValid && verbosity >= 1 {
            lines.append("(main) \terror: CIB did not pass schema validation")
        }
        for finding in findings where verbosity >= (finding.severity == .error ? 1 : 2) {
            lines.append(finding.description)
        }
        if hasErrors {
            lines.append("crm_verify: Errors found during check: config not valid")
        } else if hasConfigurationWarnings {
            lines.append("crm_verify: Warnings found during check: config may not be valid")
        }
        if (hasErrors || hasConfigurationWarnings) && verbosity == 0 { lines.append("-V may provide more details") }
        return lines
    }
}
