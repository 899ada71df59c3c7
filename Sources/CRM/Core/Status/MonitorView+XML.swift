import XML

extension MonitorView {
    /// The elements of `crm_mon --output-as xml` (Pacemaker's crm_mon API 2.25), each serialised, for the
    /// `<pacemaker-result>` envelope.
    public func xmlElements() -> [String] {
        var elements = [summaryXML(), nodesXML(), resourcesXML()]
        if status.nodes.contains(where: { $0.isOnline && !$0.attributes.isEmpty }) { elements.append(nodeAttributesXML()) }
        elements.append(historyXML())
        if !status.tickets.isEmpty {
            let tickets = status.tickets.map { ticket in
                Self.element(
                    "ticket",
                    [("id", ticket.id), ("status", ticket.isGranted ? "granted" : "revoked"), ("standby", String(ticket.isStandby))])
            }
            elements.append(Self.element("tickets", [], children: tickets))
        }
        if !status.bans.isEmpty { elements.append(bansXML()) }
        if !status.failures.isEmpty { elements.append(failuresXML()) }
        return elements
    }

    private static func element(_ name: String, _ attributes: [(String, String)], children: [String] = []) -> String {
        let head = "<\(name)" + attributes.map { " \($0.0)=\"\(xmlEscaped($0.1))\"" }.joined()
        guard !children.isEmpty else { return head + "/>" }
        let body = children.flatMap { $0.split(separator: "\n").map { "  " + $0 } }.joined(separator: "\n")
        return head + ">\n" + body + "\n</\(name)>"
    }

    private func summaryXML() -> String {
        var dc: [(String, String)] = [("present", String(status.dc != nil))]
        if let node = status.dc {
            dc += [
                ("version", status.dcVersion ?? ""), ("name", node.name), ("id", node.id),
                ("with_quorum", String(status.hasQuorum)), ("mixed_version", "false"),
            ]
        }
        return Self.element(
            "summary", [],
            children: [
                Self.element("stack", [("type", status.stack)]), Self.element("current_dc", dc),
                Self.element("last_update", [("time", header.lastUpdated)]),
                Self.element(
                    "last_change",
                    [("time", header.lastWritten ?? ""), ("user", header.user ?? ""), ("client", header.client ?? ""),
                     ("origin", header.origin ?? "")]),
                Self.element("nodes_configured", [("number", String(status.nodes.count))]),
                Self.element(
                    "resources_configured",
                    [("number", String(status.instanceCount)), ("disabled", String(status.disabledCount)),
                     ("blocked", String(status.blockedCount))]),
                Self.element("cluster_options", status.options),
            ])
    }

    private func nodesXML() -> String {
        let nodes = status.nodes.map { node in
            var attributes: [(String, String)] = [
                ("name", node.name), ("id", node.id), ("online", String(node.isOnline)), ("standby", String(node.isStandby)),
                ("standby_onfail", String(node.isStandbyOnFail)), ("maintenance", String(node.isMaintenance)),
                ("pending", String(node.isPending)), ("unclean", String(node.isUnclean)), ("health", node.health),
            ]
            // Pacemaker reports an online node's missing feature set as older than the one that records it.
            if let featureSet = node.featureSet ?? (node.isOnline ? "<3.15.1" : nil) { attributes.append(("feature_set", featureSet)) }
            attributes += [
                ("shutdown", String(node.isShutdown)), ("expected_up", String(node.isExpectedUp)), ("is_dc", String(node.isDC)),
                ("resources_running", String(node.runningResources.count)), ("type", "member"),
            ]
            return Self.element("node", attributes)
        }
        return Self.element("nodes", [], children: nodes)
    }

    private func resourcesXML() -> String {
        // The XML form always lists inactive resources too, as Pacemaker's does.
        Self.element("resources", [], children: status.resources.map(resourceXML))
    }

