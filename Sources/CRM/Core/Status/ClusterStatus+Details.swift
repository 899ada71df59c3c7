import XML

extension ClusterStatus {
    /// The status with each operation's recorded id, `operation_key`, exit reason and timings filled in from
    /// the CIB's `lrm_rsc_op` elements. The engine keeps none of these (large CIBs hold hundreds of thousands
    /// of records); crm_mon shows them, so they are read here, matched by node, resource, call id and task.
    public func addingOperationDetails(from cib: XMLElement) -> ClusterStatus {
        var records: [String: XMLElement] = [:]
        for state in cib.firstChild(named: "status")?.children(named: "node_state") ?? [] {
            guard let node = state[attribute: "uname"] ?? state[attribute: "id"] else { continue }
            let histories = state.firstChild(named: "lrm")?.firstChild(named: "lrm_resources")?.children(named: "lrm_resource") ?? []
            for history in histories {
                guard let resource = history[attribute: "id"] else { continue }
                for record in history.children(named: "lrm_rsc_op") {
                    let call = record[attribute: "call-id"] ?? "-1"
                    let interval = record[attribute: "interval"] ?? "0"
                    let key = Self.detailKey(node, resource, call, record[attribute: "operation"] ?? "", interval)
                    if records[key] == nil { records[key] = record }
                }
            }
        }
        func filled(_ operation: Operation) -> Operation {
            let key = Self.detailKey(
                operation.node, operation.resource, String(operation.callID), operation.task, String(operation.intervalMs))
            guard let record = records[key] else { return operation }
            var result = operation
            result.id = record[attribute: "id"] ?? operation.id
            if let operationKey = record[attribute: "operation_key"] {
                result.key = operationKey
                result.hasOperationKey = true
            } else {
                result.key = result.id
            }
            result.exitReason = record[attribute: "exit-reason"]
            result.execTimeMs = record[attribute: "exec-time"].flatMap { Int($0) }
            result.queueTimeMs = record[attribute: "queue-time"].flatMap { Int($0) }
            return result
        }
        var status = self
        status.failures = failures.map(filled)
        status.histories = histories.map { entry in
            (entry.node, entry.resources.map { history in
                var history = history
                history.operations = history.operations.map(filled)
                return history
            })
        }
        return status
    }

    private static func detailKey(_ parts: String...) -> String { parts.joined(separator: "\u{1F}") }
}
