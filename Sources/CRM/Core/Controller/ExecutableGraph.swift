import XML

/// A transition graph ready to execute, parsed once from Pacemaker's `<transition_graph>` XML (what the
/// policy engine and `crm_simulate -G` write): synapses, each with its action and the actions it waits for.
public struct ExecutableGraph: Sendable, Equatable {
    /// `transition_id`.
    public var transitionID: Int
    /// `cluster-delay`: slack added to every action's own timeout before it counts as lost.
    public var clusterDelay: Duration
    /// `stonith-timeout` / `fencing-timeout`: how long a fencing action may take.
    public var fencingTimeout: Duration
    /// `batch-limit`: at most this many actions in flight; 0 means no limit.
    public var batchLimit: Int
    /// The synapses in graph order.
    public var synapses: [GraphSynapse]

    /// Builds a graph from parts (tests and the policy engine's typed output).
    public init(
        transitionID: Int, clusterDelay: Duration = .seconds(60), fencingTimeout: Duration = .seconds(60),
        batchLimit: Int = 0, synapses: [GraphSynapse]
    ) {
        self.transitionID = transitionID
        self.clusterDelay = clusterDelay
        self.fencingTimeout = fencingTimeout
        self.batchLimit = batchLimit
        self.synapses = synapses
    }

    /// The action with `id`, if the graph has it.
    public func action(_ id: Int) -> GraphAction? {
        for synapse in synapses { if let action = synapse.actions.first(where: { $0.id == id }) { return action } }
        return nil
    }
}

/// One synapse: actions that run together once every input action is confirmed.
public struct GraphSynapse: Sendable, Equatable {
    /// The synapse id.
    public var id: Int
    /// Higher runs first when several are ready.
    public var priority: Int
    /// The actions (Pacemaker writes exactly one).
    public var actions: [GraphAction]
    /// Ids of the actions that must be confirmed first.
    public var inputs: [Int]

    /// Builds a synapse.
    public init(id: Int, priority: Int = 0, actions: [GraphAction], inputs: [Int]) {
        self.id = id
        self.priority = priority
        self.actions = actions
        self.inputs = inputs
    }
}

/// One action of a graph.
public struct GraphAction: Sendable, Hashable {
    /// What executes the action.
    public enum Kind: String, Sendable, Hashable {
        /// `rsc_op`: an agent operation through the node's lrmd.
        case resource = "rsc_op"
        /// `pseudo_event`: a marker that completes as soon as it is ready.
        case pseudo = "pseudo_event"
        /// `crm_event`: a controller action (`stonith`, `do_shutdown`, `clear_failcount`, `lrm_delete`).
        case cluster = "crm_event"
    }

    /// The action id (unique in the graph).
    public var id: Int
    /// Which element it came from.
    public var kind: Kind
    /// `operation` (start, stop, monitor, stonith, …).
    public var operation: String
    /// `operation_key` (`rsc_start_0`).
    public var operationKey: String
    /// `on_node`.
    public var node: String?
    /// `on_node_uuid`.
    public var nodeUUID: String?
    /// The `<primitive>` of a resource operation: `id`, `long-id`, `class`, `provider`, `type`.
    public var resource: GraphResource?
    /// The `<attributes>` (instance parameters and `CRM_meta_*`), in document order.
    public var attributes: [String: String]
    /// Node ids in `<downed>`: nodes this action takes down (fencing, shutdown).
    public var downed: [String]

    /// Builds an action.
    public init(
        id: Int, kind: Kind, operation: String, operationKey: String, node: String? = nil, nodeUUID: String? = nil,
        resource: GraphResource? = nil, attributes: [String: String] = [:], downed: [String] = []
    ) {
        self.id = id
        self.kind = kind
        self.operation = operation
        self.operationKey = operationKey
        self.node = node
        self.nodeUUID = nodeUUID
        self.resource = resource
        self.attributes = attributes
        self.downed = downed
    }

    /// `CRM_meta_timeout`, or 20 s (Pacemaker's default operation timeout).
    public var timeout: Duration { .milliseconds(Int(attributes["CRM_meta_timeout"] ?? "") ?? 20_000) }
    /// `CRM_meta_interval` (0 for one-shot operations).
    public var interval: Duration { .milliseconds(Int(attributes["CRM_meta_interval"] ?? "") ?? 0) }
    /// The rc that counts as success: `CRM_meta_op_target_rc`, else 7 (not running) for probes, else 0.
    public var targetRC: Int {
        if let text = attributes["CRM_meta_op_target_rc"], let value = Int(text) { return value }
        return operation == "monitor" && interval == .zero && isProbe ? 7 : 0
    }
    /// A probe is a one-shot monitor whose key ends in `_monitor_0`.
    public var isProbe: Bool { operation == "monitor" && operationKey.hasSuffix("_monitor_0") }
    /// The instance parameters: attributes that are not `CRM_meta_*`.
    public var parameters: [String: String] { attributes.filter { !$0.key.hasPrefix("CRM_meta_") } }
}

/// The resource a `rsc_op` runs on.
public struct GraphResource: Sendable, Hashable {
    /// `id` (for clone instances, `long-id` is the instance name).
    public var id: String
    /// `long-id`, when present.
    public var longID: String?
    /// `class` (`ocf`, `lsb`, `stonith`).
    public var agentClass: String
    /// `provider` (OCF only).
    public var provider: String?
    /// `type`.
    public var type: String

    /// Builds a resource reference.
    public init(id: String, longID: String? = nil, agentClass: String, provider: String? = nil, type: String) {
        self.id = id
        self.longID = longID
        self.agentClass = agentClass
        self.provider = provider
        self.type = type
    }
}

/// Why a transition graph could not be read.
public struct GraphError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong and where.
    public var message: String
    /// Wraps a message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
