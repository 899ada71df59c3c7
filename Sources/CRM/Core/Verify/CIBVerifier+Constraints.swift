import XML

extension ConfigurationModel {
    /// References from constraints to resources or tags, and constraint options Pacemaker resets.
    func constraintFindings() -> [CIBFinding] {
        var findings: [CIBFinding] = []
        for constraint in configuration.firstChild(named: "constraints")?.children ?? [] {
            let id = constraint[attribute: "id"] ?? ""
            switch constraint.name {
            case "rsc_location":
                findings += referenceFindings(constraint, attributes: ["rsc"], origin: "unpack_location_tags")
            case "rsc_colocation":
                findings += referenceFindings(constraint, attributes: ["rsc", "with-rsc"], origin: "unpack_colocation_tags")
                findings += colocationFindings(constraint, id: id)
            case "rsc_order":
                findings += referenceFindings(constraint, attributes: ["first", "then"], origin: "unpack_order_tags")
                findings += kindFindings(constraint, id: id)
            case "rsc_ticket":
                findings += referenceFindings(constraint, attributes: ["rsc"], origin: "unpack_rsc_ticket_tags")
            default:
                continue
            }
            findings += scoreFindings(constraint)
        }
        return findings
    }

    /// Each named resource must be a resource, template or tag; Pacemaker then ignores the constraint.
    private func referenceFindings(_ constraint: XMLElement, attributes: [String], origin: String) -> [CIBFinding] {
        let id = constraint[attribute: "id"] ?? ""
        var references = attributes.compactMap { constraint[attribute: $0] }
        for set in constraint.children(named: "resource_set") {
            references += set.children(named: "resource_ref").compactMap { $0[attribute: "id"] }
        }
        var findings: [CIBFinding] = []
        for reference in references where resources[reference] == nil && !tags.contains(reference) {
            findings.append(
                CIBFinding(.warning, origin: "find_constraint_tag", "No template or tag named '\(reference)'", line: constraint.line))
            findings.append(
                CIBFinding(
                    .error, origin: origin, "Ignoring constraint '\(id)' because '\(reference)' is not a valid resource or tag",
                    line: constraint.line))
        }
        return findings
    }

    private func colocationFindings(_ constraint: XMLElement, id: String) -> [CIBFinding] {
        var findings: [CIBFinding] = []
        if let dependent = constraint[attribute: "rsc"], let primary = constraint[attribute: "with-rsc"],
            isTemplateOrTag(dependent) && isTemplateOrTag(primary)
        {
            findings.append(
                CIBFinding(
                    .error, origin: "unpack_colocation_tags",
                    "Ignoring constraint '\(id)' because two templates or tags cannot be colocated", line: constraint.line))
        }
        if let influence = constraint[attribute: "influence"], PacemakerValues.boolean(influence) == nil {
            findings.append(
                CIBFinding(
                    .error, origin: "unpack_influence", "Constraint '\(id)' has invalid value for influence (using default)",
                    line: constraint.line))
        }
        return findings
    }

    private func isTemplateOrTag(_ id: String) -> Bool {
        tags.contains(id) || resources[id]?.name == "template"
    }

    private func kindFindings(_ constraint: XMLElement, id: String) -> [CIBFinding] {
        let kinds = [constraint] + constraint.children(named: "resource_set")
        return kinds.compactMap { element in
            guard let kind = element[attribute: "kind"], !["Optional", "Mandatory", "Serialize"].contains(kind) else {
                return nil
            }
            return CIBFinding(
                .error, origin: "get_ordering_type",
                "Resetting 'kind' for constraint \(id) to 'Mandatory' because '\(kind)' is not valid", line: element.line)
        }
    }

    /// Scores the schema could not type (validation disabled) that Pacemaker reads as 0.
    private func scoreFindings(_ constraint: XMLElement) -> [CIBFinding] {
        var findings: [CIBFinding] = []
        constraint.forEachDescendant { element in
            guard let score = element[attribute: "score"], PacemakerValues.score(score) == nil else { return }
            findings.append(
                CIBFinding(
                    .warning, origin: "scan_ll", "Could not parse integer from '\(score)' (using 0 instead): No digits found",
                    line: element.line))
        }
        return findings
    }
}

extension ConfigurationModel {
    /// Deprecated constraint syntax Pacemaker warns about as a configuration problem.
    func deprecationFindings() -> [CIBFinding] {
        elements(named: "rsc_order").filter { $0[attribute: "require-all"] != nil }.prefix(1).map { order in
            CIBFinding(
                .configurationWarning, origin: "get_minimum_first_instances",
                "Support for require-all in ordering constraints is deprecated and will be removed in a future release (use clone-min clone meta-attribute instead)",
                line: order.line)
        }
    }
}