    private func resourceXML(_ resource: ClusterStatus.Resource) -> String {
        if resource.kind == "primitive" && resource.children.isEmpty {
            var attributes: [(String, String)] = [("id", resource.id), ("resource_agent", resource.agent), ("role", resource.role)]
            if let target = resource.targetRole { attributes.append(("target_role", target)) }
            attributes += [
                ("active", String(!resource.nodes.isEmpty)), ("orphaned", String(resource.isOrphan)),
                ("blocked", String(resource.isBlocked)), ("managed", String(resource.isManaged)),
                ("failed", String(resource.isFailed)), ("failure_ignored", String(resource.isFailureIgnored)),
                ("nodes_running_on", String(resource.nodes.count)),
            ]
            let nodes = resource.nodes.map { name in
                Self.element("node", [("name", name), ("id", status.nodes.first { $0.name == name }?.id ?? ""), ("cached", "true")])
            }
            return Self.element("resource", attributes, children: nodes)
        }
        let attributes: [(String, String)] = [
            ("id", resource.id), ("number_resources", String(resource.children.count)), ("managed", String(resource.isManaged)),
            ("disabled", String(resource.isDisabled)),
        ]
        return Self.element(resource.kind, attributes, children: resource.children.map(resourceXML))
    }

    private func nodeAttributesXML() -> String {
        let nodes = status.nodes.filter { $0.isOnline && !$0.attributes.isEmpty }.map { node in
            Self.element(
                "node", [("name", node.name)],
                children: node.attributes.map { Self.element("attribute", [("name", $0.name), ("value", $0.value)]) })
        }
        return Self.element("node_attributes", [], children: nodes)
    }

    private func historyXML() -> String {
        let online = Set(status.nodes.filter(\.isOnline).map(\.name))
        let nodes = status.histories.compactMap { (node, histories) -> String? in
            guard online.contains(node) else { return nil }
            let shown = histories.filter { !$0.operations.isEmpty }
            guard !shown.isEmpty else { return nil }
            return Self.element("node", [("name", node)], children: shown.map(resourceHistoryXML))
        }
        return Self.element("node_history", [], children: nodes)
    }

    private func resourceHistoryXML(_ history: ClusterStatus.ResourceHistory) -> String {
        var attributes: [(String, String)] = [
            ("id", history.resource), ("orphan", String(history.isOrphan)),
            ("migration-threshold", String(history.migrationThreshold)),
        ]
        if history.failCount > 0 {
            attributes.append(("fail-count", Score.format(history.failCount)))
            if let last = history.lastFailure { attributes.append(("last-failure", formatTime(last))) }
        }
        let operations = history.operations.map { operation in
            var attributes: [(String, String)] = [
                ("call", String(operation.callID)), ("task", operation.displayTask), ("rc", String(operation.rcCode)),
                ("rc_text", Self.exitText(operation.rcCode)),
            ]
            if operation.intervalMs > 0 { attributes.append(("interval", "\(operation.intervalMs)ms")) }
            if let changed = operation.lastRCChange { attributes.append(("last-rc-change", formatTime(changed))) }
            if let exec = operation.execTimeMs { attributes.append(("exec-time", "\(exec)ms")) }
            if let queue = operation.queueTimeMs { attributes.append(("queue-time", "\(queue)ms")) }
            return Self.element("operation_history", attributes)
        }
        return Self.element("resource_history", attributes, children: operations)
    }

    private func bansXML() -> String {
        let bans = status.bans.map { ban in
            Self.element(
                "ban",
                [("id", ban.id), ("resource", ban.resource), ("node", ban.node), ("weight", String(ban.score)),
                 ("promoted-only", String(ban.isPromotedOnly)), ("master_only", String(ban.isPromotedOnly))])
        }
        return Self.element("bans", [], children: bans)
    }

    private func failuresXML() -> String {
        let failures = status.failures.map { failure in
            var attributes: [(String, String)] = [
                (failure.hasOperationKey ? "op_key" : "id", failure.key), ("node", failure.node),
                ("exitstatus", Self.exitText(failure.rcCode)), ("exitreason", failure.exitReason ?? "none"),
                ("exitcode", String(failure.rcCode)), ("call", String(failure.callID)),
                ("status", Self.executionStatusText(failure.opStatus)),
            ]
            if let changed = failure.lastRCChange {
                attributes += [
                    ("last-rc-change", ISO8601.timestamp(changed)), ("queued", String(failure.queueTimeMs ?? 0)),
                    ("exec", String(failure.execTimeMs ?? 0)), ("interval", String(failure.intervalMs)), ("task", failure.task),
                ]
            }
            return Self.element("failure", attributes)
        }
        return Self.element("failures", [], children: failures)
    }
}
