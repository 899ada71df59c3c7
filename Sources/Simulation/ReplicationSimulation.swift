import CRM
import Membership
import Messaging

/// Runs N controllers' `CIBReplication` cores over a model of the heartbeat group service: views with
/// agreed-order delivery and virtual synchrony (members that move together into a new view delivered the
/// same prefix of the old view), crashes that lose memory but keep the disk, restarts, partitions and heals,
/// and disk writes that finish late. Every step checks the safety invariants; a violation names the seed.
///
/// The model is a step machine: each step delivers one message, finishes one write, submits an update or
/// injects a fault, chosen by the seeded generator, so a seed replays exactly.
public struct ReplicationSimulation {
    /// Per-node state: the core (nil while crashed) and what is on its disk.
    struct Node {
        var replica: CIBReplication<TokenDocument>?
        var incarnation: UInt64 = 1
        var disk: (snapshot: String, lineage: CIBLineage)?
        var writes: [(sequence: UInt64, snapshot: String, lineage: CIBLineage)] = []
        var viewID: ViewID?
        var delivered = 0
        var nextSequence: UInt64 = 0
    }

    /// One view's agreed message stream.
    struct ViewLog {
        var view: ControllerView
        var messages: [(sender: NodeID, message: ControllerMessage)] = []
    }

    /// The seed everything follows from.
    public let seed: UInt64
    /// The number of configured nodes.
    public let nodeCount: Int
    var random: SplitMix64
    var nodes: [NodeID: Node] = [:]
    var views: [ViewID: ViewLog] = [:]
    var components: [[NodeID]]
    var epoch: UInt64 = 0
    var viewChangeIn: Int?
    var tokenCounter = 0
    var tokensByID: [UpdateID: String] = [:]
    /// Updates acknowledged as committed to a client: their token and version.
    public internal(set) var acknowledged: [String: CIBVersion] = [:]
    /// Every outcome reported to clients, by kind, for the statistics.
    public internal(set) var outcomes: [String: Int] = [:]
    /// Safety violations found (empty when all is well).
    public internal(set) var violations: [String] = []
    /// The DC each node elected per view.
    var elected: [ViewID: NodeID] = [:]
    /// A bounded trace of what happened, printed with a failing seed.
    public internal(set) var trace: [String] = []

    /// A cluster of `nodes` controllers, all up and connected, no view yet.
    public init(nodes: Int, seed: UInt64) {
        self.seed = seed
        self.nodeCount = nodes
        self.random = SplitMix64(seed: seed)
        let all = (1...nodes).map { NodeID(UInt32($0)) }
        self.components = [all]
        for node in all { start(node) }
        viewChangeIn = 1
    }

    var allNodes: [NodeID] { (1...nodeCount).map { NodeID(UInt32($0)) } }
    var majority: Int { nodeCount / 2 + 1 }

    /// The current replica of `node`, nil while crashed.
    public func replica(of node: NodeID) -> CIBReplication<TokenDocument>? { nodes[node]?.replica }

    mutating func start(_ node: NodeID) {
        var state = nodes[node] ?? Node()
        if state.replica == nil, nodes[node] != nil { state.incarnation += 1 }
        var document = TokenDocument()
        var lineage = CIBLineage.initial
        if let disk = state.disk, let loaded = try? TokenDocument(snapshot: disk.snapshot) {
            document = loaded
            lineage = disk.lineage
        }
        state.replica = CIBReplication(node: node, document: document, lineage: lineage)
        state.writes = []
        state.viewID = nil
        state.delivered = 0
        state.nextSequence = 0
        nodes[node] = state
        log("start \(node) incarnation \(state.incarnation) at \(document.version) \(lineage)")
    }

    mutating func log(_ line: String) {
        trace.append(line)
        if trace.count > 400 { trace.removeFirst(trace.count - 400) }
    }
}

/// SplitMix64: a tiny seeded generator, so one seed decides the whole run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
