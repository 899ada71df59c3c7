import CRM
import Membership
import Messaging
import Testing
import XML

/// Three replicas in one view delivering every message to everyone in order, disk writes finishing at once.
private struct LockstepGroup {
    var replicas: [NodeID: CIBReplication<XMLReplicatedCIB>] = [:]
    var log: [(NodeID, ControllerMessage)] = []
    var answers: [UpdateID: UpdateOutcome] = [:]

    init(nodes: Int, cib: String) throws {
        for index in 1...nodes {
            let node = NodeID(UInt32(index))
            replicas[node] = CIBReplication(
                node: node, document: try XMLReplicatedCIB(snapshot: cib), lineage: .initial)
        }
        let view = ControllerView(
            id: ViewID(epoch: 1, coordinator: NodeID(1)), members: Array(replicas.keys), isQuorate: true,
            durabilityQuorum: nodes / 2 + 1)
        for node in replicas.keys.sorted() { feed(node, .viewInstalled(view)) }
        drain()
    }

    mutating func feed(_ node: NodeID, _ event: CIBReplication<XMLReplicatedCIB>.Event) {
        var queue = replicas[node]!.handle(event)
        while !queue.isEmpty {
            switch queue.removeFirst() {
            case .broadcast(let message): log.append((node, message))
            case .persist(let sequence, _, _): queue += replicas[node]!.handle(.persisted(sequence: sequence))
            case .complete(let id, let outcome): answers[id] = outcome
            case .dcElected, .documentChanged, .replicaFault: break
            }
        }
    }

    mutating func drain() {
        while !log.isEmpty {
            let (sender, message) = log.removeFirst()
            for node in replicas.keys.sorted() { feed(node, .messageDelivered(from: sender, message)) }
        }
    }

    mutating func submit(_ body: String, at node: NodeID, sequence: UInt64) -> UpdateOutcome? {
        let id = UpdateID(origin: node, incarnation: 1, sequence: sequence)
        feed(node, .updateSubmitted(id, body: body, requiresQuorum: false))
        drain()
        return answers[id]
    }

    func value(_ xpath: String, at node: NodeID) -> [String] {
        ((try? replicas[node]!.document.cib.xml.select(xpath)) ?? []).map { $0[attribute: "value"] ?? $0.name }
    }
}

private let emptyCIB = CIBDocument.empty().xml.serialized()

@Test func xmlUpdatesReplicateToEveryNodeAndCommit() throws {
    var group = try LockstepGroup(nodes: 3, cib: emptyCIB)
    #expect(group.replicas[NodeID(1)]?.isDC == true)
    let body = try StatusUpdates.setTransientAttribute(nodeID: "2", name: "pingd", value: "100")
    let outcome = group.submit(body, at: NodeID(3), sequence: 1)
    guard case .committed = outcome else {
        Issue.record("expected a commit, got \(String(describing: outcome))")
        return
    }
    for node in group.replicas.keys {
        #expect(group.value("//node_state[@id='2']//nvpair[@name='pingd']", at: node) == ["100"])
        #expect(group.replicas[node]?.document.snapshot() == group.replicas[NodeID(1)]?.document.snapshot())
    }
}

@Test func failCountsCountUpAndCleanupForgetsThem() throws {
    var group = try LockstepGroup(nodes: 3, cib: emptyCIB)
    let action = GraphAction(
        id: 1, kind: .resource, operation: "monitor", operationKey: "web_monitor_10000", node: "n2", nodeUUID: "2",
        resource: GraphResource(id: "web", agentClass: "ocf", provider: "heartbeat", type: "Dummy"),
        attributes: ["CRM_meta_interval": "10000", "CRM_meta_timeout": "20000"])
    let record = try #require(
        LRMOperationRecord(action: action, result: ActionResult(rc: 7, completedAtEpochSeconds: 1_700_000_000),
            transitionKey: "1:1:0:u"))
    var sequence: UInt64 = 0
    for _ in 0..<2 {
        for body in try #require(try StatusUpdates.recordFailure(record, startFailureIsFatal: true)) {
            sequence += 1
            _ = group.submit(body, at: NodeID(2), sequence: sequence)
        }
    }
    sequence += 1
    _ = group.submit(try StatusUpdates.mergeNodeState(record.statusFragment()), at: NodeID(2), sequence: sequence)
    let failCount = "//node_state[@id='2']//nvpair[@name='fail-count-web#monitor_10000']"
    #expect(group.value(failCount, at: NodeID(3)) == ["2"])
    #expect(group.value("//lrm_rsc_op[@id='web_monitor_10000']", at: NodeID(1)).count == 1)
    for body in try StatusUpdates.cleanup(resource: "web", nodeID: "2") {
        sequence += 1
        _ = group.submit(body, at: NodeID(1), sequence: sequence)
    }
    #expect(group.value(failCount, at: NodeID(3)).isEmpty)
    #expect(group.value("//lrm_resource[@id='web']", at: NodeID(2)).isEmpty)
}

