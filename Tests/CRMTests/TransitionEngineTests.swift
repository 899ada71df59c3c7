import CRM
import Membership
import Messaging
import Testing

private let corpus = "/work/shared/conformance/scheduler/exp"

private func readFile(_ path: String) -> String? {
    guard let file = fopenForTest(path) else { return nil }
    return file
}

private func resource(_ id: Int, _ key: String, node: String = "n1", timeout: Int = 20_000, rc: Int? = nil)
    -> GraphAction
{
    var attributes = ["CRM_meta_timeout": String(timeout)]
    if let rc { attributes["CRM_meta_op_target_rc"] = String(rc) }
    return GraphAction(
        id: id, kind: .resource, operation: String(key.split(separator: "_")[1]), operationKey: key, node: node,
        nodeUUID: node, resource: GraphResource(id: String(key.split(separator: "_")[0]), agentClass: "ocf",
            provider: "heartbeat", type: "Dummy"), attributes: attributes)
}

private let t0 = Instant.zero

/// Runs a graph, answering every dispatched action with `answer`, until it finishes.
private func execute(_ graph: ExecutableGraph, answer: (GraphAction) -> ActionResult?) -> (
    outcome: TransitionOutcome?, order: [String], directives: [TransitionEngine.Directive]
) {
    var engine = TransitionEngine(controllerUUID: "uuid")
    var queue = engine.handle(.started(graph, at: t0))
    var all: [TransitionEngine.Directive] = []
    var order: [String] = []
    var now = t0
    while !queue.isEmpty {
        let directive = queue.removeFirst()
        all.append(directive)
        switch directive {
        case .execute(let action, _):
            order.append(action.operationKey)
            if let result = answer(action) {
                now = now + .milliseconds(10)
                queue += engine.handle(.actionCompleted(actionID: action.id, result, at: now))
            }
        case .scheduleTimer(let at):
            if queue.isEmpty, engine.isRunning { queue += engine.handle(.timerFired(at: at)) }
        case .finished(_, let outcome):
            return (outcome, order, all)
        case .record, .nodesFenced:
            break
        }
    }
    return (nil, order, all)
}

@Test func parsesPacemakersGraphAndRunsItToCompletionInInputOrder() throws {
    let text = try #require(readFile("\(corpus)/stonith-0.exp"))
    let graph = try ExecutableGraph.parse(text)
    #expect(graph.transitionID == 1)
    #expect(graph.clusterDelay == .seconds(180))
    let fence = try #require(graph.action(2))
    #expect(fence.kind == .cluster && fence.operation == "stonith")
    let run = execute(graph) { ActionResult(rc: $0.targetRC) }
    #expect(run.outcome == .complete)
    // Every action ran after the actions it waits for.
    for synapse in graph.synapses {
        for action in synapse.actions where action.kind != .pseudo {
            guard let position = run.order.firstIndex(of: action.operationKey) else { continue }
            for input in synapse.inputs {
                guard let before = graph.action(input), before.kind != .pseudo else { continue }
                #expect((run.order.firstIndex(of: before.operationKey) ?? Int.max) < position)
            }
        }
    }
    #expect(run.directives.contains { if case .nodesFenced = $0 { true } else { false } })
}

@Test func everyCorpusGraphParsesAndCompletes() throws {
    var parsed = 0
    for name in ["simple1", "simple2", "group1", "order1", "rec-node-13", "stop-failure-no-quorum", "bug-1572-1"] {
        guard let text = readFile("\(corpus)/\(name).exp") else { continue }
        let graph = try ExecutableGraph.parse(text, source: name)
        let run = execute(graph) { ActionResult(rc: $0.targetRC) }
        #expect(run.outcome == .complete, "\(name)")
        parsed += 1
    }
    #expect(parsed >= 5)
}

@Test func unexpectedResultAbortsAndStartsNothingMore() {
    let graph = ExecutableGraph(
        transitionID: 4,
        synapses: [
            GraphSynapse(id: 0, actions: [resource(1, "a_stop_0")], inputs: []),
            GraphSynapse(id: 1, actions: [resource(2, "a_start_0", node: "n2")], inputs: [1]),
        ])
    let run = execute(graph) { $0.id == 1 ? ActionResult(rc: 1, exitReason: "boom") : ActionResult(rc: 0) }
    #expect(run.order == ["a_stop_0"])
    guard case .aborted(let reason) = run.outcome else {
        Issue.record("expected an abort, got \(String(describing: run.outcome))")
        return
    }
    #expect(reason.contains("a_stop_0"))
    let records = run.directives.compactMap { if case .record(let r) = $0 { r } else { nil } }
    #expect(records.first?.recordIDs == ["a_last_0", "a_last_failure_0"])
}

