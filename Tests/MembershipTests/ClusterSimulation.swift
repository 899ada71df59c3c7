import Membership
import Messaging

/// A seeded random generator (SplitMix64): the whole simulation follows from one seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs N `ViewAgreement` cores over a virtual clock and a network that drops, duplicates, delays, reorders
/// and partitions (both ways or one way), crashing and restarting nodes. Checks safety after every event.
struct ClusterSimulation {
    struct Scheduled {
        var at: Instant
        var order: Int
        var target: Member
        var event: ViewAgreement.Event
    }

    let seed: UInt64
    let quorum: Quorum
    let timings: MembershipTimings
    var now: Instant = .zero
    var rng: SeededGenerator
    var queue = EventQueue()
    var nodes: [NodeID: ViewAgreement] = [:]
    var persistedEpochs: [NodeID: UInt64] = [:]
    var incarnations: [NodeID: UInt64] = [:]
    var network = NetworkFaults()
    var checker = SafetyChecker()
    var trace: [String] = []

    init(nodes count: Int, seed: UInt64, options: QuorumOptions = QuorumOptions(), timings: MembershipTimings = .init()) {
        self.seed = seed
        self.rng = SeededGenerator(seed: seed)
        self.timings = timings
        let votes = Dictionary(uniqueKeysWithValues: (1...count).map { (NodeID(UInt32($0)), 1) })
        self.quorum = Quorum(options: options, configuredVotes: votes)
        for node in votes.keys.sorted() { start(node) }
    }

    var allNodes: [NodeID] { quorum.configuredVotes.keys.sorted() }
    var aliveNodes: [NodeID] { nodes.keys.sorted() }

    /// Starts (or restarts, as a new incarnation) a node.
    mutating func start(_ node: NodeID) {
        let incarnation = (incarnations[node] ?? 0) + 1
        incarnations[node] = incarnation
        let me = MemberInfo(member: Member(node: node, incarnation: Incarnation(incarnation)), name: "node\(node)")
        nodes[node] = ViewAgreement(
            me: me, timings: timings, quorum: quorum, persistedEpoch: persistedEpochs[node] ?? 0)
        let jitter = Duration.milliseconds(Int.random(in: 0...50, using: &rng))
        queue.push(at: now + jitter, target: me.member, event: .started(at: now + jitter))
        trace.append("\(now) start \(me)")
    }

    /// Kills a node: its state is gone, its timers and packets in flight to it are dropped.
    mutating func crash(_ node: NodeID) {
        nodes[node] = nil
        trace.append("\(now) crash \(node)")
    }

    /// Asks a node to leave gracefully.
    mutating func leave(_ node: NodeID) {
        guard let member = nodes[node]?.me.member else { return }
        deliver(.leaveRequested(at: now), to: member)
    }

    /// Runs events until `deadline`.
    mutating func run(until deadline: Instant) {
        while let next = queue.peek, next.at <= deadline {
            let event = queue.pop()
            now = event.at
            deliver(event.event, to: event.target)
        }
        now = deadline
    }

    private mutating func deliver(_ event: ViewAgreement.Event, to member: Member) {
        guard var instance = nodes[member.node], instance.me.member == member else { return }
        let directives = instance.handle(event.at(now))
        nodes[member.node] = instance
        for directive in directives { perform(directive, from: instance) }
    }

    private mutating func perform(_ directive: ViewAgreement.Directive, from instance: ViewAgreement) {
        let me = instance.me.member
        switch directive {
        case .send(let message, let to): transmit(message, from: me.node, to: to)
        case .broadcast(let message):
            for node in allNodes where node != me.node { transmit(message, from: me.node, to: node) }
        case .scheduleTick(let after): queue.push(at: now + after, target: me, event: .tick(at: now + after))
        case .persistEpoch(let epoch): persistedEpochs[me.node] = max(persistedEpochs[me.node] ?? 0, epoch)
        case .viewChangeStarted, .peerLate: break
        case .installView(let view):
            trace.append("\(now) \(me) installs \(view)")
            checker.installed(view, by: me, trace: trace, seed: seed)
            var holders = currentViews
            holders[me.node] = view
            checker.checkQuorum(holders, trace: trace, seed: seed)
        case .left:
            trace.append("\(now) \(me) left")
            nodes[me.node] = nil
        }
    }

    private mutating func transmit(_ message: MembershipMessage, from: NodeID, to: NodeID) {
        guard let target = nodes[to]?.me.member, network.passes(from: from, to: to, using: &rng) else { return }
        // Round-trip through the wire format, as the real shell does.
        var bytes = message.encoded
        guard let decoded = try? MembershipMessage.decode(&bytes) else {
            checker.fail("encoded message does not decode: \(message)", trace: trace, seed: seed)
            return
        }
        let copies = network.copies(using: &rng)
        for _ in 0..<copies {
            let delay = network.delay(using: &rng)
            queue.push(at: now + delay, target: target, event: .messageReceived(decoded, at: now + delay))
        }
    }

    /// The views alive nodes hold, keyed by node.
    var currentViews: [NodeID: MembershipView] { nodes.compactMapValues(\.view) }
}

extension ViewAgreement.Event {
    fileprivate func at(_ now: Instant) -> ViewAgreement.Event {
        switch self {
        case .started: .started(at: now)
        case .messageReceived(let message, _): .messageReceived(message, at: now)
        case .tick: .tick(at: now)
        case .peerSuspected(let member, _): .peerSuspected(member, at: now)
        case .leaveRequested: .leaveRequested(at: now)
        }
    }
}

/// The faults the network applies, changed by the scenario as it runs.
struct NetworkFaults {
    var dropRate = 0.0
    var duplicateRate = 0.0
    var maximumDelay = Duration.milliseconds(5)
    /// Directed links that lose everything (a partition is both directions; one-way loss is one).
    var blocked: Set<[NodeID]> = []

    func passes(from: NodeID, to: NodeID, using rng: inout SeededGenerator) -> Bool {
        if blocked.contains([from, to]) { return false }
        return dropRate == 0 || Double.random(in: 0..<1, using: &rng) >= dropRate
    }

    func copies(using rng: inout SeededGenerator) -> Int {
        duplicateRate > 0 && Double.random(in: 0..<1, using: &rng) < duplicateRate ? 2 : 1
    }

    func delay(using rng: inout SeededGenerator) -> Duration {
        let micros = maximumDelay.components.seconds * 1_000_000 + maximumDelay.components.attoseconds / 1_000_000_000_000
        return .microseconds(Int64.random(in: 100...max(100, micros), using: &rng))
    }

    mutating func partition(_ sides: [[NodeID]]) {
        blocked = []
        for (index, side) in sides.enumerated() {
            for other in sides[(index + 1)...] {
                for a in side { for b in other { blocked.insert([a, b]); blocked.insert([b, a]) } }
            }
        }
    }

    mutating func heal() { blocked = []; dropRate = 0; duplicateRate = 0 }
}

/// A min-heap of scheduled events, ordered by time then insertion (so runs are deterministic).
struct EventQueue {
    private var heap: [ClusterSimulation.Scheduled] = []
    private var counter = 0

    var peek: ClusterSimulation.Scheduled? { heap.first }

    mutating func push(at: Instant, target: Member, event: ViewAgreement.Event) {
        counter += 1
        heap.append(.init(at: at, order: counter, target: target, event: event))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> ClusterSimulation.Scheduled {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, precedes(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    private func precedes(_ a: ClusterSimulation.Scheduled, _ b: ClusterSimulation.Scheduled) -> Bool {
        (a.at, a.order) < (b.at, b.order)
    }
}
