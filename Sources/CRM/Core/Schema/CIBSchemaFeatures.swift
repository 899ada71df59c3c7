import XML

/// Syntax that appeared in a minor version of Pacemaker's schema, so a CIB declaring an older
/// `validate-with` must not use it. The grammar checks a whole family (1.x, 2.x, 3.x); this table
/// narrows it to the declared minor version, with messages naming the construct and the version needed.
/// The versions were read from Pacemaker's own schema files (the first `pacemaker-X.Y` including each).
enum CIBSchemaFeatures {
    struct Feature {
        /// Elements the construct appears on.
        var elements: Set<String>
        /// The attribute, nil when the element itself is the construct.
        var attribute: String?
        /// Attribute values that are the construct (nil: any value).
        var values: Set<String>?
        /// The first `pacemaker-X.Y` that accepts it.
        var since: CIBSchemaVersion

        func matches(_ element: XMLElement) -> String? {
            guard elements.contains(element.name) else { return nil }
            guard let attribute else { return "<\(element.name)>" }
            guard let value = element[attribute: attribute] else { return nil }
            if let values, !values.contains(value) { return nil }
            return values == nil ? "<\(element.name) \(attribute)=…>" : "<\(element.name) \(attribute)=\"\(value)\">"
        }
    }

    static func version(_ major: Int, _ minor: Int) -> CIBSchemaVersion { .pacemaker(major: major, minor: minor) }

    static let roleAttributes: [(Set<String>, String)] = [
        (["op", "rsc_location", "resource_set"], "role"), (["rsc_colocation", "rsc_ticket"], "rsc-role"),
        (["rsc_colocation"], "with-rsc-role"),
    ]

    static let table: [Feature] =
        [
            Feature(elements: ["rsc_colocation"], attribute: "influence", since: version(3, 6)),
            Feature(elements: ["podman"], since: version(3, 2)),
            Feature(elements: ["network"], attribute: "add-host", since: version(3, 0)),
            Feature(elements: ["rsc_expression", "op_expression"], since: version(3, 4)),
            Feature(elements: ["docker", "rkt", "podman"], attribute: "promoted-max", since: version(3, 0)),
            Feature(elements: ["rsc_location"], attribute: "rsc-pattern", since: version(2, 6)),
            Feature(elements: ["rsc_location"], attribute: "resource-discovery", since: version(2, 2)),
            Feature(elements: ["expression"], attribute: "value-source", since: version(2, 9)),
            Feature(elements: ["bundle", "storage-mapping", "port-mapping"], since: version(2, 8)),
            Feature(elements: ["alerts", "alert", "recipient"], since: version(2, 5)),
            Feature(elements: ["select", "rkt"], since: version(2, 10)),
            Feature(elements: ["tags", "tag"], since: version(1, 3)),
            Feature(elements: ["fencing-level"], attribute: "target-attribute", since: version(2, 4)),
            Feature(elements: ["resource_set"], attribute: "ordering", since: version(2, 1)),
        ]
        + roleAttributes.map { elements, attribute in
            Feature(elements: elements, attribute: attribute, values: ["Promoted", "Unpromoted"], since: version(3, 7))
        }

    /// Constructs in the configuration that `declared` is too old for.
    static func issues(in document: XMLDocument, declared: CIBSchemaVersion) -> [XMLValidationIssue] {
        guard case .pacemaker = declared, let configuration = document.root.firstChild(named: "configuration") else { return [] }
        var issues: [XMLValidationIssue] = []
        configuration.forEachDescendant { element in
            for feature in table where !declared.isAtLeast(feature.since) {
                guard let construct = feature.matches(element) else { continue }
                issues.append(
                    XMLValidationIssue(
                        line: element.line, element: element.name,
                        message: "\(construct) needs \(feature.since) or later, but the CIB declares validate-with=\"\(declared)\""))
            }
        }
        return issues
    }
}
