import Membership
import Messaging
import NIOCore
import Testing

@Suite("Process groups")
struct ProcessGroupsTests {
    let alpha = Member(node: NodeID(1), incarnation: Incarnation(1))
    let beta = Member(node: NodeID(2), incarnation: Incarnation(1))

    @Test func joinsMessagesLeavesAndViewChanges() throws {
        var groups = ProcessGroups()
        let a = GroupMember(member: alpha, pid: 10, connection: 1)
        let b = GroupMember(member: beta, pid: 20, connection: 1)
        #expect(groups.apply(.join(group: "g", a), from: alpha).count == 1)
        #expect(groups.apply(.join(group: "g", a), from: alpha).isEmpty, "a second join changes nothing")
        #expect(groups.apply(.join(group: "g", b), from: alpha).isEmpty, "a node speaks only for its processes")
        _ = groups.apply(.join(group: "g", b), from: beta)
        #expect(groups.members(of: "g") == [a, b])
        let message = groups.apply(.message(group: "g", from: b, payload: ByteBuffer(string: "hi")), from: beta)
        #expect(message == [.message(group: "g", from: b, payload: ByteBuffer(string: "hi"))])
        #expect(groups.apply(.message(group: "h", from: b, payload: ByteBuffer()), from: beta).isEmpty)
        let changes = groups.viewDelivered(View(id: ViewID(9), members: [alpha]))
        #expect(changes == [.changed(GroupChange(group: "g", members: [a], joined: [], left: [b]))])
        _ = groups.apply(.leave(group: "g", a), from: alpha)
        #expect(groups.groups.isEmpty)
    }

    @Test func joinListTeachesNewNodesTheGroups() {
        var groups = ProcessGroups()
        let b = GroupMember(member: beta, pid: 20, connection: 3)
        let effects = groups.apply(.joinList(["g": [b], "h": [b]]), from: beta)
        #expect(effects.count == 2)
        #expect(groups.apply(.joinList(["g": [b]]), from: beta).isEmpty, "idempotent")
    }

    @Test func operationsRoundTripTheWire() throws {
        let member = GroupMember(member: alpha, pid: 7, connection: 2)
        let operations: [GroupOperation] = [
            .join(group: "g", member), .leave(group: "g", member),
            .message(group: "g", from: member, payload: ByteBuffer(string: "x")), .joinList(["a": [member], "b": []]),
        ]
        for operation in operations {
            var bytes = operation.encoded
            #expect(try GroupOperation.decode(&bytes) == operation)
        }
        let requests: [ClientRequest] = [
            .hello(name: "n", pid: 3), .join(group: "g"), .leave(group: "g"),
            .send(group: "g", payload: ByteBuffer(string: "p")), .queryStatus,
        ]
        for request in requests {
            var bytes = request.encoded
            #expect(try ClientRequest.decode(&bytes) == request)
        }
    }

    @Test func statusReportFormatsLikeTheTools() throws {
        let info = MemberInfo(member: alpha, name: "alpha")
        let state = QuorumState(expectedVotes: 2, isWaitingForAll: false)
        let view = MembershipView(
            id: ViewID(epoch: 3, coordinator: NodeID(1)), members: [info],
            quorum: QuorumStatus(isQuorate: false, totalVotes: 1, quorum: 2, state: state, isTieBroken: false))
        let status = DaemonStatus(
            clusterName: "c", local: info, view: view,
            nodes: [
                NodeStatus(id: NodeID(1), name: "alpha", votes: 1, state: .member, isLinkUp: true),
                NodeStatus(id: NodeID(2), name: "beta", votes: 1, state: .lost, isLinkUp: false),
            ], quorumFlags: [.waitForAll])
        let report = StatusReport(status)
        #expect(report.nodeList(.text, request: "") == "1 alpha member\n2 beta lost\n")
        #expect(report.quorum(.text, request: "") == "0\n")
        #expect(report.partition(.text, request: "") == "alpha\n")
        #expect(report.summary(.text, request: "").contains("Quorum:           2 Activity blocked"))
        #expect(report.summary(.xml, request: "ha-status").contains("flags=\"WaitForAll\""))
        var bytes = ClientEvent.status(status).encoded
        #expect(try ClientEvent.decode(&bytes) == .status(status))
    }
}
