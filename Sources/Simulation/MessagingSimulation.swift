import Messaging
import NIOCore

/// Runs N members' messaging cores (packet writer and reader with real HMAC-SHA256 or AES-256-GCM, and
/// `GroupMessaging`) over a `SimulatedNetwork` on a `VirtualClock`, with an oracle standing in for Membership.
/// Each seed picks the node count, fault rates, crashes, partitions and forged traffic; invariants are checked at
/// every step, and liveness once the network heals. Failures name their seed; the same seed replays exactly.
public struct MessagingSimulation: Sendable {
    /// One scenario's knobs, all drawn from the seed.
    public struct Scenario: Sendable, CustomStringConvertible {
        /// Number of nodes.
        public var nodes: Int
        /// Network fault rates during the faulty phase.
        public var faults: SimulatedNetwork<NodeID>.Faults
        /// Length of the faulty phase; then the network heals and everyone restarts.
        public var faultyPhase: Duration
        /// Mean interval between submissions per node.
        public var submitInterval: Duration
        /// Probability per fault step of a crash, of a partition.
        public var crashRate: Double
        /// Probability per fault step of a partition change.
        public var partitionRate: Double
        /// Whether packets are encrypted (else HMAC only).
        public var encrypt: Bool
        /// Largest message, bytes (above the unit size, messages fragment).
        public var maximumMessage: Int

        /// Draws a scenario from `random`.
        public init(using random: inout SeededRandom) {
            nodes = Int.random(in: 2...5, using: &random)
            let dropRate = ([0, 0.01, 0.05, 0.2] as [Double]).randomElement(using: &random) ?? 0
            let delayMax = [Duration.microseconds(200), .milliseconds(2), .milliseconds(8)].randomElement(
                using: &random) ?? .milliseconds(1)
            faults = .init(
                dropRate: dropRate, duplicateRate: random.chance(0.5) ? 0.05 : 0,
                delay: .microseconds(50)...delayMax)
            faultyPhase = .milliseconds(Int64.random(in: 100...400, using: &random))
            submitInterval = .microseconds(Int64.random(in: 4_000...20_000, using: &random))
            crashRate = random.chance(0.5) ? 0.15 : 0
            partitionRate = random.chance(0.5) ? 0.2 : 0
            encrypt = random.chance(0.5)
            maximumMessage = random.chance(0.3) ? 4_000 : 200
        }
        public var description: String {
            "nodes=\(nodes) drop=\(faults.dropRate) dup=\(faults.duplicateRate) delay=\(faults.delay) "
                + "faulty=\(faultyPhase) crash=\(crashRate) partition=\(partitionRate) encrypt=\(encrypt)"
        }
    }

    /// What a finished run reports.
    public struct Report: Sendable {
        /// The first invariant violated, if any.
        public var violation: String?
        /// Messages delivered across all nodes.
        public var deliveries: Int
        /// Datagrams the network carried.
        public var datagrams: Int
        /// Datagrams every reader dropped (forged, replayed, stale …).
        public var drops: PacketDropCounters
        /// Views installed by the oracle.
        public var views: Int
        /// The last events before the end (views, deliveries, faults), for a failing seed.
        public var trace: [String]
    }

    enum Step: Sendable {
        case datagram(to: NodeID, bytes: ByteBuffer)
        case tick(NodeID, generation: Int)
        case submit(NodeID, generation: Int)
        case fault
        case install(NodeID, View)
        case membership
        case forge
    }

    /// The seed.
    public let seed: UInt64
    /// The scenario drawn from it.
    public let scenario: Scenario
    var random: SeededRandom
    var clock = VirtualClock<Step>()
    var network: SimulatedNetwork<NodeID>
    var nodes: [NodeID: SimulatedMember] = [:]
    var checker = DeliveryChecker()
    var views: [NodeID: View] = [:]
    var nextViewID: UInt64 = 1
    var viewsInstalled = 0
    var datagrams = 0
    var deliveries = 0
    var drops = PacketDropCounters()
    var captured: [ByteBuffer] = []
    var violation: String?
    var isHealed = false
    var trace: [String] = []
    let keys: [UInt8: ClusterKey]

    /// Prepares the run for `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var random = SeededRandom(seed: seed)
        scenario = Scenario(using: &random)
        self.random = random
        network = SimulatedNetwork(faults: scenario.faults)
        var keyBytes = [UInt8](repeating: 0, count: 32)
        for index in keyBytes.indices { keyBytes[index] = UInt8(truncatingIfNeeded: random.next()) }
        keys = [1: (try? ClusterKey(bytes: keyBytes))!]
    }
}
