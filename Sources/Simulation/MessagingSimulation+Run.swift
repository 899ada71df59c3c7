import Messaging
import NIOCore

extension MessagingSimulation {
    static let tickInterval = Duration.milliseconds(5)
    static let settle = Duration.milliseconds(700)

    /// Runs the scenario to the end or to the first violation.
    public mutating func run() -> Report {
        for index in 1...scenario.nodes { start(NodeID(UInt32(index)), incarnation: 1) }
        clock.schedule(.membership, after: .milliseconds(1))
        clock.schedule(.fault, after: .milliseconds(20))
        clock.schedule(.forge, after: .milliseconds(3))
        let healAt = Instant.zero + scenario.faultyPhase
        var stepCount = 0
        while violation == nil, let step = clock.next(until: healAt + Self.settle) {
            if !isHealed && clock.now >= healAt { healEverything() }
            perform(step)
            stepCount += 1
            if stepCount % 64 == 0 { checkBuffers() }
        }
        if violation == nil { checkLiveness() }
        return Report(
            violation: violation.map { "SIM_SEED=\(seed) [\(scenario)] \($0)" }, deliveries: deliveries,
            datagrams: datagrams, drops: drops, views: viewsInstalled, trace: trace)
    }

    mutating func start(_ node: NodeID, incarnation: UInt64) {
        let member = Member(node: node, incarnation: Incarnation(incarnation))
        let protection = try? OpenSSLPacketProtection(keys: keys, activeKeyNumber: 1, encrypt: scenario.encrypt)
        guard let protection else {
            violation = "could not build packet protection"
            return
        }
        let generation = (nodes[node]?.generation ?? 0) + 1
        nodes[node] = SimulatedMember(member: member, protection: protection, generation: generation)
        views[node] = nil
        clock.schedule(.tick(node, generation: generation), after: Self.tickInterval)
        clock.schedule(.submit(node, generation: generation), after: random.duration(in: .zero...scenario.submitInterval))
    }

    mutating func perform(_ step: Step) {
        switch step {
        case .datagram(let node, let bytes):
            receive(bytes, at: node)
        case .tick(let node, let generation):
            guard let member = nodes[node], member.generation == generation, member.isAlive else { return }
            apply(nodes[node]!.core.handle(.tick(at: clock.now)), at: node)
            clock.schedule(.tick(node, generation: generation), after: Self.tickInterval)
        case .submit(let node, let generation):
            submit(at: node, generation: generation)
        case .fault:
            injectFault()
        case .install(let node, let view):
            guard let member = nodes[node], member.isAlive, view.contains(member.member) else { return }
            record("\(node) is told \(view)")
            apply(nodes[node]!.core.handle(.viewInstalled(view)), at: node)
        case .membership:
            decideViews()
            clock.schedule(.membership, after: .milliseconds(30))
        case .forge:
            forge()
            if !isHealed { clock.schedule(.forge, after: .milliseconds(7)) }
        }
    }

    mutating func submit(at node: NodeID, generation: Int) {
        guard var member = nodes[node], member.generation == generation, member.isAlive else { return }
        let stopAt = Instant.zero + scenario.faultyPhase + .milliseconds(100)
        if clock.now < stopAt {
            let size = Int.random(in: 20...scenario.maximumMessage, using: &random)
            if member.core.canSubmit(size: size) {
                member.counter += 1
                let payload = checker.makePayload(sender: member.member, counter: member.counter, size: size)
                nodes[node] = member
                apply(nodes[node]!.core.handle(.submitted(payload)), at: node)
            }
            clock.schedule(
                .submit(node, generation: generation), after: random.duration(in: .zero...scenario.submitInterval))
        }
    }

    mutating func receive(_ bytes: ByteBuffer, at node: NodeID) {
        guard var member = nodes[node], member.isAlive else { return }
        let result = member.reader.open(bytes)
        nodes[node] = member
        guard case .success(let (header, frames)) = result else { return }
        apply(nodes[node]!.core.handle(.framesReceived(from: header.sender, frames: frames)), at: node)
    }

    /// Carries out a core's directives: sends through the network, checks deliveries.
    mutating func apply(_ directives: [GroupMessaging.Directive], at node: NodeID) {
        for directive in directives {
            switch directive {
            case .send(let frames, let destination):
                let targets: [NodeID]
                switch destination {
                case .members: targets = nodes.keys.filter { $0 != node }.sorted()
                case .nodes(let list): targets = list
                }
                let packets = (try? nodes[node]!.writer.pack(frames)) ?? []
                for packet in packets {
                    if captured.count < 256 && random.chance(0.05) { captured.append(packet) }
                    for target in targets { transmit(packet, from: node, to: target) }
                }
            case .deliver(let delivery):
                deliveries += 1
                record("\(node) delivers \(Self.describe(delivery))")
                if case .view = delivery { viewsInstalled += 1 }
                if let problem = checker.check(delivery, at: nodes[node]!.member), violation == nil { violation = problem }
                if case .view(let view) = delivery { nodes[node]!.installed = view }
            }
        }
    }

    mutating func transmit(_ packet: ByteBuffer, from: NodeID, to: NodeID) {
        for delay in network.route(from: from, to: to, using: &random) {
            datagrams += 1
            clock.schedule(.datagram(to: to, bytes: packet), after: delay)
        }
    }

    mutating func record(_ line: String) {
        if trace.count >= 3_000 { trace.removeFirst(1_000) }
        trace.append("\(clock.now.nanoseconds / 1_000)us \(line)")
    }

    static func describe(_ delivery: Delivery) -> String {
        switch delivery {
        case .view(let view): return "\(view)"
        case .message(let from, let payload, let view):
            let counter = payload.getInteger(at: payload.readerIndex + 12, as: UInt64.self) ?? 0
            return "\(from)#\(counter) in \(view)"
        }
    }

    mutating func checkBuffers() {
        let bound = GroupMessaging.Configuration().window * scenario.nodes * 3
        for node in nodes.keys.sorted() where nodes[node]!.core.bufferedUnits > bound {
            violation = "node \(node) buffers \(nodes[node]!.core.bufferedUnits) units, bound \(bound)"
        }
    }
}

/// One simulated node: its member identity, packet writer and reader, and messaging core.
struct SimulatedMember: Sendable {
    var member: Member
    var writer: PacketWriter
    var reader: PacketReader
    var core: GroupMessaging
    var generation: Int
    var isAlive = true
    var counter: UInt64 = 0
    var installed: View?

    init(member: Member, protection: OpenSSLPacketProtection, generation: Int) {
        self.member = member
        self.generation = generation
        writer = PacketWriter(
            local: member, clusterID: 7, channel: .data, maximumPacketSize: 1_400, protection: protection)
        reader = PacketReader(local: member, clusterID: 7, protection: protection)
        core = GroupMessaging(local: member)
    }
}