@Test func lostActionTimesOutAfterTimeoutPlusClusterDelay() {
    let graph = ExecutableGraph(
        transitionID: 2, clusterDelay: .seconds(5),
        synapses: [GraphSynapse(id: 0, actions: [resource(1, "a_start_0", timeout: 1_000)], inputs: [])])
    var engine = TransitionEngine(controllerUUID: "u")
    let first = engine.handle(.started(graph, at: t0))
    #expect(first.contains(.scheduleTimer(at: t0 + .seconds(6))))
    #expect(engine.handle(.timerFired(at: t0 + .seconds(5))).isEmpty)
    let late = engine.handle(.timerFired(at: t0 + .seconds(6)))
    #expect(late.contains { if case .finished(2, .aborted) = $0 { true } else { false } })
    #expect(late.contains { if case .record(let r) = $0 { r.result.status == .timedOut } else { false } })
}

@Test func abortWaitsForActionsInFlight() {
    let graph = ExecutableGraph(
        transitionID: 3,
        synapses: [
            GraphSynapse(id: 0, actions: [resource(1, "a_start_0")], inputs: []),
            GraphSynapse(id: 1, actions: [resource(2, "b_start_0")], inputs: [1]),
        ])
    var engine = TransitionEngine(controllerUUID: "u")
    _ = engine.handle(.started(graph, at: t0))
    #expect(engine.handle(.abortRequested(reason: "node lost", at: t0)).isEmpty)
    let done = engine.handle(.actionCompleted(actionID: 1, ActionResult(rc: 0), at: t0))
    #expect(!done.contains { if case .execute = $0 { true } else { false } })
    #expect(done.contains(.finished(transitionID: 3, .aborted(reason: "node lost"))))
}

@Test func batchLimitBoundsActionsInFlight() {
    let synapses = (1...5).map { GraphSynapse(id: $0, actions: [resource($0, "r\($0)_start_0")], inputs: []) }
    var engine = TransitionEngine(controllerUUID: "u")
    let first = engine.handle(.started(ExecutableGraph(transitionID: 1, batchLimit: 2, synapses: synapses), at: t0))
    #expect(first.filter { if case .execute = $0 { true } else { false } }.count == 2)
}

@Test func probeExpectsNotRunningAndTransitionKeyHasPacemakersShape() throws {
    var probe = resource(7, "a_monitor_0")
    probe.attributes["CRM_meta_op_target_rc"] = nil
    #expect(probe.targetRC == 7)
    let graph = ExecutableGraph(transitionID: 9, synapses: [GraphSynapse(id: 0, actions: [probe], inputs: [])])
    let engine = TransitionEngine(controllerUUID: "abc")
    #expect(engine.transitionKey(for: probe, in: graph) == "7:9:7:abc")
    let record = try #require(
        LRMOperationRecord(action: probe, result: ActionResult(rc: 7, callID: 3), transitionKey: "7:9:7:abc"))
    #expect(record.recordIDs == ["a_last_0"])
    #expect(record.transitionMagic == "0:7;7:9:7:abc")
    #expect(record.statusFragment().contains("rc-code=\"7\""))
}

@Test func malformedGraphsAreRefusedWithWhere() {
    #expect(throws: GraphError.self) { try ExecutableGraph.parse("<transition_graph><synapse id=\"x\"/></transition_graph>") }
    #expect(throws: GraphError.self) {
        try ExecutableGraph.parse(
            "<transition_graph><synapse id=\"0\"><action_set><pseudo_event id=\"1\" operation=\"a\" operation_key=\"a_0\"/></action_set><inputs><trigger><pseudo_event id=\"9\"/></trigger></inputs></synapse></transition_graph>"
        )
    }
    #expect(throws: GraphError.self) { try ExecutableGraph.parse("<cib/>") }
}

@Test func digestMatchesPacemakers() {
    // Debian's crm_simulate 2.1.5 -S recorded this op-digest for a Dummy probe with fake=1 state=/x.
    let digest = OperationDigest.compute(
        parameters: ["state": "/x", "fake": "1", "CRM_meta_timeout": "20000"], intervalMilliseconds: 0, timeout: "20000")
    #expect(digest == "3428c5a0872b5464a9cd7132e61183f9")
}
