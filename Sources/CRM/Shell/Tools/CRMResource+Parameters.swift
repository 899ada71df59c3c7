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
            // Pacemaker reports a missing attribute but still exits 0.
            output.error("Attribute '\(name)' not found for '\(resource)'")
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
        let locator = locator(name, resource: resource, arguments)
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

    static func templateOf(_ resource: String, in document: XMLDocument) -> String? {
        ResourceListing.element(resource, in: document)?[attribute: "template"]
    }
}
