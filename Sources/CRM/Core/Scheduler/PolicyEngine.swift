import XML

/// What one scheduling run produces: the graph, the allocation scores and what changes.
public struct TransitionResult: Sendable {
    /// The transition graph.
    public var graph: TransitionGraph
    /// `crm_simulate -s` lines (sorted).
    public var scores: [String]
    /// Planned changes per resource, for the "Transition Summary".
    public var summary: [String]
    /// "Current cluster status" lines.
    public var currentStatus: [String]
    /// "Executing Cluster Transition" lines (the graph in an order that respects its edges).
    public var execution: [String]
    /// "Revised Cluster Status" lines: the status once every action succeeded.
    public var revisedStatus: [String]
}

/// Pacemaker-compatible policy engine: a pure function from a CIB and "now" to a transition graph.
public enum PolicyEngine {
    /// Schedules a parsed CIB. `now` is epoch seconds; nil uses the CIB's `execution-date` (or 0).
    /// `recordScores` keeps the allocation scores for `crm_simulate -s` (costly on large clusters).
    /// `failing` lists operations that fail in the simulated execution (`crm_simulate --op-fail`); they only
    /// change the execution and revised-status text, never the graph.
    public static func schedule(
        _ model: ClusterModel, now: Int?, recordScores: Bool = false, failing: [ClusterModel.OperationSpec] = []
    ) -> TransitionResult {
        var scheduler = Scheduler(model: model, now: now ?? model.executionDate ?? 0)
        scheduler.recordsScores = recordScores
        scheduler.failingOperations = failing
        scheduler.run()
        return TransitionResult(
            graph: scheduler.graph(), scores: scheduler.scoreLines.sorted(), summary: scheduler.summaryLines(),
            currentStatus: scheduler.statusText(revised: false), execution: scheduler.executionLines(),
            revisedStatus: scheduler.statusText(revised: true))
    }

    /// Parses and schedules a CIB document.
    public static func schedule(cib: XMLElement, now: Int?, recordScores: Bool = false) throws(SchedulerError)
        -> TransitionResult
    {
        schedule(try ClusterModel(cib: cib), now: now, recordScores: recordScores)
    }
}

extension Scheduler {
    /// Runs every stage in order.
    mutating func run() {
        unpackNodes()
        unpackResources()
        unpackHistory()
        applyMultipleActive()
        applyLocations()
        applyTickets()
        resolveColocations()
        assignAll()
        for index in resources.indices where resources[index].kind == .primitive { createActions(index) }
        for index in resources.indices where resources[index].kind == .group { createGroupActions(index) }
        for index in resources.indices where resources[index].kind == .clone { createCloneActions(index) }
        for index in resources.indices { createLoadOrderings(index) }
        createProbes()
        for index in resources.indices where resources[index].kind == .primitive { createStoppedMonitors(index) }
        applyOrderConstraints()
        applyAntiColocationOrderings()
        createFencingAndShutdown()
        addProbeOrderingsForStops()
        addRestartOrderingsForProbes()
        propagateFlags()
    }

    /// Whether an action goes into the graph.
    func isInGraph(_ action: SchedulerAction) -> Bool {
        guard !action.isOptional, action.isRunnable else { return false }
        if let resource = action.resource, !resources[resource].isManaged, resources[resource].kind == .primitive {
            return action.isMaintenanceCancel || action.isProbe
        }
        return true
    }

    /// Builds the graph: actions in the graph and the orderings between them.
    func graph() -> TransitionGraph {
        let header: [(String, String)] = [
            ("cluster-delay", options.clusterDelay), ("fencing-timeout", options.fencingTimeout),
            ("failed-stop-offset", "INFINITY"), ("failed-start-offset", "INFINITY"), ("transition_id", "0"),
        ]
        var inputs: [Int: [Int]] = [:]
        for ordering in orderings where isInGraph(actions[ordering.first]) && isInGraph(actions[ordering.then]) {
            inputs[ordering.then, default: []].append(ordering.first)
        }
        var synapses: [(action: TransitionGraph.Action, inputs: [Int])] = []
        for action in actions where isInGraph(action) {
            let triggers = Array(Set(inputs[action.id] ?? [])).sorted()
            synapses.append((graphAction(action), triggers))
        }
        return TransitionGraph(header: header, synapses: synapses)
    }

    private func graphAction(_ action: SchedulerAction) -> TransitionGraph.Action {
        var element = "rsc_op"
        var attributes: [(String, String)] = []
        var primitive: [(String, String)]?
        var node: String?
        var uuid: String?
        if let index = action.node {
            node = nodes[index].uname
            uuid = nodes[index].id
        }
        switch action.element {
        case .pseudoEvent:
            element = "pseudo_event"
            node = nil
            uuid = nil
            attributes = action.meta
        case .clusterEvent:
            element = "crm_event"
            if let index = action.resource {
                let resource = resources[index]
                primitive = [("id", resource.id), ("class", resource.resourceClass)]
                if let provider = resource.provider { primitive?.append(("provider", provider)) }
                primitive?.append(("type", resource.type))
            }
            var meta = action.meta
            if let node, let uuid { meta += [("CRM_meta_on_node", node), ("CRM_meta_on_node_uuid", uuid)] }
            attributes = meta.sorted { $0.0 < $1.0 }
        case .resourceOperation:
            if let index = action.resource {
                let resource = resources[index]
                primitive = [("id", resource.historyID)]
                if resource.baseID != nil { primitive?.append(("long-id", resource.id)) }
                primitive?.append(("class", resource.resourceClass))
                if let provider = resource.provider { primitive?.append(("provider", provider)) }
                primitive?.append(("type", resource.type))
                if let nodeIndex = action.node, action.task != "stop" && action.task != "cancel" {
                    attributes = parameters(index, node: nodeIndex).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                }
            }
            var meta = action.meta
            if let node, let uuid { meta += [("CRM_meta_on_node", node), ("CRM_meta_on_node_uuid", uuid)] }
            attributes = meta.sorted { $0.0 < $1.0 } + attributes
        }
        var key = action.key
        var internalKey: String?
        if action.element != .clusterEvent, let index = action.resource, let name = resources[index].historyName,
            key.hasPrefix(resources[index].id + "_")
        {
            internalKey = key
            key = name + key.dropFirst(resources[index].id.count)
        }
        return TransitionGraph.Action(
            element: element, id: action.id, operation: action.task, operationKey: key, internalOperationKey: internalKey,
            node: node,
            nodeUUID: uuid, primitive: primitive, attributes: attributes, downed: action.downed.map { nodes[$0].id },
            priority: 0)
    }
}

extension PolicyEngine {
    /// Parses an ISO 8601 date for `--set-datetime` (UTC unless an offset is given) into epoch seconds.
    public static func parseDate(_ text: String) -> Int? { CalendarDate.parse(text) }
}
