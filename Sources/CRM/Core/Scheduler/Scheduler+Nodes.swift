extension Scheduler {
    /// Builds the node table from the configuration and the status section.
    mutating func unpackNodes() {
        let states = Dictionary(model.nodeStates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for definition in model.nodes {
            let index = nodes.count
            var node = SchedulerNode(index: index, id: definition.id, uname: definition.uname, attributes: [:], utilization: [:])
            let state = states[definition.id]
            var attributes = Self.evaluate(definition.attributeSets, context: RuleContext(now: now))
            for (name, value) in state?.transientAttributes ?? [] { attributes[name] = value }
            attributes["#uname"] = definition.uname
            attributes["#id"] = definition.id
            attributes["#kind"] = "cluster"
            attributes["#is_dc"] = (model.dcUUID == definition.id) ? "true" : "false"
            if model.dcUUID == definition.id { dcNode = index }
            node.attributes = attributes
            node.failures = FailureIndex(attributes: attributes)
            for (name, value) in Self.evaluate(definition.utilizationSets, context: RuleContext(now: now)) {
                node.utilization[name] = Int(value.trimmingSpaces) ?? 0
            }
            determineState(&node, state: state)
            node.healthScore = healthScore(of: node)
            nodes.append(node)
            nodeByName[definition.uname] = index
            nodeByID[definition.id] = index
        }
    }

    private func determineState(_ node: inout SchedulerNode, state: NodeStatus?) {
        node.isStandby = ClusterModel.isTrue(node.attributes["standby"])
        node.isMaintenance = ClusterModel.isTrue(node.attributes["maintenance"])
        if let shutdown = node.attributes["shutdown"], let value = Int(shutdown), value != 0 { node.isShutdown = true }
        guard let state else {
            if options.fencingEnabled && options.startupFencing {
                node.isUnclean = true
                node.fenceReason = "node is unclean"
            }
            return
        }
        node.hasState = true
        node.isExpectedUp = state.expected == "member"
        let isMember = state.join == "member"
        if !options.fencingEnabled {
            node.isOnline = state.inCCM && state.controllerOnline && isMember
            return
        }
        if state.inCCM && state.controllerOnline && isMember {
            node.isOnline = true
        } else if state.inCCM && state.controllerOnline {
            node.isPending = state.join == "pending" || state.join == nil
            if state.join == "banned" {
                node.isUnclean = true
                node.fenceReason = "peer was in an unknown state"
            }
        } else if !state.inCCM && !state.controllerOnline && (state.expected == "down" || state.join == "down") {
            node.isOnline = false
        } else if !state.inCCM && state.expected == "member" {
            node.isUnclean = true
            node.fenceReason = "peer is no longer part of the cluster"
        } else if state.inCCM && !state.controllerOnline {
            if state.expected == "down" || node.isShutdown {
                node.isOnline = false
            } else {
                node.isUnclean = true
                node.fenceReason = "peer process is no longer available"
            }
        }
    }

    /// Applies node health attributes (`#health-*`) as location scores for every resource.
    func healthScore(of node: SchedulerNode) -> Int {
        guard options.healthStrategy != "none" else { return 0 }
        var total = options.healthStrategy == "progressive" || options.healthStrategy == "custom" ? options.healthBase : 0
        for (name, value) in node.attributes where name.hasPrefix("#health") {
            let score = Score.parse(
                value, red: options.healthRed, yellow: options.healthYellow, green: options.healthGreen) ?? 0
            total = Score.add(total, score)
        }
        return total
    }
}
