import XML

extension CRMResource {
    static func list(session: CIBSession, output: inout ResourceOutput) throws(Failure) -> CRMExitCode {
        let listing = ResourceListing(session.document.xml)
        guard !listing.isEmpty else {
            output.output(text: "Full List of Resources:\n  * No resources\n", element: "<resources>\n  <item>No resources</item>\n</resources>")
            throw Failure(.noSuchObject, "crm_resource: Error performing operation: No such object")
        }
        if output.format == .xml {
            guard let element = listing.xmlElement() else {
                throw Failure(.unimplementedFeature, "crm_resource: --list --output-as xml of bundles is not implemented yet; use text output")
            }
            output.output(text: nil, element: element)
            return .ok
        }
        output.output(text: "Full List of Resources:\n" + listing.textLines().map { $0 + "\n" }.joined(), element: nil)
        return .ok
    }

    static func listRaw(session: CIBSession, output: inout ResourceOutput) throws(Failure) -> CRMExitCode {
        let ids = ResourceListing(session.document.xml).rawIDs()
        guard !ids.isEmpty else {
            throw Failure(.noSuchObject, "NO resources configured\n\ncrm_resource: Error performing operation: No such object")
        }
        let items = ids.map { "  <item name=\"resource\">\(xmlEscaped($0))</item>" }.joined(separator: "\n")
        output.output(
            text: ids.map { $0 + "\n" }.joined(),
            element: "<list name=\"resource names\" count=\"\(ids.count)\">\n\(items)\n</list>")
        return .ok
    }

    static func queryXML(resource: String, session: CIBSession, output: inout ResourceOutput) throws(Failure) -> CRMExitCode {
        guard output.format == .text else {
            throw Failure(.unimplementedFeature, "crm_resource: --query-xml --output-as xml is not implemented yet; use text output")
        }
        guard let element = ResourceListing.element(resource, in: session.document.xml) else { throw .resourceNotFound(resource) }
        var text = ""
        if element.name == "primitive", let line = ResourceListing(session.document.xml).textLines(for: element).first {
            text += line.drop { $0 == " " || $0 == "*" } + "\n"
        }
        output.output(text: text + "Resource XML:\n" + element.serialized(pretty: true), element: nil)
        return .ok
    }
}