@Test func lostNodeStaysUncleanUntilFenced() throws {
    let names = [NodeID(1): "a", NodeID(2): "b", NodeID(3): "c"]
    var tracker = NodeStatusTracker(names: names)
    let all = ControllerView(
        id: ViewID(epoch: 1, coordinator: NodeID(1)), members: [1, 2, 3].map { NodeID($0) }, isQuorate: true,
        durabilityQuorum: 2)
    _ = tracker.handle(.viewInstalled(all, isDC: true))
    let two = ControllerView(
        id: ViewID(epoch: 2, coordinator: NodeID(1)), members: [1, 2].map { NodeID($0) }, isQuorate: true,
        durabilityQuorum: 2)
    let lost = tracker.handle(.viewInstalled(two, isDC: true))
    #expect(tracker.unfencedLostNodes == [NodeID(3)])
    #expect(lost.first.map { if case .abortTransition = $0 { true } else { false } } == true)
    var group = try LockstepGroup(nodes: 1, cib: emptyCIB)
    var sequence: UInt64 = 0
    for case .submit(let body) in lost {
        sequence += 1
        _ = group.submit(body, at: NodeID(1), sequence: sequence)
    }
    let state = try #require(try group.replicas[NodeID(1)]?.document.cib.xml.select("//node_state[@id='3']").first)
    #expect(state[attribute: "in_ccm"] == "false" && state[attribute: "expected"] == "member")
    let fenced = tracker.handle(.fenced(NodeID(3)))
    #expect(tracker.unfencedLostNodes.isEmpty)
    for case .submit(let body) in fenced {
        sequence += 1
        _ = group.submit(body, at: NodeID(1), sequence: sequence)
    }
    let down = try #require(try group.replicas[NodeID(1)]?.document.cib.xml.select("//node_state[@id='3']").first)
    #expect(down[attribute: "expected"] == "down" && down[attribute: "join"] == "down")
}

@Test func restartedDCNeverDeclaresAnUnseenNodeDown() {
    var tracker = NodeStatusTracker(names: [NodeID(1): "a", NodeID(2): "b"])
    let view = ControllerView(
        id: ViewID(epoch: 5, coordinator: NodeID(1)), members: [NodeID(1)], isQuorate: true, durabilityQuorum: 1)
    let directives = tracker.handle(.viewInstalled(view, isDC: true))
    #expect(directives.count == 2)  // the abort for a's change, a online; nothing about b
    #expect(tracker.states[NodeID(2)] == .unknown)
}

@Test func toolUpdatesNeedQuorumAndBadOnesAreRejectedWithPacemakersExitCode() throws {
    let node = NodeID(1)
    var replica = CIBReplication(node: node, document: try XMLReplicatedCIB(snapshot: emptyCIB), lineage: .initial)
    let view = ControllerView(
        id: ViewID(epoch: 3, coordinator: node), members: [node], isQuorate: false, durabilityQuorum: 2)
    var log: [ControllerMessage] = []
    var answers: [UpdateID: UpdateOutcome] = [:]
    func run(_ directives: [CIBReplication<XMLReplicatedCIB>.Directive]) {
        for directive in directives {
            switch directive {
            case .broadcast(let message): log.append(message)
            case .complete(let id, let outcome): answers[id] = outcome
            default: break
            }
        }
    }
    run(replica.handle(.viewInstalled(view)))
    while !log.isEmpty { run(replica.handle(.messageDelivered(from: node, log.removeFirst()))) }
    #expect(replica.isDC)
    let bump = UpdateID(origin: node, incarnation: 1, sequence: 1)
    run(replica.handle(.updateSubmitted(bump, body: try CIBUpdateBody.encode(.bump), requiresQuorum: true)))
    let missing = UpdateID(origin: node, incarnation: 1, sequence: 2)
    let element = try XMLDocument.parse("<primitive id=\"nope\" class=\"ocf\" type=\"Dummy\"/>").root
    let modify = try CIBUpdateBody.encode(.modify(.scope(.resources), element, allowCreate: false))
    run(replica.handle(.updateSubmitted(missing, body: modify, requiresQuorum: false)))
    while !log.isEmpty { run(replica.handle(.messageDelivered(from: node, log.removeFirst()))) }
    #expect(answers[bump] == .noQuorum)
    guard case .rejected(let code, _) = answers[missing] else {
        Issue.record("expected a rejection, got \(String(describing: answers[missing]))")
        return
    }
    #expect(code == Int(CRMExitCode.noSuchObject.rawValue))
}
