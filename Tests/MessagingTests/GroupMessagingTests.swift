import Messaging
import NIOCore
import Testing

/// Three cores wired by hand: every directive's frames go straight to the other cores, in order.
struct LoopbackCluster {
    var cores: [NodeID: GroupMessaging]
    var delivered: [NodeID: [String]] = [:]
    var views: [NodeID: [ViewID]] = [:]
    var dropTo: Set<NodeID> = []

    init(count: Int) {
        cores = [:]
        for index in 1...count {
            let member = Member(node: NodeID(UInt32(index)), incarnation: Incarnation(1))
            cores[member.node] = GroupMessaging(local: member)
        }
    }

    var members: [Member] { cores.values.map(\.local).sorted() }

    mutating func handle(_ event: GroupMessaging.Event, at node: NodeID) {
        var queue: [(NodeID, GroupMessaging.Event)] = [(node, event)]
        while !queue.isEmpty {
            let (target, next) = queue.removeFirst()
            guard var core = cores[target] else { continue }
            let directives = core.handle(next)
            cores[target] = core
            for directive in directives {
                switch directive {
                case .send(let frames, let destination):
                    let targets: [NodeID]
                    switch destination {
                    case .members: targets = cores.keys.filter { $0 != target }.sorted()
                    case .nodes(let list): targets = list
                    }
                    for peer in targets where !dropTo.contains(peer) {
                        queue.append((peer, .framesReceived(from: core.local, frames: frames)))
                    }
                case .deliver(.message(let from, let payload, _)):
                    delivered[target, default: []].append("\(from.node):\(String(buffer: payload))")
                case .deliver(.view(let view)):
                    views[target, default: []].append(view.id)
                }
            }
        }
    }

    mutating func install(_ view: View) {
        for member in view.members { handle(.viewInstalled(view), at: member.node) }
    }

    mutating func tickAll(at milliseconds: Int64) {
        for node in cores.keys.sorted() { handle(.tick(at: Instant(nanoseconds: milliseconds * 1_000_000)), at: node) }
    }
}

@Suite("Group messaging core")
struct GroupMessagingTests {
    @Test("every member delivers every message in one order")
    func totalOrder() {
        var cluster = LoopbackCluster(count: 3)
        cluster.install(View(id: ViewID(1), members: cluster.members))
        for round in 0..<20 {
            for node in [NodeID(3), NodeID(1), NodeID(2)] {
                cluster.handle(.submitted(ByteBuffer(string: "m\(round)")), at: node)
            }
        }
        let first = cluster.delivered[NodeID(1)] ?? []
        #expect(first.count == 60)
        #expect(cluster.delivered[NodeID(2)] == first)
        #expect(cluster.delivered[NodeID(3)] == first)
    }

    @Test("large messages are fragmented and reassembled")
    func fragmentation() {
        var cluster = LoopbackCluster(count: 2)
        cluster.install(View(id: ViewID(1), members: cluster.members))
        let big = String(repeating: "x", count: 10_000)
        cluster.handle(.submitted(ByteBuffer(string: big)), at: NodeID(2))
        #expect(cluster.delivered[NodeID(1)] == ["2:" + big])
        #expect(cluster.delivered[NodeID(2)] == ["2:" + big])
    }

    @Test("a lost unit is recovered by NACK on the next tick")
    func lossIsRepaired() {
        var cluster = LoopbackCluster(count: 3)
        cluster.install(View(id: ViewID(1), members: cluster.members))
        cluster.dropTo = [NodeID(3)]
        cluster.handle(.submitted(ByteBuffer(string: "lost")), at: NodeID(2))
        cluster.dropTo = []
        #expect(cluster.delivered[NodeID(3)] == nil)
        cluster.tickAll(at: 10)
        cluster.tickAll(at: 20)
        #expect(cluster.delivered[NodeID(3)] == ["2:lost"])
    }

