import CRM
import Membership
import Messaging
import Testing
import XML

/// One controller alone in its view: its multicasts come straight back in order, its writes finish at
/// once. Enough to drive the controller's own bookkeeping (fail counts, clean shutdown) without a cluster.
struct SoloController {
    var controller: Controller
    var now = Instant.zero
    var completed: [Controller.Directive] = []
    var executed: [GraphAction] = []
    var isShutDown = false
    /// The wall-clock time fed with every event (nil: none).
    var wallTime: String?

    init(properties: ClusterProperties? = nil, wallTime: String? = nil) throws {
        controller = Controller(
            configuration: .init(
                node: NodeID(1), incarnation: 1, names: [NodeID(1): "node1"], policyDelay: .seconds(3600),
                properties: properties),
            cib: XMLReplicatedCIB(CIBDocument.empty()), lineage: .initial)
        self.wallTime = wallTime
        feed(.viewInstalled(ControllerView(id: ViewID(1 << 32 | 1), members: [NodeID(1)], isQuorate: true, durabilityQuorum: 1)))
    }

    mutating func feed(_ event: Controller.Event) { carryOut(controller.handle(event, at: now, wallTime: wallTime)) }

    mutating func carryOut(_ directives: [Controller.Directive]) {
        var queue = directives
        while !queue.isEmpty {
            let directive = queue.removeFirst()
            switch directive {
            case .broadcast(let message):
                queue += controller.handle(.messageDelivered(from: NodeID(1), message), at: now, wallTime: wallTime)
            case .persist(let sequence, _, _):
                queue += controller.handle(.persisted(sequence: sequence), at: now, wallTime: wallTime)
            case .executeLocally(_, let action, _): executed.append(action)
            case .shutdownComplete: isShutDown = true
            case .completeUpdate, .computeTransition, .scheduleTimer, .notice: completed.append(directive)
            }
        }
    }

    func values(_ xpath: String) -> [String] {
        ((try? controller.replication.document.cib.xml.select(xpath)) ?? []).compactMap { $0[attribute: "value"] }
    }
}

@Suite("One controller's own bookkeeping")
struct ControllerSoloTests {
    let failCount = "/cib/status/node_state[@id='1']//nvpair[@name='fail-count-d1#start_0']"

    func clusterAction(_ operation: String, resource: GraphResource? = nil) -> GraphAction {
        GraphAction(
            id: 7, kind: .cluster, operation: operation, operationKey: "\(operation)-node1", node: "node1",
            nodeUUID: "1", resource: resource)
    }

    @Test func clearFailcountForgetsTheNodesFailCountsOfTheResource() throws {
        var solo = try SoloController()
        #expect(solo.controller.isDC)
        let (_, directives) = solo.controller.submitToolUpdate(
            try StatusUpdates.setTransientAttribute(nodeID: "1", name: "fail-count-d1#start_0", value: "3"))
        solo.carryOut(directives)
        #expect(solo.values(failCount) == ["3"])
        let action = clusterAction("clear_failcount", resource: GraphResource(id: "d1", agentClass: "ocf", provider: "heartbeat", type: "Dummy"))
        solo.feed(.localActionFinished(transitionID: 1, action, transitionKey: "7:1:0:x", ActionResult(rc: 0)))
        #expect(solo.values(failCount).isEmpty)
    }

    @Test func cleanShutdownSetsTheAttributeThenRecordsExpectedDownAfterDoShutdown() throws {
        var solo = try SoloController()
        solo.carryOut(solo.controller.requestShutdown(epochSeconds: 1234, at: solo.now))
        #expect(solo.values("/cib/status/node_state[@id='1']//nvpair[@name='shutdown']") == ["1234"])
        #expect(!solo.isShutDown, "not before do_shutdown ran")
        solo.feed(.localActionFinished(transitionID: 1, clusterAction("do_shutdown"), transitionKey: "7:1:0:x", ActionResult(rc: 0)))
        #expect(solo.isShutDown)
        let state = try solo.controller.replication.document.cib.xml.select("/cib/status/node_state[@id='1']")
        #expect(state.first?[attribute: "expected"] == "down")
    }
}
