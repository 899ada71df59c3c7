import Membership
import Messaging

/// Executes one transition graph: starts every synapse whose inputs are confirmed, confirms pseudo events at
/// once, watches each dispatched action with its timeout plus `cluster-delay`, and aborts on an unexpected
/// result, a lost action or a request from outside (a membership change, a CIB change the DC did not make).
/// An aborted transition starts nothing new and finishes when the actions in flight are back, so the DC
/// can rerun the policy engine on the new state. Reads no clock: see Docs/Protocols/Transition-Engine.md.
public struct TransitionEngine: Sendable {
    /// Inputs.
    public enum Event: Sendable, Equatable {
        /// Execute `graph` (the previous one must have finished).
        case started(ExecutableGraph, at: Instant)
        /// An action dispatched by `.execute` finished.
        case actionCompleted(actionID: Int, ActionResult, at: Instant)
        /// A timer set by `.scheduleTimer` fired.
        case timerFired(at: Instant)
        /// Stop starting actions; finish once the ones in flight are back.
        case abortRequested(reason: String, at: Instant)
    }

    /// Outputs.
    public enum Directive: Sendable, Equatable {
        /// Carry out `action` (lrmd of its node, fencing, shutdown, fail-count clearing).
        case execute(GraphAction, transitionKey: String)
        /// Record the result of a resource operation in the CIB status section.
        case record(LRMOperationRecord)
        /// Fencing of these nodes succeeded (`<downed>`): mark them down and clean in the status section.
        case nodesFenced([String])
        /// Call back with `.timerFired` at `at`.
        case scheduleTimer(at: Instant)
        /// The transition is over.
        case finished(transitionID: Int, TransitionOutcome)
    }

    /// The state of one action.
    public enum ActionState: Sendable, Equatable {
        case waiting
        case inFlight(deadline: Instant)
        case confirmed
        case failed
    }

    /// The DC's identity in transition keys (Pacemaker's `te_uuid`).
    public let controllerUUID: String
    /// The graph being executed, nil when idle.
    public private(set) var graph: ExecutableGraph?
    /// Per action id.
    public private(set) var states: [Int: ActionState] = [:]
    /// Why the running transition is being aborted.
    public private(set) var abortReason: String?
    private var started: Set<Int> = []

    /// An idle engine.
    public init(controllerUUID: String) { self.controllerUUID = controllerUUID }

    /// Whether a transition is running.
    public var isRunning: Bool { graph != nil }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .started(let newGraph, let now):
            precondition(graph == nil, "transition \(newGraph.transitionID) started while \(graph!.transitionID) runs")
            graph = newGraph
            states = [:]
            started = []
            abortReason = nil
            for synapse in newGraph.synapses { for action in synapse.actions { states[action.id] = .waiting } }
            return advance(at: now)
        case .actionCompleted(let id, let result, let now):
            guard let graph, case .inFlight = states[id], let action = graph.action(id) else { return [] }
            return complete(action, result: result, at: now) + advance(at: now)
        case .timerFired(let now):
            return expireActions(at: now) + advance(at: now)
        case .abortRequested(let reason, let now):
            guard graph != nil else { return [] }
            if abortReason == nil { abortReason = reason }
            return advance(at: now)
        }
    }

    /// Pacemaker's transition key: `action:transition:target-rc:uuid`.
    public func transitionKey(for action: GraphAction, in graph: ExecutableGraph) -> String {
        "\(action.id):\(graph.transitionID):\(action.targetRC):\(controllerUUID)"
    }

    private mutating func complete(_ action: GraphAction, result: ActionResult, at now: Instant) -> [Directive] {
        guard let graph else { return [] }
        var directives: [Directive] = []
        let isSuccess = result.status == .done && result.rc == action.targetRC
        states[action.id] = isSuccess ? .confirmed : .failed
        if action.kind == .resource, let record = LRMOperationRecord(
            action: action, result: result, transitionKey: transitionKey(for: action, in: graph))
        {
            directives.append(.record(record))
        }
        if action.kind == .cluster, action.operation == "stonith", isSuccess {
            directives.append(.nodesFenced(action.downed.isEmpty ? [action.nodeUUID ?? action.node ?? ""] : action.downed))
        }
        if !isSuccess && abortReason == nil {
            abortReason = "\(action.operationKey) on \(action.node ?? "the cluster") failed: \(result)"
        }
        return directives
    }

    private mutating func expireActions(at now: Instant) -> [Directive] {
        guard let graph else { return [] }
        var directives: [Directive] = []
        for id in states.keys.sorted() {
            guard case .inFlight(let deadline) = states[id], deadline <= now, let action = graph.action(id) else {
                continue
            }
            let lost = ActionResult(rc: 1, status: .timedOut, exitReason: "lost: no result within timeout + cluster-delay")
            directives += complete(action, result: lost, at: now)
        }
        return directives
    }

    /// Starts whatever is ready, repeatedly (pseudo events cascade), then decides whether the graph is done.
    private mutating func advance(at now: Instant) -> [Directive] {
        guard let graph else { return [] }
        var directives: [Directive] = []
        var progressed = true
        while progressed && abortReason == nil {
            progressed = false
            for synapse in readySynapses(graph) {
                guard canStart(synapse, graph: graph) else { continue }
                started.insert(synapse.id)
                progressed = true
                for action in synapse.actions { directives += start(action, graph: graph, at: now) }
            }
        }
        return directives + finishIfDone(graph)
    }

    private func readySynapses(_ graph: ExecutableGraph) -> [GraphSynapse] {
        graph.synapses.filter { synapse in
            !started.contains(synapse.id) && synapse.inputs.allSatisfy { states[$0] == .confirmed }
        }.sorted { ($0.priority, -$0.id) > ($1.priority, -$1.id) }
    }

    private func canStart(_ synapse: GraphSynapse, graph: ExecutableGraph) -> Bool {
        guard graph.batchLimit > 0, synapse.actions.contains(where: { $0.kind != .pseudo }) else { return true }
        let inFlight = states.values.filter { if case .inFlight = $0 { return true } else { return false } }.count
        return inFlight < graph.batchLimit
    }

    private mutating func start(_ action: GraphAction, graph: ExecutableGraph, at now: Instant) -> [Directive] {
        if action.kind == .pseudo {
            states[action.id] = .confirmed
            return []
        }
        let budget = action.operation == "stonith" ? graph.fencingTimeout : action.timeout
        let deadline = now + budget + graph.clusterDelay
        states[action.id] = .inFlight(deadline: deadline)
        return [.execute(action, transitionKey: transitionKey(for: action, in: graph)), .scheduleTimer(at: deadline)]
    }

    private mutating func finishIfDone(_ graph: ExecutableGraph) -> [Directive] {
        let inFlight = states.values.contains { if case .inFlight = $0 { return true } else { return false } }
        guard !inFlight else { return [] }
        let outcome: TransitionOutcome
        if let abortReason {
            outcome = .aborted(reason: abortReason)
        } else if states.values.allSatisfy({ $0 == .confirmed }) {
            outcome = .complete
        } else {
            outcome = .stalled
        }
        self.graph = nil
        return [.finished(transitionID: graph.transitionID, outcome)]
    }
}

/// How a transition ended.
public enum TransitionOutcome: Sendable, Equatable {
    /// Every action was confirmed.
    case complete
    /// Stopped early; the DC reruns the policy engine.
    case aborted(reason: String)
    /// Nothing could run any more and nothing failed (a graph whose inputs can never be met).
    case stalled
}
