import XML

/// Builders for the status-section edits the controller makes, as `CIBUpdateBody` text: node states,
/// transient node attributes (what Pacemaker's attrd writes) and fail counts. One place knows the element
/// and id conventions Pacemaker's tools and scheduler read.
public enum StatusUpdates {
    /// Merges `fragment` (a `<node_state>`) into the status section, creating what is missing.
    public static func mergeNodeState(_ fragment: String, tag: String? = nil) throws(CIBError) -> String {
        try CIBUpdateBody.encode(.modify(.scope(.status), try element(fragment), allowCreate: true), tag: tag)
    }

    /// Sets `have-quorum` and `dc-uuid` on the `<cib>` element, as the DC does after each view.
    public static func quorumAndDC(isQuorate: Bool, dcID: String) throws(CIBError) -> String {
        try CIBUpdateBody.encode(
            .modify(.whole, try element("<cib have-quorum=\"\(isQuorate ? 1 : 0)\" dc-uuid=\"\(xmlEscaped(dcID))\"/>"),
                allowCreate: false))
    }

    /// Adds `<node id uname type="member">` entries to the configuration's `nodes` section (what Pacemaker's
    /// DC does for the members it learns about); the policy engine only places resources on listed nodes.
    public static func configuredNodes(_ nodes: [(id: String, name: String)]) throws(CIBError) -> String {
        let entries = nodes.map { "<node id=\"\(xmlEscaped($0.id))\" uname=\"\(xmlEscaped($0.name))\" type=\"member\"/>" }
        return try CIBUpdateBody.encode(
            .modify(.scope(.nodes), try element("<nodes>" + entries.joined() + "</nodes>"), allowCreate: true))
    }

    /// Marks an update body as the record of a transition's own result.
    public static func taggedAsTransitionResult(_ body: String) -> String {
        guard body.hasPrefix("<cib_update"), CIBUpdateBody.tag(of: body) == nil else { return body }
        return "<cib_update tag=\"\(CIBUpdateBody.transitionResultTag)\"" + body.dropFirst("<cib_update".count)
    }

    /// `node_state` of a node as membership and the join protocol see it.
    public static func nodeState(
        nodeID: String, name: String, inMembership: Bool, controllerOnline: Bool, join: String, expected: String
    ) throws(CIBError) -> String {
        try mergeNodeState(
            "<node_state id=\"\(xmlEscaped(nodeID))\" uname=\"\(xmlEscaped(name))\" in_ccm=\"\(inMembership)\" "
                + "crmd=\"\(controllerOnline ? "online" : "offline")\" crm-debug-origin=\"controller\" "
                + "join=\"\(xmlEscaped(join))\" expected=\"\(xmlEscaped(expected))\"/>")
    }

    /// A node outside the view: not in the membership, controller offline; `join` and `expected` stay as
    /// recorded, so a node that was expected up counts as unclean until fenced.
    public static func nodeOutsideView(nodeID: String, name: String) throws(CIBError) -> String {
        try mergeNodeState(
            "<node_state id=\"\(xmlEscaped(nodeID))\" uname=\"\(xmlEscaped(name))\" in_ccm=\"false\" "
                + "crmd=\"offline\" crm-debug-origin=\"controller\"/>")
    }

    /// Sets (or with nil deletes) one transient attribute of a node, as `crm_attribute -l reboot` and
    /// `attrd_updater` do. `value` may be Pacemaker's `value++` or `value+=N`.
    public static func setTransientAttribute(nodeID: String, name: String, value: String?) throws(CIBError) -> String {
        let node = xmlEscaped(nodeID)
        guard let value else {
            let xpath = "/cib/status/node_state[@id='\(nodeID)']/transient_attributes/instance_attributes"
                + "/nvpair[@name='\(name)']"
            return try CIBUpdateBody.encode(.delete(.xpath(xpath), nil, allMatches: true))
        }
        let id = "status-\(nodeID)-\(name)"
        return try mergeNodeState(
            "<node_state id=\"\(node)\"><transient_attributes id=\"\(node)\"><instance_attributes id=\"status-\(node)\">"
                + "<nvpair id=\"\(xmlEscaped(id))\" name=\"\(xmlEscaped(name))\" value=\"\(xmlEscaped(value))\"/>"
                + "</instance_attributes></transient_attributes></node_state>")
    }

    /// The per-operation fail-count attribute name Pacemaker 2.1 uses: `fail-count-RSC#OP_INTERVAL`.
    public static func failCountName(resource: String, operation: String, intervalMilliseconds: Int) -> String {
        "fail-count-\(resource)#\(operation)_\(intervalMilliseconds)"
    }

    /// `last-failure-RSC#OP_INTERVAL`.
    public static func lastFailureName(resource: String, operation: String, intervalMilliseconds: Int) -> String {
        "last-failure-\(resource)#\(operation)_\(intervalMilliseconds)"
    }

    /// The edits after a failed operation: the fail count goes up by one (to INFINITY for a failed start when
    /// `start-failure-is-fatal` holds) and the last failure time is set. Nil for expected results.
    public static func recordFailure(_ record: LRMOperationRecord, startFailureIsFatal: Bool) throws(CIBError)
        -> [String]?
    {
        guard !record.isExpected, record.result.status != .cancelled else { return nil }
        let isFatal = record.operation == "start" && startFailureIsFatal
        let count = failCountName(
            resource: record.resourceID, operation: record.operation, intervalMilliseconds: record.intervalMilliseconds)
        let last = lastFailureName(
            resource: record.resourceID, operation: record.operation, intervalMilliseconds: record.intervalMilliseconds)
        return [
            try setTransientAttribute(nodeID: record.nodeUUID, name: count, value: isFatal ? "INFINITY" : "value++"),
            try setTransientAttribute(
                nodeID: record.nodeUUID, name: last, value: String(record.result.completedAtEpochSeconds)),
        ]
    }

    /// `crm_resource --cleanup`: forget the resource's fail counts and operation history on a node (all nodes
    /// when nil), so the policy engine probes it again.
    public static func cleanup(resource: String, nodeID: String?) throws(CIBError) -> [String] {
        let node = nodeID.map { "[@id='\($0)']" } ?? ""
        let attributes = "/cib/status/node_state\(node)/transient_attributes/instance_attributes/nvpair"
            + "[starts-with(@name, 'fail-count-\(resource)#') or starts-with(@name, 'last-failure-\(resource)#')]"
        let history = "/cib/status/node_state\(node)/lrm/lrm_resources/lrm_resource[@id='\(resource)']"
        return [
            try CIBUpdateBody.encode(.delete(.xpath(attributes), nil, allMatches: true)),
            try CIBUpdateBody.encode(.delete(.xpath(history), nil, allMatches: true)),
        ]
    }

    /// After a node was fenced or shut down cleanly: it is down as expected, nothing runs there any more.
    public static func nodeDown(nodeID: String, name: String) throws(CIBError) -> [String] {
        [
            try nodeState(
                nodeID: nodeID, name: name, inMembership: false, controllerOnline: false, join: "down",
                expected: "down"),
            try CIBUpdateBody.encode(
                .delete(.xpath("/cib/status/node_state[@id='\(nodeID)']/lrm"), nil, allMatches: true)),
            try CIBUpdateBody.encode(
                .delete(.xpath("/cib/status/node_state[@id='\(nodeID)']/transient_attributes"), nil, allMatches: true)),
        ]
    }

    private static func element(_ text: String) throws(CIBError) -> XMLElement {
        do {
            return try XMLDocument.parse(text, source: "<status update>").root
        } catch {
            throw .invalidXML(error)
        }
    }
}
