import CRM
import Membership
import Messaging
import NIOCore
import Testing

private let version = CIBVersion(adminEpoch: 1, epoch: 22, numUpdates: 333)
private let lineage = CIBLineage(term: ViewID(epoch: 9, coordinator: NodeID(2)), version: version)
private let id = UpdateID(origin: NodeID(3), incarnation: 1_700_000_000_000, sequence: 42)
private let action = GraphAction(
    id: 12, kind: .resource, operation: "start", operationKey: "ip_start_0", node: "node2", nodeUUID: "2",
    resource: GraphResource(id: "ip", longID: nil, agentClass: "ocf", provider: "heartbeat", type: "Dummy"),
    attributes: ["CRM_meta_timeout": "20000", "state": "/run/ip ü"], downed: [])
private let view = ViewID(epoch: 10, coordinator: NodeID(1))

private let samples: [ControllerMessage] = [
    .vote(view: view, ElectionVote(lineage: lineage, version: version, wasDC: true)),
    .update(id, body: "<cib_update operation=\"bump\"/>", requiresQuorum: true),
    .welcome(view: view, lineage: lineage, version: version, snapshot: "<cib/>"),
    .welcome(view: view, lineage: .initial, version: version, snapshot: nil),
    .syncRequested(view: view),
    .patch(view: view, update: id, from: version, to: version, lineage: lineage, patch: "<diff format=\"2\"/>"),
    .durable(view: view, version: version),
    .outcome(view: view, id, .committed(version)),
    .outcome(view: view, id, .rejected(exitCode: 105, message: "No such object")),
    .outcome(view: view, id, .interrupted),
    .actionRequested(view: view, target: NodeID(2), transitionID: 7, action, transitionKey: "12:7:0:1-1"),
    .memberReady(view: view),
    .actionFinished(
        view: view, transitionID: 7, actionID: 12,
        ActionResult(rc: 7, status: .timedOut, callID: 99, exitReason: "gone", executionMilliseconds: 5,
            queueMilliseconds: 1, completedAtEpochSeconds: 1_700_000_000)),
]

@Test(arguments: samples)
func controllerMessagesRoundTrip(message: ControllerMessage) throws {
    #expect(try ControllerMessage.decode(message.encoded()) == message)
}

@Test func everyTruncationAndCorruptionIsRefusedWithoutTrapping() {
    var generator = FuzzGenerator(state: 0x5EED)
    for message in samples {
        let bytes = Array(message.encoded().readableBytesView)
        for length in 0..<bytes.count {
            #expect(throws: ControllerWireError.self) { try ControllerMessage.decode(ByteBuffer(bytes: bytes[..<length])) }
        }
        for _ in 0..<200 {
            var corrupted = bytes
            corrupted[Int.random(in: 0..<corrupted.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? ControllerMessage.decode(ByteBuffer(bytes: corrupted))
        }
    }
}

/// A seeded generator so a failing corruption replays.
private struct FuzzGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
