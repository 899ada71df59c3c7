import XML

extension CRMResource {
    static func moveOrBan(
        resource: String, _ arguments: ToolArguments, session: CIBSession, now: Int, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        // Pacemaker addresses a clone's child by its instances, so the bare child id is not found here.
        if isCloneChild(resource, in: session.document.xml) { throw .resourceNotFound(resource) }
        let isBan = arguments.has("ban")
        let isPromoted = arguments.has("promoted") || arguments.has("master")
        var until: String?
        if let lifetime = arguments.value("lifetime") {
            guard let duration = ISO8601.duration(lifetime) else {
                throw Failure(
                    .usage,
                    "Invalid duration specified: \(lifetime)\nPlease refer to https://en.wikipedia.org/wiki/ISO_8601#Durations for examples of valid durations")
            }
            until = ISO8601.timestamp(ISO8601.adding(duration, to: now))
        }
        let document = session.document.xml
        let node: String
        if let given = arguments.value("node") {
            guard CRMAttribute.AttributeRequest.nodeID(named: given, in: document) != nil else {
                throw Failure(.noSuchObject, "crm_resource: Node '\(given)' not found\nError performing operation: No such object")
            }
            node = given
        } else {
            let placements = ResourceStatusIndex(document).placements(of: resource)
            guard placements.count == 1, let current = placements.first?.node else {
                let advice = isBan ? "To prevent '\(resource)' from running on a specific location, specify a node."
                    : "To prevent '\(resource)' from running on a specific location, specify a node."
                throw Failure(.usage, "crm_resource: Resource '\(resource)' not moved: active in \(placements.count) locations.\n\(advice)")
            }
            // Without a node, --move moves the resource away from where it runs: a ban there.
            return try ban(resource: resource, node: current, isPromoted: isPromoted, until: until, session: session, output: &output)
        }
        if isBan { return try ban(resource: resource, node: node, isPromoted: isPromoted, until: until, session: session, output: &output) }
        let placements = ResourceStatusIndex(document).placements(of: resource)
        if placements.count == 1, placements.first?.node == node, !arguments.has("force") {
            // Already there: Pacemaker refuses (unless --force reinforces it with the constraint).
            throw Failure(.exists, "crm_resource: Error performing operation: Requested item already exists")
        }
        // Moving to a node first lifts our own ban from it, then (re)writes the preference.
        for constraint in CLILocationConstraints.constraintsToClear(resource: resource, node: node, isPromotedOnly: false, in: document)
        where constraint[attribute: "id"] == CLILocationConstraints.banID(resource: resource, node: node) {
            try apply(.delete(.xpath(constraint.path), nil, allMatches: false), session: session)
        }
        try write(
            resource: resource, node: node, isBan: false, isPromoted: isPromoted, until: until, session: session)
        if let until { output.output(text: "Migration will take effect until: \(until)\n", element: nil) }
        return .ok
    }

    private static func ban(
        resource: String, node: String, isPromoted: Bool, until: String?, session: CIBSession, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        try write(resource: resource, node: node, isBan: true, isPromoted: isPromoted, until: until, session: session)
        let id = CLILocationConstraints.banID(resource: resource, node: node)
        let effect = isPromoted ? "being promoted" : "running"
        var text = until.map { "Migration will take effect until: \($0)\n" } ?? ""
        text += """
            WARNING: Creating rsc_location constraint '\(id)' with a score of -INFINITY for resource \(resource) on \(node).
            \tThis will prevent \(resource) from \(effect) on \(node) until the constraint is removed using the clear option or by editing the CIB with an appropriate tool
            \tThis will be the case even if \(node) is the last node in the cluster

            """
        output.output(text: text, element: nil)
        return .ok
    }

    /// Writes the constraint, replacing an earlier one with the same id.
    private static func write(
        resource: String, node: String, isBan: Bool, isPromoted: Bool, until: String?, session: CIBSession
    ) throws(Failure) {
        let constraint: XMLElement
        do {
            constraint = try CLILocationConstraints.constraint(
                resource: resource, node: node, isBan: isBan, isPromotedOnly: isPromoted, until: until)
        } catch {
            throw Failure(.dataError, "crm_resource: cannot build the constraint: \(error)")
        }
        let id = constraint[attribute: "id"] ?? ""
        let existing = session.document.xml.root.firstChild(named: "configuration")?.firstChild(named: "constraints")?
            .children(named: "rsc_location").first { $0[attribute: "id"] == id }
        if let existing {
            try apply(.replace(.xpath(existing.path), constraint), session: session)
        } else {
            try apply(.create(.scope(.constraints), constraint), session: session)
        }
    }

    static func clear(
        resource: String, _ arguments: ToolArguments, session: CIBSession, now: Int, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        if isCloneChild(resource, in: session.document.xml) { throw .resourceNotFound(resource) }
        var matches = CLILocationConstraints.constraintsToClear(
            resource: resource, node: arguments.value("node"), isPromotedOnly: arguments.has("promoted") || arguments.has("master"),
            force: arguments.has("force"), in: session.document.xml)
        if arguments.has("expired") {
            // Only constraints whose lifetime has ended (timestamps in one fixed format compare as text).
            let current = ISO8601.timestamp(now)
            matches = matches.filter { constraint in
                guard let end = constraint.first(where: { $0.name == "date_expression" })?[attribute: "end"] else { return false }
                return end < current
            }
        }
        let ids = matches.compactMap { $0[attribute: "id"] }
        for id in ids {
            guard let current = session.document.xml.root.first(where: { $0.name == "rsc_location" && $0[attribute: "id"] == id })
            else { continue }
            try apply(.delete(.xpath(current.path), nil, allMatches: false), session: session)
            output.output(text: "Removing constraint: \(id)\n", element: nil)
        }
        return .ok
    }
}
