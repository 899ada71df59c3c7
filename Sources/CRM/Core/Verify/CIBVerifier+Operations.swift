import XML

extension ConfigurationModel {
    /// Unparsable intervals and timeouts, duplicate name+interval pairs, and `on-fail` values an action
    /// cannot take, per primitive (operations inherited from a template included).
    func operationFindings() -> [CIBFinding] {
        var findings: [CIBFinding] = []
        for primitive in elements(named: "primitive") {
            let id = primitive[attribute: "id"] ?? ""
            let operations = effectiveOperations(of: primitive)
            var seen: [(name: String, interval: Int, id: String)] = []
            for operation in operations {
                let name = operation[attribute: "name"] ?? ""
                let operationID = operation[attribute: "id"] ?? ""
                let interval = intervalMilliseconds(operation, findings: &findings)
                for attribute in ["timeout", "start-delay"] {
                    if let text = operation[attribute: attribute], PacemakerValues.milliseconds(text) == nil {
                        findings.append(
                            CIBFinding(
                                .warning, origin: "unpack_operation",
                                "Ignoring invalid \(attribute) '\(text)' of operation \(operationID)", line: operation.line))
                    }
                }
                if interval > 0, let earlier = seen.first(where: { $0.name == name && $0.interval == interval }) {
                    findings.append(
                        CIBFinding(
                            .error, origin: "is_op_dup",
                            "Operation \(operationID) is duplicate of \(earlier.id) (do not use same name and interval combination more than once per resource)",
                            line: operation.line))
                }
                seen.append((name, interval, operationID))
                findings += onFailFindings(operation, resource: id, name: name, interval: interval)
            }
        }
        return findings
    }

    private func intervalMilliseconds(_ operation: XMLElement, findings: inout [CIBFinding]) -> Int {
        let text = operation[attribute: "interval"] ?? "0"
        if let value = PacemakerValues.milliseconds(text) { return value }
        findings.append(
            CIBFinding(.warning, origin: "crm_parse_interval_spec", "Using 0 instead of '\(text)'", line: operation.line))
        return 0
    }

    /// The primitive's own operations, then its template's that it does not override (same name+interval).
    func effectiveOperations(of primitive: XMLElement) -> [XMLElement] {
        let own = operations(of: primitive)
        guard let templateID = primitive[attribute: "template"], let template = resources[templateID],
            template.name == "template"
        else { return own }
        let key = { (op: XMLElement) in
            "\(op[attribute: "name"] ?? "")/\(PacemakerValues.milliseconds(op[attribute: "interval"] ?? "0") ?? 0)"
        }
        let overridden = Set(own.map(key))
        return own + operations(of: template).filter { !overridden.contains(key($0)) }
    }

    private func operations(of resource: XMLElement) -> [XMLElement] {
        guard var block = resource.firstChild(named: "operations") else { return [] }
        if let reference = block[attribute: "id-ref"],
            let target = definitions.first(where: { $0.id == reference && $0.element.name == "operations" })
        {
            block = target.element
        }
        return block.children(named: "op")
    }

    private func onFailFindings(_ operation: XMLElement, resource: String, name: String, interval: Int) -> [CIBFinding] {
        guard let onFail = operation[attribute: "on-fail"] else { return [] }
        let reason: String
        switch onFail {
        case "stop" where name == "stop":
            reason = "'stop' is not allowed for stop"
        case "demote" where !(name == "promote" || (name == "monitor" && interval > 0 && isPromotedRole(operation))):
            reason = "'demote' is allowed only for promote actions and recurring monitors in the promoted role"
        default:
            return []
        }
        return [
            CIBFinding(
                .error, origin: "unpack_operation_on_fail",
                "Resetting 'on-fail' for \(resource) \(name) action to default value because \(reason)", line: operation.line)
        ]
    }

    private func isPromotedRole(_ operation: XMLElement) -> Bool {
        ["Promoted", "Master"].contains(operation[attribute: "role"] ?? "")
    }
}
