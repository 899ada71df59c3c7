import Messaging
import NIOCore
import Synchronization

/// Drives one benchmark node through its phases, coordinated by ordered messages: every node sees each phase
/// change at the same point in the stream. State is touched only on the node's data loop (`@unchecked Sendable`).
final class BenchDriver: @unchecked Sendable {
    enum Kind: UInt8 {
        case data = 0, ready, startThroughput, end, startLatency, endLatency, startFlood, stop, probe, flood
    }

    let local: NodeID
    let nodes: Int
    let size: Int
    let seconds: Int
    let senders: Int
    let latencySeconds: Int
    var node: MessagingNode?
    let heard = Mutex<[NodeID: Incarnation]>([:])
    let attached = Mutex<MessagingNode?>(nil)
    var isViewInstalled = false
    var readies = 0
    var ends = 0
    var messages = 0
    var firstData: NIODeadline?
    var lastEnd: NIODeadline?
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    var sequence: UInt64 = 0
    var phase = Kind.ready
    var idleLatencies: [Int64] = []
    var floodLatencies: [Int64] = []
    var floodDelivered = 0
    var floodStarted: NIODeadline?
    var probeTask: RepeatedTask?
    var probesRemaining = 0
    let finished = Mutex<CheckedContinuation<Bool, Never>?>(nil)
    let isDone = Mutex(false)

    init(local: NodeID, nodes: Int, size: Int, seconds: Int, senders: Int, latencySeconds: Int) {
        self.local = local
        self.nodes = nodes
        self.size = max(size, 24)
        self.seconds = seconds
        self.senders = senders
        self.latencySeconds = latencySeconds
    }

    /// Times its own deliveries: node 2, not the sequencer (node 1), whose own messages order at once.
    let prober = NodeID(2)
    /// Floods during the second latency phase: node 3 (node 1 with two nodes).
    var flooder: NodeID { nodes >= 3 ? NodeID(3) : NodeID(1) }

    var handlers: MessagingNode.Handlers {
        MessagingNode.Handlers(
            onDelivery: { [self] delivery in self.delivered(delivery) },
            onPeerEvent: { [self] event in
                guard case .peerHeard(let member, _) = event else { return }
                self.heard.withLock { $0[member.node] = member.incarnation }
                self.attached.withLock { $0 }?.dataLoop.execute { self.checkView() }
            })
    }

    func attach(_ node: MessagingNode) {
        attached.withLock { $0 = node }
        node.dataLoop.execute {
            self.node = node
            self.checkView()
        }
    }

    func waitUntilFinished(limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let alreadyDone = self.isDone.withLock { $0 }
                    if alreadyDone { continuation.resume(returning: true) } else {
                        self.finished.withLock { $0 = continuation }
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            if !first { self.finish() }
            group.cancelAll()
            return first
        }
    }

    private func finish() {
        isDone.withLock { $0 = true }
        let continuation = finished.withLock { value in
            defer { value = nil }
            return value
        }
        continuation?.resume(returning: true)
    }

    // MARK: Static view (no Membership in this benchmark)

    private func checkView() {
        let heard = self.heard.withLock { $0 }
        guard let node, !isViewInstalled, heard.count == nodes - 1 else { return }
        isViewInstalled = true
        var members = heard.map { Member(node: $0.key, incarnation: $0.value) }
        members.append(node.member)
        node.installView(View(id: ViewID(1), members: members))
    }

    // MARK: Deliveries

    private func delivered(_ delivery: Delivery) {
        switch delivery {
        case .view(let view):
            if view.members.count == nodes { submit(.ready) }
        case .message(let from, let payload, _):
            guard let raw = payload.getInteger(at: payload.readerIndex, as: UInt8.self), let kind = Kind(rawValue: raw)
            else { return }
            handle(kind, from: from.node, payload: payload)
        }
    }

    private func handle(_ kind: Kind, from sender: NodeID, payload: ByteBuffer) {
        let now = NIODeadline.now()
        switch kind {
        case .data:
            if firstData == nil { firstData = now }
            messages += 1
            let sequence = payload.getInteger(at: payload.readerIndex + 1, as: UInt64.self) ?? 0
            hash = (hash ^ (UInt64(sender.rawValue) << 48 ^ sequence)) &* 0x0000_0100_0000_01B3
        case .ready:
            readies += 1
            if readies == nodes && local == NodeID(1) { submit(.startThroughput) }
        case .startThroughput:
            if Int(local.rawValue) <= senders { pump(.data, until: now + .seconds(Int64(seconds))) }
        case .end:
            ends += 1
            if ends == senders {
                lastEnd = now
                if local == NodeID(1) { submit(.startLatency) }
            }
        case .startLatency:
            if local == prober { probe(into: \.idleLatencies, then: .endLatency) }
        case .endLatency:
            if local == NodeID(1) { submit(.startFlood) }
        case .startFlood:
            floodStarted = now
            if local == flooder { pump(.flood, until: nil) }
            if local == prober { probe(into: \.floodLatencies, then: .stop) }
        case .stop:
            phase = .stop
            finish()
        case .probe:
            guard sender == local else { return }
            let sent = payload.getInteger(at: payload.readerIndex + 9, as: Int64.self) ?? 0
            let latency = (Int64(now.uptimeNanoseconds) - sent) / 1_000
            if phase == .startFlood { floodLatencies.append(latency) } else { idleLatencies.append(latency) }
        case .flood:
            floodDelivered += 1
        }
    }
}
