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

@Suite("View agreement core")
struct ViewAgreementCoreTests {
    @Test func silentPeerIsReportedLateOnceBeforeItIsLost() {
        let me = MemberInfo(member: Member(node: NodeID(1), incarnation: Incarnation(1)), name: "a")
        let peer = MemberInfo(member: Member(node: NodeID(2), incarnation: Incarnation(1)), name: "b")
        let quorum = Quorum(options: QuorumOptions(), configuredVotes: [NodeID(1): 1, NodeID(2): 1])
        var core = ViewAgreement(me: me, timings: MembershipTimings(), quorum: quorum, persistedEpoch: 0)
        _ = core.handle(.started(at: .zero))
        let announce = Announce(sender: peer, viewID: nil, hears: [me.member], highestEpoch: 0)
        _ = core.handle(.messageReceived(.announce(announce), at: .zero))
        func lateReports(at milliseconds: Int64) -> Int {
            core.handle(.tick(at: Instant(nanoseconds: milliseconds * 1_000_000))).filter {
                if case .peerLate = $0 { true } else { false }
            }.count
        }
        #expect(lateReports(at: 300) == 0)
        #expect(lateReports(at: 450) == 1)
        #expect(lateReports(at: 550) == 0, "reported once per silence")
        #expect(lateReports(at: 700) == 0, "past deadtime it is lost, not late")
    }

    @Test func restartedCoordinatorNeverReusesAnEpoch() {
        let me = MemberInfo(member: Member(node: NodeID(1), incarnation: Incarnation(2)), name: "a")
        let quorum = Quorum(options: QuorumOptions(), configuredVotes: [NodeID(1): 1])
        var core = ViewAgreement(me: me, timings: MembershipTimings(), quorum: quorum, persistedEpoch: 41)
        let directives = core.handle(.started(at: .zero)) + core.handle(.tick(at: Instant(nanoseconds: 150_000_000)))
        #expect(directives.contains(.persistEpoch(42)))
        #expect(core.view?.id == ViewID(epoch: 42, coordinator: NodeID(1)))
        let persistIndex = directives.firstIndex(of: .persistEpoch(42))!
        let installIndex = directives.firstIndex { if case .installView = $0 { true } else { false } }!
        #expect(persistIndex < installIndex, "stored before it is used")
    }
}
