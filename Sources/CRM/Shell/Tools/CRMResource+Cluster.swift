import Glibc
import XML

/// crm_resource's cluster operations: locate, why, cleanup/refresh and restart, all through `CIBSession` and
/// the policy engine's reading of the status section.
extension CRMResource {
    /// The engine's view of the session's CIB; a CIB the engine refuses fails with the engine's reason.
    static func clusterStatus(_ session: CIBSession) throws(Failure) -> ClusterStatus {
        let model: ClusterModel
        do {
            model = try ClusterModel(cib: session.document.xml.root)
        } catch {
            throw Failure(.unimplementedFeature, "crm_resource: cannot read the cluster's state: \(error.description)")
        }
        return PolicyEngine.status(model, now: Int(time(nil)))
    }

    /// `-W`: where the resource runs (Pacemaker: `resource R is running on: N`, `-Q`: the node names only).
    static func locate(resource: String, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput)
        throws(Failure) -> CRMExitCode
    {
        let nodes: [String]
        if let status = try? clusterStatus(session) {
            nodes = ResourceReasons(status: status).nodes(of: resource)
        } else {
            // TODO(#7): the engine refuses clones and bundles until they land; meanwhile the simple status reading
            // locates their instances, so --locate keeps working on every CIB.
            nodes = ResourceStatusIndex(session.document.xml).placements(of: resource).map(\.node)
        }
        let items = nodes.map { "  <node>\(xmlEscaped($0))</node>" }.joined(separator: "\n")
        let element = nodes.isEmpty
            ? "<nodes resource=\"\(xmlEscaped(resource))\"/>" : "<nodes resource=\"\(xmlEscaped(resource))\">\n\(items)\n</nodes>"
        if nodes.isEmpty {
            if !arguments.has("quiet") && output.format == .text { output.error("resource \(resource) is NOT running") }
            output.output(text: nil, element: element)
            return .ok
        }
        let text = nodes.map { arguments.has("quiet") ? "\($0)\n" : "resource \(resource) is running on: \($0)\n" }.joined()
        output.output(text: text, element: element)
        return .ok
    }

    /// `-Y`: why a resource (or every resource, or those on `-N`) is or is not running.
    static func why(resource: String?, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput)
        throws(Failure) -> CRMExitCode
    {
        let reasons = ResourceReasons(status: try clusterStatus(session))
        let node = arguments.value("node")
        if let node, !reasons.status.nodes.contains(where: { $0.name == node }) {
            throw Failure(.noSuchObject, "crm_resource: Node '\(node)' not found\nError performing operation: No such object")
        }
        output.output(
            text: reasons.textLines(resource: resource, node: node).map { $0 + "\n" }.joined(),
            element: reasons.xmlElement(resource: resource, node: node))
        return .ok
    }

    /// `-C`/`-R`: forgets failures (or all history) of a resource, or of every resource, on one or every node.
    static func cleanup(resource: String?, _ arguments: ToolArguments, session: CIBSession, output: inout ResourceOutput)
        throws(Failure) -> CRMExitCode
    {
        let isRefresh = arguments.has("refresh")
        var intervalMs = 0
        if let interval = arguments.value("interval") {
            guard let value = DurationText.milliseconds(interval) else {
                throw Failure(.usage, "crm_resource: Invalid interval specification '\(interval)'")
            }
            intervalMs = value
        }
        if arguments.value("interval") != nil && arguments.value("operation") == nil {
            throw Failure(.usage, "crm_resource: --interval requires --operation")
        }
        let node = arguments.value("node")
        if let node, CRMAttribute.AttributeRequest.nodeID(named: node, in: session.document.xml) == nil {
            throw Failure(.noSuchObject, "crm_resource: Node '\(node)' not found\nError performing operation: No such object")
        }
        let request = ResourceCleanup(
            isFailuresOnly: !isRefresh, resource: resource, node: node, operation: arguments.value("operation"),
            intervalMs: intervalMs)
        let plan = request.plan(in: session.document.xml)
        for deletion in plan.deletions {
            // Find each element again: earlier deletions move the positions of later ones.
            guard let element = deletion.element(in: session.document.xml) else { continue }
            try apply(.delete(.xpath(element.path), nil, allMatches: false), session: session)
        }
        guard resource != nil else {
            output.output(text: "Cleaned up all resources on \(node ?? "all nodes")\n", element: nil)
            return .ok
        }
        let text = plan.cleaned.map { "Cleaned up \($0.resource) on \($0.node)\n" }.joined()
        output.output(text: text, element: nil)
        return .ok
    }
}
