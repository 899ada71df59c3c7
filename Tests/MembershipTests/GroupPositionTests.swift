import Membership
import Messaging
import NIOCore
import Testing

/// The agreed group positions the heartbeat daemon reports with group changes (what the crmd's view ids are
/// made of): equal on every daemon of a view, growing, and absent before the daemons' group lists merged.
@Suite("Agreed group positions")
struct GroupPositionTests {
    let alpha = Member(node: NodeID(1), incarnation: Incarnation(1))
    let beta = Member(node: NodeID(2), incarnation: Incarnation(1))

    /// Two daemons' data sides wired back to back; collects what each delivers to its local clients.
    struct Pair {
        var cores: [Member: GroupCore]
        var delivered: [Member: [GroupChange]] = [:]
        var clock = Instant.zero

        mutating func feed(_ member: Member, _ event: GroupCore.Event) {
            var queue: [(Member, GroupCore.Event)] = [(member, event)]
            while !queue.isEmpty {
                let (target, next) = queue.removeFirst()
                guard var core = cores[target] else { continue }
                let directives = core.handle(next)
                cores[target] = core
                for directive in directives {
                    switch directive {
                    case .sendFrames(let frames, _):
                        for other in cores.keys where other != target {
                            queue.append((other, .framesReceived(from: target, frames)))
                        }
                    case .deliverGroup(.changed(let change)): delivered[target, default: []].append(change)
                    default: break
                    }
                }
            }
        }

        mutating func settle() {
            for _ in 0..<20 {
                clock = clock + .milliseconds(10)
                for member in cores.keys.sorted() { feed(member, .messagingTick(at: clock)) }
            }
        }
    }

    func view(_ epoch: UInt64, _ members: [Member]) -> MembershipView {
        let state = QuorumState(expectedVotes: 2, isWaitingForAll: false)
        return MembershipView(
            id: ViewID(epoch: epoch, coordinator: members[0].node),
            members: members.map { MemberInfo(member: $0, name: "n\($0.node)") },
            quorum: QuorumStatus(isQuorate: true, totalVotes: 2, quorum: 2, state: state, isTieBroken: false))
    }

    @Test func changesCarryTheSameGrowingPositionOnEveryDaemon() throws {
        var pair = Pair(cores: [
            alpha: GroupCore(messaging: GroupMessaging(local: alpha)),
            beta: GroupCore(messaging: GroupMessaging(local: beta)),
        ])
        let a = GroupMember(member: alpha, pid: 10, connection: 1)
        let b = GroupMember(member: beta, pid: 20, connection: 1)
        pair.feed(alpha, .groupJoinRequested(group: "crmd", a))
        let first = view(1, [alpha, beta])
        pair.feed(alpha, .viewAgreed(first))
        pair.feed(beta, .viewAgreed(first))
        pair.settle()
        let agreedAtAlpha = try #require(pair.delivered[alpha]?.last { $0.agreedAt != nil })
        #expect(agreedAtAlpha.members == [a])
        #expect(agreedAtAlpha.agreedAt?.view == first.id)
        #expect(pair.delivered[alpha]?.contains { $0.agreedAt == nil } == true, "changes before the merge are unstamped")

        pair.feed(beta, .groupJoinRequested(group: "crmd", b))
        pair.settle()
        let joinAtAlpha = try #require(pair.delivered[alpha]?.last)
        let joinAtBeta = try #require(pair.delivered[beta]?.last)
        #expect(joinAtAlpha.members == [a, b] && joinAtBeta.members == [a, b])
        #expect(joinAtAlpha.agreedAt != nil && joinAtAlpha.agreedAt == joinAtBeta.agreedAt, "the same position everywhere")
        #expect(joinAtAlpha.agreedAt! > agreedAtAlpha.agreedAt!, "positions grow within a view")

        let second = view(2, [alpha, beta])
        pair.feed(alpha, .viewAgreed(second))
        pair.feed(beta, .viewAgreed(second))
        pair.settle()
        let again = try #require(pair.delivered[beta]?.last)
        #expect(again.agreedAt?.view == second.id && again.agreedAt! > joinAtBeta.agreedAt!, "and across views")
        #expect(pair.delivered[alpha]?.last?.agreedAt == again.agreedAt)
    }

    @Test func thePositionTravelsAsAnOptionalTrailer() throws {
        let member = GroupMember(member: alpha, pid: 7, connection: 2)
        let stamped = GroupChange(
            group: "crmd", members: [member], joined: [member], left: [],
            agreedAt: GroupPosition(view: ViewID(epoch: 3, coordinator: NodeID(1)), index: 5))
        var bytes = ClientEvent.groupChanged(stamped).encoded
        #expect(try ClientEvent.decode(&bytes) == .groupChanged(stamped))
        // An older daemon sends no trailer: the change decodes with no position.
        var plain = ClientEvent.groupChanged(GroupChange(group: "g", members: [member], joined: [], left: [])).encoded
        guard case .groupChanged(let decoded) = try ClientEvent.decode(&plain) else {
            Issue.record("not a group change")
            return
        }
        #expect(decoded.agreedAt == nil)
        var truncated = ClientEvent.groupChanged(stamped).encoded
        truncated = truncated.getSlice(at: 0, length: truncated.readableBytes - 3)!
        #expect(throws: MembershipWireError.self) { try ClientEvent.decode(&truncated) }
    }
}
