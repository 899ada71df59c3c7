import XML

/// One operation result as the CIB status section records it: Pacemaker's `<lrm_rsc_op>` under
/// `node_state/lrm/lrm_resources/lrm_resource`, with call-id, rc-code, op-status, transition-key and
/// transition-magic, and the op-digest the policy engine compares to detect definition changes.
public struct LRMOperationRecord: Sendable, Equatable {
    /// The resource the operation ran on.
    public var resource: GraphResource
    /// The node's name (`on_node`) and id (`node_state id`).
    public var node: String
    /// The node's id in the status section.
    public var nodeUUID: String
    /// `operation` (start, stop, monitor, …).
    public var operation: String
    /// `operation_key`.
    public var operationKey: String
    /// The operation's interval in milliseconds (0 for one-shot operations).
    public var intervalMilliseconds: Int
    /// The expected rc, from the transition key.
    public var targetRC: Int
    /// What came back.
    public var result: ActionResult
    /// Pacemaker's `action:transition:target-rc:uuid`.
    public var transitionKey: String
    /// MD5 of the operation's parameters (see `OperationDigest`).
    public var digest: String

    /// The record of a dispatched resource operation; nil for actions that are not resource operations on a node.
    public init?(action: GraphAction, result: ActionResult, transitionKey: String) {
        guard action.kind == .resource, let resource = action.resource, let node = action.node else { return nil }
        self.resource = resource
        self.node = node
        self.nodeUUID = action.nodeUUID ?? node
        self.operation = action.operation
        self.operationKey = action.operationKey
        self.intervalMilliseconds = Int(action.interval.components.seconds * 1000)
            + Int(action.interval.components.attoseconds / 1_000_000_000_000_000)
        self.targetRC = action.targetRC
        self.result = result
        self.transitionKey = transitionKey
        self.digest = OperationDigest.compute(
            parameters: action.parameters, intervalMilliseconds: intervalMilliseconds,
            timeout: action.attributes["CRM_meta_timeout"])
    }

    /// Whether the result is what the graph expected.
    public var isExpected: Bool { result.status == .done && result.rc == targetRC }

    /// The resource id as recorded (`long-id` for clone instances).
    public var resourceID: String { resource.longID ?? resource.id }

    /// The `lrm_rsc_op` ids this result is written under: `<rsc>_monitor_<ms>` for recurring operations,
    /// else `<rsc>_last_0`, plus `<rsc>_last_failure_0` when the result was not the expected one.
    public var recordIDs: [String] {
        var ids: [String] = []
        if intervalMilliseconds > 0 {
            ids.append("\(resourceID)_\(operation)_\(intervalMilliseconds)")
        } else {
            ids.append("\(resourceID)_last_0")
        }
        if !isExpected { ids.append("\(resourceID)_last_failure_0") }
        return ids
    }

    /// `op-status:rc;transition-key`.
    public var transitionMagic: String { "\(result.status.rawValue):\(result.rc);\(transitionKey)" }

    /// The attributes of one `<lrm_rsc_op>` element with `id`, in Pacemaker's order.
    public func attributes(id: String) -> [(String, String)] {
        [
            ("id", id), ("operation_key", operationKey), ("operation", operation),
            ("crm-debug-origin", "do_update_resource"), ("crm_feature_set", CIBDocument.featureSet),
            ("transition-key", transitionKey), ("transition-magic", transitionMagic),
            ("exit-reason", result.exitReason), ("on_node", node), ("call-id", String(result.callID)),
            ("rc-code", String(result.rc)), ("op-status", String(result.status.rawValue)),
            ("interval", String(intervalMilliseconds)), ("last-rc-change", String(result.completedAtEpochSeconds)),
            ("exec-time", String(result.executionMilliseconds)), ("queue-time", String(result.queueMilliseconds)),
            ("op-digest", digest),
        ]
    }

    /// The `<node_state>` fragment to merge into the status section (`cibadmin -M -o status`): the node's
    /// `lrm_resource` with this record's `lrm_rsc_op` elements.
    public func statusFragment() -> String {
        LRMOperationRecord.statusFragment(nodeUUID: nodeUUID, node: node, records: recordIDs.map { (self, $0) })
    }

    /// One `<node_state>` with the `lrm_rsc_op` elements of `records` (each with the id to write it under),
    /// grouped by resource in order of appearance.
    public static func statusFragment(
        nodeUUID: String, node: String, records: [(record: LRMOperationRecord, id: String)]
    ) -> String {
        var order: [String] = []
        var byResource: [String: (resource: GraphResource, ops: String)] = [:]
        for (record, id) in records {
            var op = "<lrm_rsc_op"
            for (name, value) in record.attributes(id: id) { op += " \(name)=\"\(xmlEscaped(value))\"" }
            op += "/>"
            if byResource[record.resourceID] == nil { order.append(record.resourceID) }
            byResource[record.resourceID, default: (record.resource, "")].ops += op
        }
        var resources = ""
        for resourceID in order {
            guard let entry = byResource[resourceID] else { continue }
            var attributes = " id=\"\(xmlEscaped(resourceID))\" class=\"\(xmlEscaped(entry.resource.agentClass))\""
            if let provider = entry.resource.provider { attributes += " provider=\"\(xmlEscaped(provider))\"" }
            attributes += " type=\"\(xmlEscaped(entry.resource.type))\""
            resources += "<lrm_resource\(attributes)>\(entry.ops)</lrm_resource>"
        }
        let id = xmlEscaped(nodeUUID)
        return "<node_state id=\"\(id)\" uname=\"\(xmlEscaped(node))\"><lrm id=\"\(id)\"><lrm_resources>"
            + resources + "</lrm_resources></lrm></node_state>"
    }
}

/// Pacemaker's operation digest: the MD5 of ` <parameters name="value" …/>` and a newline, parameters sorted
/// by name, `CRM_meta_*` left out except the timeout of recurring operations. The policy engine computes the
/// same digest from the configuration and restarts a resource whose recorded digest differs.
public enum OperationDigest {
    /// The hex digest.
    public static func compute(parameters: [String: String], intervalMilliseconds: Int, timeout: String?) -> String {
        var hashed = parameters.filter { !$0.key.hasPrefix("CRM_meta_") && !excluded.contains($0.key) }
        if intervalMilliseconds > 0, let timeout { hashed["CRM_meta_timeout"] = timeout }
        var text = " <parameters"
        for (name, value) in hashed.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            text += " \(name)=\"\(xmlEscaped(value))\""
        }
        text += "/>\n"
        return MD5.hex(Array(text.utf8))
    }

    private static let excluded: Set<String> = [
        "id", "crm_feature_set", "op-digest", "on_node", "on_node_uuid", "pcmk_external_ip",
    ]
}
