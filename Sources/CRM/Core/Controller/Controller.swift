import Membership
import Messaging

/// One node's controller (crmd) as a pure instance: the CIB replica with DC election, the node status
/// tracker, and on the DC the policy trigger and the transition engine. The shell feeds group views and
/// messages, finished disk writes, computed graphs, local action results and timers; it carries out the
/// directives (multicast, write the CIB, run the policy engine, hand actions to the local lrmd, answer
/// tools). See Docs/Controller.md.
public struct Controller {
    /// What the controller is told at start.
    public struct Configuration: Sendable {
        /// This node.
        public var node: NodeID
        /// This crmd's run (update ids stay unique across restarts).
        public var incarnation: UInt64
        /// Node names by id (ha.cf's `node` lines).
        public var names: [NodeID: String]
        /// Delay between a change and the policy run it triggers, so bursts of changes give one run.
        public var policyDelay: Duration
        /// `start-failure-is-fatal`: a failed start sets the fail count to INFINITY.
        public var startFailureIsFatal: Bool
        /// The cluster properties this node writes once elected DC, when they differ (nil: none).
        public var properties: ClusterProperties?

        /// A configuration.
        public init(
            node: NodeID, incarnation: UInt64, names: [NodeID: String], policyDelay: Duration = .milliseconds(20),
            startFailureIsFatal: Bool = true, properties: ClusterProperties? = nil
        ) {
            self.node = node
            self.incarnation = incarnation
            self.names = names
            self.policyDelay = policyDelay
            self.startFailureIsFatal = startFailureIsFatal
            self.properties = properties
        }
    }

    /// Inputs.
    public enum Event: Sendable {
        /// Membership installed a new view of the crmd group.
        case viewInstalled(ControllerView)
        /// A group message was delivered in agreed order.
        case messageDelivered(from: NodeID, ControllerMessage)
        /// A `.persist` write (and those before it) is on disk.
        case persisted(sequence: UInt64)
        /// A timer set by `.scheduleTimer` fired.
        case timerFired
        /// The policy engine computed `graph` from the CIB at `version` (see `.computeTransition`).
        case graphComputed(ExecutableGraph, version: CIBVersion)
        /// The policy engine failed on the CIB at `version`.
        case policyFailed(String, version: CIBVersion)
        /// The local lrmd (or fence agent) finished an action of transition `transitionID` dispatched with
        /// `transitionKey` (from `.executeLocally`).
        case localActionFinished(transitionID: Int, GraphAction, transitionKey: String, ActionResult)
        /// The local lrmd reported a result outside any transition (a recurring monitor's failure).
        case localResultReported(GraphAction, ActionResult)
    }

    /// Outputs.
    public enum Directive: Sendable {
        /// Multicast in agreed order to the crmd group.
        case broadcast(ControllerMessage)
        /// Write the CIB (`replication.document.snapshot()`, taken when the write starts: writes may be
        /// coalesced) durably with `lineage`, then report `.persisted(sequence:)`.
        case persist(sequence: UInt64, lineage: CIBLineage, version: CIBVersion)
        /// Answer the tool that submitted `id`.
        case completeUpdate(UpdateID, UpdateOutcome)
        /// Run the policy engine on `cib` and report `.graphComputed` (or `.policyFailed`).
        case computeTransition(cib: String, version: CIBVersion)
        /// Run `action` through the local lrmd (or fence agent), report `.localActionFinished`.
        case executeLocally(transitionID: Int, GraphAction, transitionKey: String)
        /// Report `.timerFired` at `at` (earlier timers may be superseded; extra firings are harmless).
        case scheduleTimer(at: Instant)
        /// Something an operator follows at notice level (DC elected, transition finished, node fenced).
        case notice(String)
        /// The clean shutdown asked for with `requestShutdown` is done: this node's resources are stopped and
        /// the CIB records it as expected down; the crmd may exit.
        case shutdownComplete
    }

    /// What the controller was told at start.
    public let configuration: Configuration
    /// The CIB replica with the election.
    public internal(set) var replication: CIBReplication<XMLReplicatedCIB>
    /// What the DC knows of each node.
    public internal(set) var nodes: NodeStatusTracker
    /// The transition engine (runs only on the DC).
    public internal(set) var engine: TransitionEngine
    var policy = PolicyTrigger()
    var sequence: UInt64 = 0
    /// Internal updates not answered yet; the policy engine waits for them so it sees the current status.
    var internalPending: Set<UpdateID> = []
    /// Updates that record a transition's own results: they do not abort it.
    var resultUpdates: Set<UpdateID> = []
    /// Bodies of internal updates, resubmitted when a view change interrupts them (results are never dropped).
    var internalBodies: [UpdateID: String] = [:]
    /// Internal updates the next election writes again anyway: dropped, not resubmitted, when interrupted.
    var regeneratedUpdates: Set<UpdateID> = []
    /// Actions this node's lrmd is running for a transition (`transition:action`).
    var localInFlight: Set<String> = []
    /// Which members declared themselves ready in the current view.
    var readiness = ReadinessBarrier()
    /// The update that records this node as cleanly down after its `do_shutdown` (see `requestShutdown`).
    var shutdownBody: String?
    /// This node's own operation history, the latest record per `lrm_rsc_op` id: the node is the authority
    /// on it, and rewrites it into the CIB after every election (a partition's copy may have lost it; a
    /// restarted crmd has none, so the DC probes the node again).
    var history = LocalHistory()