    @Test("a full window refuses with tryAgain and reopens once members deliver")
    func flowControl() throws {
        var configuration = GroupMessaging.Configuration()
        configuration.window = 4
        var core = GroupMessaging(local: Member(node: NodeID(2), incarnation: Incarnation(1)), configuration: configuration)
        let view = View(
            id: ViewID(1),
            members: [Member(node: NodeID(1), incarnation: Incarnation(1)), Member(node: NodeID(2), incarnation: Incarnation(1))])
        _ = core.handle(.viewInstalled(view))
        for index in 0..<4 { _ = core.handle(.submitted(ByteBuffer(string: "\(index)"))) }
        #expect(throws: GroupMessaging.SubmitError.tryAgain) { try core.validate(ByteBuffer(string: "x")) }
        let order = OrderRecord(view: ViewID(1), firstGlobal: 1, runs: [.init(sender: NodeID(2), firstSequence: 1, count: 4)])
        let status = StatusReport(view: ViewID(1), highestSent: 0, highestOrdered: 4, delivered: 4)
        _ = core.handle(.framesReceived(from: view.members[0], frames: [.order(order), .status(status)]))
        #expect(throws: Never.self) { try core.validate(ByteBuffer(string: "x")) }
    }

    @Test("survivors of a view change deliver the same messages before the new view")
    func virtualSynchrony() {
        var cluster = LoopbackCluster(count: 3)
        cluster.install(View(id: ViewID(1), members: cluster.members))
        cluster.handle(.submitted(ByteBuffer(string: "before")), at: NodeID(3))
        cluster.dropTo = [NodeID(1), NodeID(2)]
        cluster.handle(.submitted(ByteBuffer(string: "unordered")), at: NodeID(2))
        cluster.dropTo = []
        cluster.cores[NodeID(3)] = nil
        let next = View(id: ViewID(2), members: Array(cluster.members.prefix(2)))
        cluster.install(next)
        for step in 1...5 { cluster.tickAll(at: Int64(step) * 10) }
        #expect(cluster.views[NodeID(1)] == [ViewID(1), ViewID(2)])
        #expect(cluster.views[NodeID(2)] == [ViewID(1), ViewID(2)])
        #expect(cluster.delivered[NodeID(1)] == cluster.delivered[NodeID(2)])
        #expect(cluster.delivered[NodeID(1)]?.contains("2:unordered") == true, "resent in the new view")
    }

    @Test("a message resent after a view change is dropped where it was already delivered")
    func resentCopiesAreDroppedOnce() {
        var cluster = LoopbackCluster(count: 3)
        let all = cluster.members
        cluster.install(View(id: ViewID(1), members: all))
        // Only the sequencer (1) sees 3's message and its order: 1 delivers it, 2 and 3 do not.
        cluster.dropTo = [NodeID(2), NodeID(3)]
        cluster.handle(.submitted(ByteBuffer(string: "m")), at: NodeID(3))
        cluster.dropTo = []
        #expect(cluster.delivered[NodeID(1)] == ["3:m"])
        // 3 moves to {2, 3} alone (2 has not been told yet): the cut is 2's and 3's, without m, so 3 resends m
        // in view 2, where nobody orders it.
        cluster.handle(.viewInstalled(View(id: ViewID(2), members: Array(all.suffix(2)))), at: NodeID(3))
        #expect(cluster.views[NodeID(3)] == [ViewID(1), ViewID(2)])
        // Everyone meets in view 3: 1 and 2 close view 1 (2 catches m up from 1), 3 closes view 2 and resends m
        // once more with the same message number; 1 and 2 must not deliver it twice.
        cluster.install(View(id: ViewID(3), members: all))
        for step in 1...6 { cluster.tickAll(at: Int64(step) * 10) }
        #expect(cluster.views[NodeID(1)] == [ViewID(1), ViewID(3)])
        #expect(cluster.views[NodeID(2)] == [ViewID(1), ViewID(3)])
        #expect(cluster.views[NodeID(3)] == [ViewID(1), ViewID(2), ViewID(3)])
        for node in [NodeID(1), NodeID(2), NodeID(3)] {
            #expect(cluster.delivered[node] == ["3:m"], "node \(node)")
        }
    }
}
