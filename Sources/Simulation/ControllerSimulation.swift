import CRM
import Membership
import Messaging
import XML

/// Runs N complete `Controller` cores — election, CIB replication, node tracking, the real policy engine
/// and the transition engine — over the same group model as `ReplicationSimulation`, with simulated
/// resource agents and a fence device. Faults: crashes (resources die with the node), isolation (the node
/// keeps running its resources but loses the others: only fencing makes it safe), heals, restarts, and
/// agents that hang. After every step it checks: at most one DC per view, and no primitive active on two
/// nodes — which also means nothing started beside a lost node that was not fenced.
public struct ControllerSimulation {
    struct Node {
        var controller: Controller?
        var incarnation: UInt64 = 0
        var disk: (snapshot: String, lineage: CIBLineage)?
        var writes: [(sequence: UInt64, snapshot: String, lineage: CIBLineage)] = []
        var viewID: ViewID?
        var delivered = 0
        var timers: [Instant] = []
        var calls = 0
    }

    struct Job {
        var node: NodeID
        var incarnation: UInt64
        var due: Instant
        var kind: Kind
        enum Kind {
            case action(transitionID: Int, GraphAction, key: String)
            case timedOut(transitionID: Int, GraphAction, key: String)
            case policy(cib: String, version: CIBVersion)
        }
    }

    /// The seed everything follows from.
    public let seed: UInt64
    let names: [NodeID: String]
    var random: SplitMix64
    var now = Instant.zero
    var nodes: [NodeID: Node] = [:]
    var views: [ViewID: (view: ControllerView, messages: [(NodeID, ControllerMessage)])] = [:]
    var components: [[NodeID]]
    var epoch: UInt64 = 0
    var viewChangeAt: Instant?
    var jobs: [Job] = []
    /// Ground truth: where each primitive runs (what the agents would say).
    public internal(set) var running: [String: Set<NodeID>] = [:]
    /// Violations found.
    public internal(set) var violations: [String] = []
    /// A bounded trace, printed with a failing seed.
    public internal(set) var trace: [String] = []
    /// How many transitions finished, fencing operations ran, and agents hung.
    public internal(set) var counters: [String: Int] = [:]
    /// When set, agent operations other than starts hang with this probability (lrmd then reports a timeout).
    public var hangRate = 0.0

    /// A cluster of `nodes` nodes with `initialCIB` on every disk.
    public init(nodes count: Int, seed: UInt64, initialCIB: String) {
        self.seed = seed
        self.random = SplitMix64(seed: seed)
        var names: [NodeID: String] = [:]
        for index in 1...count { names[NodeID(UInt32(index))] = "node\(index)" }
        self.names = names
        self.components = [names.keys.sorted()]
        for node in names.keys.sorted() {
            nodes[node] = Node(disk: (initialCIB, .initial))
            start(node)
        }
        viewChangeAt = .zero
    }

    var allNodes: [NodeID] { names.keys.sorted() }

    /// The controller of `node`, nil while it is down.
    public func controller(of node: NodeID) -> Controller? { nodes[node]?.controller }

    mutating func start(_ node: NodeID) {
        guard var state = nodes[node], let disk = state.disk,
            let cib = try? XMLReplicatedCIB(snapshot: disk.snapshot)
        else { return }
        state.incarnation += 1
        let configuration = Controller.Configuration(node: node, incarnation: state.incarnation, names: names)
        state.controller = Controller(configuration: configuration, cib: cib, lineage: disk.lineage)
        state.writes = []
        state.viewID = nil
        state.delivered = 0
        state.timers = []
        nodes[node] = state
        log("start \(names[node]!) incarnation \(state.incarnation)")
    }

    /// Kills a node: its controller and its resources are gone (a power-off, or fencing).
    mutating func kill(_ node: NodeID) {
        nodes[node]?.controller = nil
        nodes[node]?.writes = []
        nodes[node]?.viewID = nil
        for resource in running.keys { running[resource]?.remove(node) }
        jobs.removeAll { $0.node == node }
        log("kill \(names[node]!)")
    }

    mutating func log(_ line: String) {
        trace.append("\(now.nanoseconds / 1_000_000)ms \(line)")
        if trace.count > 600 { trace.removeFirst(trace.count - 600) }
    }

    func milliseconds(_ range: ClosedRange<Int>, _ random: inout SplitMix64) -> Duration {
        .milliseconds(Int.random(in: range, using: &random))
    }
}
