import Messaging
import NIOCore

extension MessagingSimulation {
    /// The oracle standing in for Membership: each two-way-connected group of live nodes gets one view, installed at
    /// each member after its own random delay (so flushes start at different times).
    mutating func decideViews() {
        let alive = nodes.keys.filter { nodes[$0]!.isAlive }.sorted()
        for component in network.components(of: alive) {
            let members = component.map { nodes[$0]!.member }
            guard component.contains(where: { views[$0]?.members != members.sorted() }) else { continue }
            let view = View(id: ViewID(nextViewID), members: members)
            nextViewID += 1
            for node in component {
                views[node] = view
                clock.schedule(.install(node, view), after: random.duration(in: .zero ... .milliseconds(10)))
            }
        }
    }

    mutating func injectFault() {
        guard !isHealed else { return }
        let all = nodes.keys.sorted()
        let alive = all.filter { nodes[$0]!.isAlive }
        if random.chance(scenario.crashRate) {
            let dead = all.filter { !nodes[$0]!.isAlive }
            if let node = dead.randomElement(using: &random), random.chance(0.5) {
                start(node, incarnation: nodes[node]!.member.incarnation.rawValue + 1)
                record("\(node) restarts")
            } else if alive.count > 1, let node = alive.randomElement(using: &random) {
                nodes[node]!.isAlive = false
                record("\(node) crashes")
            }
        }
        if random.chance(scenario.partitionRate) {
            if random.chance(0.3) {
                network.heal()
            } else {
                let shuffled = all.shuffled(using: &random)
                let split = Int.random(in: 1..<Swift.max(2, shuffled.count), using: &random)
                network.partition([Array(shuffled[..<split]), Array(shuffled[split...])])
                record("partition \(shuffled[..<split]) | \(shuffled[split...])")
                if random.chance(0.3), let first = shuffled.first, let last = shuffled.last, first != last {
                    network.block(from: first, to: last)  // and one way
                }
            }
        }
        clock.schedule(.fault, after: random.duration(in: .milliseconds(20) ... .milliseconds(80)))
    }

    mutating func healEverything() {
        isHealed = true
        network.heal()
        network.faults = .none
        for node in nodes.keys.sorted() where !nodes[node]!.isAlive {
            start(node, incarnation: nodes[node]!.member.incarnation.rawValue + 1)
        }
    }

    /// Sends a hostile datagram at a live node: garbage, a bit-flipped, truncated or replayed capture, or a
    /// well-formed packet under the wrong key or cluster carrying a message that was never submitted.
    mutating func forge() {
        let alive = nodes.keys.filter { nodes[$0]!.isAlive }.sorted()
        guard let target = alive.randomElement(using: &random) else { return }
        var packet: ByteBuffer
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            packet = ByteBuffer(bytes: (0..<Int.random(in: 0...200, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            })
        case 1, 2, 3:
            guard var capture = captured.randomElement(using: &random), capture.readableBytes > 0 else { return }
            let mode = Int.random(in: 0..<3, using: &random)
            if mode == 0 {
                let offset = Int.random(in: 0..<capture.readableBytes, using: &random)
                let byte = capture.getInteger(at: offset, as: UInt8.self) ?? 0
                capture.setInteger(byte ^ (1 << UInt8.random(in: 0...7, using: &random)), at: offset)
            } else if mode == 1 {
                capture = capture.getSlice(at: 0, length: Int.random(in: 0..<capture.readableBytes, using: &random))
                    ?? ByteBuffer()
            }
            packet = capture
        default:
            guard let forged = forgedPacket(to: target) else { return }
            packet = forged
        }
        clock.schedule(.datagram(to: target, bytes: packet), after: .microseconds(10))
    }

    private mutating func forgedPacket(to target: NodeID) -> ByteBuffer? {
        guard let victim = nodes.values.map(\.member).filter({ $0.node != target }).randomElement(using: &random),
            let view = nodes[target]?.installed
        else { return nil }
        var wrongKey = [UInt8](repeating: 0, count: 32)
        for index in wrongKey.indices { wrongKey[index] = UInt8(truncatingIfNeeded: random.next()) }
        let useWrongKey = random.chance(0.5)
        let keyTable = useWrongKey ? [1: (try? ClusterKey(bytes: wrongKey))!] : keys
        guard let protection = try? OpenSSLPacketProtection(keys: keyTable, activeKeyNumber: 1, encrypt: scenario.encrypt)
        else { return nil }
        var writer = PacketWriter(
            local: victim, clusterID: useWrongKey ? 7 : 8, channel: .data, maximumPacketSize: 1_400,
            protection: protection)
        let payload = checker.forgedPayload(sender: victim)
        let unit = DataUnit(view: view.id, origin: victim.node, sequence: 1, message: 1 << 40, isFirst: true, isLast: true, payload: payload)
        let order = OrderRecord(view: view.id, firstGlobal: 1, runs: [.init(sender: victim.node, firstSequence: 1, count: 1)])
        return (try? writer.pack([.data(unit), .order(order)]))?.first
    }

    /// After healing: one view with every node everywhere, every member delivered everything it submitted,
    /// and the members of the final view delivered the same messages in it.
    mutating func checkLiveness() {
        let all = nodes.keys.sorted()
        defer {
            if violation != nil { for node in all { record("final \(node): \(nodes[node]!.core.stateSummary)") } }
        }
        let members = all.map { nodes[$0]!.member }
        for node in all {
            guard let view = nodes[node]!.installed, view.members == members.sorted(), view == views[node] else {
                violation = "SIM liveness: node \(node) ended in \(nodes[node]!.installed.map { "\($0)" } ?? "no view"), "
                    + "expected all of \(members)"
                return
            }
            let member = nodes[node]!.member
            let delivered = checker.deliveredKeys[member] ?? []
            for counter in 1...Swift.max(1, nodes[node]!.counter) where nodes[node]!.counter > 0 {
                if !delivered.contains(.init(sender: member, counter: counter)) {
                    violation = "liveness: \(member) never delivered its own message #\(counter)"
                    return
                }
            }
        }
        for node in all { drops = drops.adding(nodes[node]!.reader.drops) }
    }
}

extension DeliveryChecker {
    /// A payload that looks like `sender`'s but was never submitted: delivering it is a violation.
    public func forgedPayload(sender: Member) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(sender.node.rawValue, sender.incarnation.rawValue, UInt64(1) << 40)
        return buffer
    }
}

extension PacketDropCounters {
    func adding(_ other: PacketDropCounters) -> PacketDropCounters {
        var sum = self
        sum.malformed += other.malformed
        sum.wrongCluster += other.wrongCluster
        sum.unauthentic += other.unauthentic
        sum.replayed += other.replayed
        sum.fromSelf += other.fromSelf
        return sum
    }
}
