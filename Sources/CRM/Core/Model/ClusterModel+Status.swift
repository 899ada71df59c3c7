import XML

extension ClusterModel {
    mutating func parseStatus(_ status: XMLElement) throws(SchedulerError) {
        for element in status.children { try parseStatusChild(element) }
    }

    /// One child of `status`: a `node_state` or the `tickets` list.
    mutating func parseStatusChild(_ element: XMLElement) throws(SchedulerError) {
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

    /// `in_ccm` and `crmd` are booleans/words in old CIBs and timestamps in 3.x.
    static func isUp(_ text: String?, online: String) -> Bool {
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
        var record = OperationRecord.empty
        for (name, value) in element.attributes {
            switch name {
            case "id": record.id = value
            case "operation": record.operation = value
            case "operation_key": record.operationKey = value
            case "interval": record.intervalMs = Int(value.trimmingSpaces) ?? 0
            case "call-id": record.callID = Int(value.trimmingSpaces) ?? -1
            case "rc-code": record.rcCode = Int(value.trimmingSpaces) ?? 0
            case "op-status": record.opStatus = Int(value.trimmingSpaces) ?? 0
            case "transition-key":
                record.transitionKey = value
                record.expectedRC = OperationRecord.expectedRC(transitionKey: value)
            case "op-digest": record.digest = value
            case "op-restart-digest": record.restartDigest = value
            case "op-force-restart": record.forceRestart = value
            case "op-secure-params": record.secureParameters = value
            case "op-secure-digest": record.secureDigest = value
            case "last-rc-change": record.lastRCChange = Int(value.trimmingSpaces)
            case "last-run": record.lastRun = Int(value.trimmingSpaces)
            case "exit-reason": record.exitReason = value
            case "on_node": record.onNode = value
            case "migrate_source": record.migrateSource = value
            case "migrate_target": record.migrateTarget = value
            case "exec-time": record.execTime = Int(value.trimmingSpaces)
            case "queue-time": record.queueTime = Int(value.trimmingSpaces)
            default: break
            }
        }
        return record
    }
}

extension OperationRecord {
    /// A record with no attributes read yet (call-id -1).
    static let empty = OperationRecord(
        id: "", operation: "", operationKey: nil, intervalMs: 0, callID: -1, rcCode: 0, opStatus: 0, expectedRC: nil,
        transitionKey: nil, digest: nil, restartDigest: nil, forceRestart: nil, secureParameters: nil,
        secureDigest: nil, lastRCChange: nil, lastRun: nil, exitReason: nil, onNode: nil, migrateSource: nil,
        migrateTarget: nil)

    /// The expected result in a transition key (`action:transition:expected-rc:uuid`), or nil.
    static func expectedRC(transitionKey key: String) -> Int? {
        let fields = key.split(separator: ":", maxSplits: 3)
        return fields.count >= 3 ? Int(fields[2]) : nil
    }
}
