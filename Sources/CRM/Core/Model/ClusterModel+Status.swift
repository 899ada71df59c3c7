import XML

extension ClusterModel {
    mutating func parseStatus(_ status: XMLElement) throws(SchedulerError) {
        for element in status.children {
            switch element.name {
            case "node_state": nodeStates.append(try Self.nodeState(element))
            case "tickets":
                for ticket in element.children(named: "ticket_state") {
                    guard let id = ticket[attribute: "id"] else { continue }
                    ticketStates[id] = TicketState(
                        granted: Self.isTrue(ticket[attribute: "granted"]), standby: Self.isTrue(ticket[attribute: "standby"]))
                }
            default: break
            }
        }
    }

    /// `in_ccm` and `crmd` are booleans/words in old CIBs and timestamps in 3.x.
    private static func isUp(_ text: String?, online: String) -> Bool {
        guard let text else { return false }
        if text == online || isTrue(text) { return true }
        if let value = Int(text) { return value > 0 }
        return false
    }

    private static func nodeState(_ element: XMLElement) throws(SchedulerError) -> NodeStatus {
        guard let id = element[attribute: "id"] else { throw .invalid(element: "node_state", id: nil, reason: "no id") }
        var transient: [(name: String, value: String)] = []
        for attributes in element.children(named: "transient_attributes") {
            for set in attributes.children(named: "instance_attributes") {
                for pair in set.children(named: "nvpair") {
                    if let name = pair[attribute: "name"] { transient.append((name, pair[attribute: "value"] ?? "")) }
                }
            }
        }
        var histories: [ResourceHistory] = []
        let lrm = element.firstChild(named: "lrm")
        if let list = lrm?.firstChild(named: "lrm_resources") {
            for resource in list.children(named: "lrm_resource") {
                guard let resourceID = resource[attribute: "id"] else { continue }
                histories.append(
                    ResourceHistory(
                        id: resourceID, resourceClass: resource[attribute: "class"], provider: resource[attribute: "provider"],
                        type: resource[attribute: "type"],
                        operations: resource.children(named: "lrm_rsc_op").map(operationRecord)))
            }
        }
        return NodeStatus(
            id: id, uname: element[attribute: "uname"], inCCM: isUp(element[attribute: "in_ccm"], online: "true"),
            controllerOnline: isUp(element[attribute: "crmd"], online: "online"), join: element[attribute: "join"],
            expected: element[attribute: "expected"], transientAttributes: transient, resources: histories,
            hasLRM: lrm != nil)
    }

    private static func operationRecord(_ element: XMLElement) -> OperationRecord {
        var values: [String: String] = [:]
        for (name, value) in element.attributes { values[name] = value }
        func integer(_ name: String) -> Int? { values[name].flatMap { Int($0.trimmingSpaces) } }
        var expected: Int?
        if let key = values["transition-key"] {
            let fields = key.split(separator: ":")
            if fields.count >= 3 { expected = Int(fields[2]) }
        }
        return OperationRecord(
            id: values["id"] ?? "", operation: values["operation"] ?? "", operationKey: values["operation_key"],
            intervalMs: integer("interval") ?? 0, callID: integer("call-id") ?? -1, rcCode: integer("rc-code") ?? 0,
            opStatus: integer("op-status") ?? 0, expectedRC: expected, transitionKey: values["transition-key"],
            digest: values["op-digest"], restartDigest: values["op-restart-digest"],
            forceRestart: values["op-force-restart"], secureParameters: values["op-secure-params"],
            secureDigest: values["op-secure-digest"], lastRCChange: integer("last-rc-change"),
            lastRun: integer("last-run"), exitReason: values["exit-reason"], onNode: values["on_node"],
            migrateSource: values["migrate_source"], migrateTarget: values["migrate_target"])
    }
}
