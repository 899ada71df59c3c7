import XML

extension CRMResource {
    /// The set element `--meta`/`--utilization` select (instance attributes by default).
    static func setElement(_ arguments: ToolArguments) -> String {
        if arguments.has("meta") { return "meta_attributes" }
        if arguments.has("utilization") { return "utilization" }
        return "instance_attributes"
    }

    static func locator(_ name: String, resource: String, _ arguments: ToolArguments) -> CIBAttributeLocator {
        CIBAttributeLocator(
            owner: .resource(id: resource), setElement: setElement(arguments), setID: arguments.value("set-name"),
            nvpairID: arguments.value("nvpair"), name: name)
    }

    static func getParameter(
        _ name: String, resource: String, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        var values = locator(name, resource: resource, arguments).matches(in: session.document.xml).compactMap { $0[attribute: "value"] }
        if values.isEmpty, let template = templateOf(resource, in: session.document.xml) {
            values = locator(name, resource: template, arguments).matches(in: session.document.xml).compactMap { $0[attribute: "value"] }
        }
        guard let value = values.first else {
            // Pacemaker reports a missing attribute but still exits 0; a clone's child is named by its first instance.
            let shown = isCloneChild(resource, in: session.document.xml) ? "\(resource):0" : resource
            output.error("Attribute '\(name)' not found for '\(shown)'")
            return .ok
        }
        output.output(
            text: "\(value)\n",
            element: "<list name=\"attributes\" count=\"1\">\n  <item name=\"\(xmlEscaped(name))\">\(xmlEscaped(value))</item>\n</list>")
        return .ok
    }

    static func setParameter(
        _ name: String, resource: String, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        guard let value = arguments.value("parameter-value") else {
            throw Failure(.usage, "crm_resource: You need to supply a value with the -v option")
        }
        var resource = resource
        var locator = locator(name, resource: resource, arguments)
        // A meta attribute of a clone's child goes to the clone, unless the child already has it or --force.
        if arguments.has("meta"), !arguments.has("force"), locator.matches(in: session.document.xml).isEmpty,
            let parent = ResourceListing.element(resource, in: session.document.xml)?.parent,
            ["clone", "master"].contains(parent.name), let parentID = parent[attribute: "id"]
        {
            output.output(text: "Performing update of '\(name)' on '\(parentID)', the parent of '\(resource)'\n", element: nil)
            resource = parentID
            locator = Self.locator(name, resource: resource, arguments)
        }
        let existing = locator.matches(in: session.document.xml).first
        let request: CIBRequest
        do {
            request = try locator.updateRequest(value: value, in: session.document.xml)
        } catch {
            throw Failure(error.exitCode, "crm_resource: Error performing operation: \(error.description)")
        }
        try apply(request, session: session)
        // Report the nvpair as written: its id, and its set for a new one, as Pacemaker does.
        let written = locator.matches(in: session.document.xml).first
        let id = written?[attribute: "id"] ?? ""
        let set = written?.parent?[attribute: "id"] ?? ""
        let setText = existing == nil ? " set=\(set)" : ""
        output.output(text: "Set '\(resource)' option: id=\(id)\(setText) name=\(name) value=\(value)\n", element: nil)
        return .ok
    }

    static func deleteParameter(
        _ name: String, resource: String, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        let locator = locator(name, resource: resource, arguments)
        for pair in locator.matches(in: session.document.xml) {
            let id = pair[attribute: "id"] ?? ""
            try apply(locator.deleteRequest(pair), session: session)
            output.output(text: "Deleted '\(resource)' option: id=\(id) name=\(name)\n", element: nil)
        }
        return .ok
    }

    /// Whether `resource` sits inside a clone (directly or in a cloned group).
    static func isCloneChild(_ resource: String, in document: XMLDocument) -> Bool {
        var current = ResourceListing.element(resource, in: document)?.parent
        while let element = current, element.name != "resources" {
            if element.name == "clone" || element.name == "master" { return true }
            current = element.parent
        }
        return false
    }

    static func templateOf(_ resource: String, in document: XMLDocument) -> String? {
        ResourceListing.element(resource, in: document)?[attribute: "template"]
    }
}