    /// A controller starting from the CIB on disk.
    public init(configuration: Configuration, cib: XMLReplicatedCIB, lineage: CIBLineage) {
        self.configuration = configuration
        self.replication = CIBReplication(node: configuration.node, document: cib, lineage: lineage)
        self.nodes = NodeStatusTracker(names: configuration.names)
        self.engine = TransitionEngine(controllerUUID: "\(configuration.node)-\(configuration.incarnation)")
    }

    /// Whether this node is the DC.
    public var isDC: Bool { replication.isDC }

    /// Submits a tool's update; the answer comes as `.completeUpdate` with the returned id.
    public mutating func submitToolUpdate(_ body: String) -> (UpdateID, [Directive]) {
        let id = nextUpdateID()
        let stamped = CIBUpdateBody.stamped(body, origin: nodeName)
        return (id, replicate(.updateSubmitted(id, body: stamped, requiresQuorum: true), at: nil))
    }

    /// This node's name (ha.cf), its id when it has none.
    var nodeName: String { configuration.names[configuration.node] ?? "\(configuration.node)" }

    /// Asks for a clean shutdown, as Pacemaker's controller does: sets this node's transient `shutdown`
    /// attribute, so the DC's policy engine stops the node's resources and sends it `do_shutdown`; once that
    /// ran, the node records itself `expected="down"` and the controller answers `.shutdownComplete`.
    public mutating func requestShutdown(epochSeconds: Int, at now: Instant) -> [Directive] {
        guard let body = try? StatusUpdates.setTransientAttribute(
            nodeID: "\(configuration.node)", name: "shutdown", value: "\(epochSeconds)")
        else { return [] }
        return submitInternal(body, at: now) + maybeRunPolicy(at: now)
    }

    /// Feeds one event at `now`. `wallTime` is the wall-clock time in Pacemaker's format
    /// (`Wed Nov 25 03:41:18 2026`): a change the DC applies while handling the event records it as
    /// `cib-last-written`, with the update's origin, client and user (nil records none of them).
    public mutating func handle(_ event: Event, at now: Instant, wallTime: String? = nil) -> [Directive] {
        replication.document.lastWritten = wallTime
        defer { replication.document.lastWritten = nil }
        var directives: [Directive]
        switch event {
        case .viewInstalled(let view):
            directives = viewInstalled(view, at: now)
        case .messageDelivered(let sender, let message):
            directives = delivered(message, from: sender, at: now)
        case .persisted(let sequence):
            directives = replicate(.persisted(sequence: sequence), at: now)
        case .timerFired:
            directives = runEngine(.timerFired(at: now), at: now, recordsResults: true)
        case .graphComputed(let graph, let version):
            directives = graphComputed(graph, version: version, at: now)
        case .policyFailed(let reason, _):
            policy.computing = nil
            directives = [.notice("policy engine failed: \(reason)")]
        case .localActionFinished(let transitionID, let action, let key, let result):
            directives = localActionFinished(
                transitionID: transitionID, action: action, transitionKey: key, result: result, at: now)
        case .localResultReported(let action, let result):
            directives = recordLocally(action, result, transitionKey: "0:0:0:local", tag: nil, at: now)
        }
        return directives + announceReadiness() + maybeRunPolicy(at: now)
    }

    mutating func nextUpdateID() -> UpdateID {
        sequence += 1
        return UpdateID(origin: configuration.node, incarnation: configuration.incarnation, sequence: sequence)
    }
}

/// The latest record per resource and `lrm_rsc_op` id, in first-seen order.
struct LocalHistory {
    private(set) var keys: [String] = []
    private(set) var records: [String: (record: LRMOperationRecord, id: String)] = [:]

    mutating func remember(_ record: LRMOperationRecord) {
        for id in record.recordIDs {
            let key = record.resourceID + "\u{0}" + id
            if records[key] == nil { keys.append(key) }
            records[key] = (record, id)
        }
        // A success clears the failure record Pacemaker would replace on the next failure anyway.
    }

    var all: [(record: LRMOperationRecord, id: String)] { keys.compactMap { records[$0] } }
}

/// After a view change the DC schedules only once every member has finished the actions it was running and
/// its results are in the CIB, so no graph is computed from a status that misses a running action.
struct ReadinessBarrier: Sendable {
    /// The view the barrier is for.
    var view: ViewID?
    /// Whether this node said it is ready in `view`.
    var isAnnounced = false
    /// Members that said so.
    var ready: Set<NodeID> = []
}

/// When the DC runs the policy engine: something changed, nothing is running, the status is current.
struct PolicyTrigger: Sendable {
    /// Inputs changed since the last run.
    var isDirty = false
    /// A run is out for this version.
    var computing: CIBVersion?
    /// The debounce timer.
    var due: Instant?
    /// Transition ids this DC hands out.
    var nextTransitionID = 1
}
