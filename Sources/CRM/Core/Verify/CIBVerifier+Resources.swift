import XML

extension ConfigurationModel {
    /// The resource classes we know, as `crm_resource --list-standards` prints them (plus legacy ones).
    static let knownClasses: Set<String> = [
        "ocf", "lsb", "service", "systemd", "stonith", "upstart", "nagios", "heartbeat",
    ]
    static let promotableRoles: Set<String> = ["Promoted", "Unpromoted", "Master", "Slave"]
    static let roles: Set<String> = ["Stopped", "Started", "Promoted", "Unpromoted", "Master", "Slave"]

    /// Class, provider and type of every primitive and template, and template references.
    func agentFindings() -> [CIBFinding] {
        var findings: [CIBFinding] = []
        for element in elements(named: "primitive") + elements(named: "template") {
            let id = element[attribute: "id"] ?? "(no id)"
            if let template = element[attribute: "template"] {
                if resources[template]?.name != "template" {
                    findings.append(error("Resource '\(id)' names template '\(template)', which is not a <template>", element))
                }
                continue
            }
            guard let agentClass = element[attribute: "class"] else {
                findings.append(error("Resource '\(id)' has no class (and names no template)", element))
                continue
            }
            if !Self.knownClasses.contains(agentClass) {
                let known = Self.knownClasses.sorted().joined(separator: ", ")
                findings.append(error("Resource '\(id)' uses unknown class '\(agentClass)' (known: \(known))", element))
            }
            let provider = element[attribute: "provider"]
            if agentClass == "ocf" && (provider ?? "").isEmpty {
                findings.append(error("Resource '\(id)' is of class ocf but has no provider", element))
            } else if agentClass != "ocf", let provider {
                findings.append(
                    error("Resource '\(id)' of class \(agentClass) has provider '\(provider)'; only ocf agents have providers", element))
            }
            if (element[attribute: "type"] ?? "").isEmpty {
                findings.append(error("Resource '\(id)' has no type (agent name)", element))
            }
        }
        return findings
    }

    /// `target-role` must be a role, and a promoted/unpromoted one needs a promotable clone.
    func roleFindings() -> [CIBFinding] {
        var findings: [CIBFinding] = []
        for element in configuration.firstChild(named: "resources")?.descendants(where: isResource) ?? [] {
            guard let written = metaAttribute("target-role", of: element) else { continue }
            // Pacemaker compares role names ignoring case: "started" is Started.
            let role = Self.roles.first { $0.lowercased() == written.lowercased() } ?? written
            let id = element[attribute: "id"] ?? ""
            if !Self.roles.contains(role) {
                findings.append(
                    CIBFinding(
                        .error, origin: "get_target_role", "Ignoring 'target-role' for \(id) because '\(role)' is not valid",
                        line: element.line))
            } else if Self.promotableRoles.contains(role) && !isWithinPromotable(element) {
                findings.append(
                    CIBFinding(
                        .error, origin: "get_target_role",
                        "Ignoring 'target-role' for \(id) because '\(role)' only makes sense for promotable clones",
                        line: element.line))
            }
        }
        return findings
    }

    private func isResource(_ element: XMLElement) -> Bool {
        ["primitive", "group", "clone", "master", "bundle"].contains(element.name)
    }

    /// Whether `element` is, or sits inside, a promotable clone (or a bundle with promoted instances).
    func isWithinPromotable(_ element: XMLElement) -> Bool {
        var current: XMLElement? = element
        while let node = current, node.name != "resources" {
            switch node.name {
            case "master": return true
            case "clone":
                if metaAttribute("promotable", of: node).flatMap(PacemakerValues.boolean) == true { return true }
            case "bundle":
                let container = node.children.first { ["docker", "podman", "rkt"].contains($0.name) }
                let promoted = container.flatMap { $0[attribute: "promoted-max"] ?? $0[attribute: "masters"] }
                if let promoted, (Int(promoted) ?? 0) > 0 { return true }
            default: break
            }
            current = node.parent
        }
        return false
    }

    /// Pacemaker refuses to start anything while STONITH is enabled and no fencing device is configured.
    func stonithFindings() -> [CIBFinding] {
        let enabled = clusterOption("stonith-enabled").flatMap(PacemakerValues.boolean) ?? true
        // Watchdog self-fencing (sbd) counts as a fencing mechanism.
        let watchdog = clusterOption("have-watchdog").flatMap(PacemakerValues.boolean) ?? false
        guard enabled && !watchdog else { return [] }
        let hasDevice = (elements(named: "primitive") + elements(named: "template")).contains { element in
            if let template = element[attribute: "template"] { return resources[template]?[attribute: "class"] == "stonith" }
            return element[attribute: "class"] == "stonith"
        }
        guard !hasDevice else { return [] }
        return [
            "Resource start-up disabled since no STONITH resources have been defined",
            "Either configure some or disable STONITH with the stonith-enabled option",
            "NOTE: Clusters with shared data need STONITH to ensure data integrity",
        ].map { CIBFinding(.error, origin: "unpack_resources", $0) }
    }

    func error(_ message: String, _ element: XMLElement) -> CIBFinding {
        CIBFinding(.error, origin: "unpack_resources", message, line: element.line)
    }
}

extension XMLElement {
    /// Every descendant (not self) for which `predicate` holds, depth first in document order.
    func descendants(where predicate: (XMLElement) -> Bool) -> [XMLElement] {
        var found: [XMLElement] = []
        for child in children {
            child.forEachDescendant { if predicate($0) { found.append($0) } }
        }
        return found
    }
}
