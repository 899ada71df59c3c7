/// The cluster's state as the policy engine reads it from a CIB: nodes, resources and their history.
///
/// `PolicyEngine.status(_:now:)` builds it with the same status unpacking the scheduler runs before it
/// assigns anything, so `crm_mon` and `crm_resource` show exactly what the engine believes. Resources keep
/// their kind as a name (`primitive`, `group`, and whatever collective kinds the engine models), so
/// displays handle every kind the engine knows without a second reading of the XML.
public struct ClusterStatus: Sendable {
    /// A node and what the engine concluded about it.
    public struct Node: Sendable, Equatable {
        public var id: String
        public var name: String
        public var isOnline = false
        public var isStandby = false
        /// Standby because a resource failed with `on-fail=standby`.
        public var isStandbyOnFail = false
        public var isMaintenance = false
        public var isPending = false
        public var isUnclean = false
        public var isShutdown = false
        public var isExpectedUp = false
        public var isDC = false
        /// `feature_set` of the node's `node_state`, when recorded.
        public var featureSet: String?
        /// `red`, `yellow` or `green`, from the node's `#health*` attributes.
        public var health = "green"
        /// Primitives active here, in the order the history lists them.
        public var runningResources: [String] = []
        /// Node attributes users set (permanent and transient), sorted by name; internal ones left out.
        public var attributes: [(name: String, value: String)] = []

        /// Pacemaker's one-word state, as crm_mon's node list shows it.
        public var stateText: String {
            if isUnclean { return "UNCLEAN (\(isOnline ? "online" : isPending ? "pending" : "offline"))" }
            if isPending { return "pending" }
            if isStandbyOnFail && isOnline { return "standby (on-fail)" }
            if isStandby {
                guard isOnline else { return "OFFLINE (standby)" }
                return runningResources.isEmpty ? "standby" : "standby (with active resources)"
            }
            if isMaintenance { return isOnline ? "maintenance" : "OFFLINE (maintenance)" }
            guard isOnline else { return "OFFLINE" }
            return health == "green" ? "online" : "online (health is \(health.uppercased()))"
        }

        public static func == (a: Node, b: Node) -> Bool { a.id == b.id && a.name == b.name }
    }

    /// A resource (primitive or collective) and its state.
    public struct Resource: Sendable {
        public var id: String
        /// `primitive`, `group`, or another kind the engine models (`clone`...).
        public var kind: String
        /// `class[:provider]:type` for primitives, empty for collectives.
        public var agent = ""
        /// The most promoted role the resource is active in, `Stopped` when inactive.
        public var role = "Stopped"
        /// The configured `target-role` (as written), nil when unset.
        public var targetRole: String?
        /// The nodes the resource is active on, in node order.
        public var nodes: [String] = []
        public var isOrphan = false
        public var isManaged = true
        public var isBlocked = false
        public var isFailed = false
        public var isFailureIgnored = false
        /// Whether `target-role` (or `stop-all-resources`) keeps it stopped.
        public var isDisabled = false
        /// The operation in flight (`start`, `stop`, `monitor`...), when one is recorded as pending.
        public var pendingTask: String?
        /// Members or instances, for collectives.
        public var children: [Resource] = []

        /// Whether the resource (or any member) is active somewhere.
        public var isActive: Bool { !nodes.isEmpty || children.contains { $0.isActive } }

        /// Every primitive below (itself for a primitive).
        public var primitives: [Resource] { children.isEmpty && kind == "primitive" ? [self] : children.flatMap(\.primitives) }
    }

    /// One recorded operation result (`lrm_rsc_op`).
    public struct Operation: Sendable {
        public var id: String
        /// `operation_key` (or the id when absent).
        public var key: String
        public var resource: String
        public var task: String
        public var intervalMs: Int
        public var node: String
        public var callID: Int
        public var rcCode: Int
        public var opStatus: Int
        /// Whether the record carried `operation_key` (crm_mon's XML then names it `op_key`).
        public var hasOperationKey: Bool
        public var exitReason: String?
        public var lastRCChange: Int?
        public var execTimeMs: Int?
        public var queueTimeMs: Int?

        /// `probe` for a one-shot monitor, else the task.
        public var displayTask: String { task == "monitor" && intervalMs == 0 ? "probe" : task }
    }

    /// A resource's history on one node, as `crm_mon -o`/`-f` show it.
    public struct ResourceHistory: Sendable {
        public var resource: String
        public var isOrphan: Bool
        public var migrationThreshold: Int
        public var failCount: Int
        public var lastFailure: Int?
        /// Completed operations (not-running probes and pending ones left out), by call id.
        public var operations: [Operation]
    }

    /// A location constraint keeping a resource off a node (negative score).
    public struct Ban: Sendable {
        public var id: String
        public var resource: String
        public var node: String
        public var score: Int
        public var isPromotedOnly: Bool
    }

    /// The nodes in configuration order.
    public var nodes: [Node] = []
    /// Top-level resources in configuration order, then orphans.
    public var resources: [Resource] = []
    /// Failed operations, by node then history order.
    public var failures: [Operation] = []
    /// Per node name: resource histories in the order the node's `lrm_resources` lists them.
    public var histories: [(node: String, resources: [ResourceHistory])] = []
    /// Negative single-node location constraints.
    public var bans: [Ban] = []
    /// Tickets by id: whether granted, whether in standby.
    public var tickets: [(id: String, isGranted: Bool, isStandby: Bool)] = []
    /// The DC, when the CIB names one that is configured.
    public var dc: Node?
    /// The DC's `dc-version` property.
    public var dcVersion: String?
    public var hasQuorum = false
    /// `cluster-infrastructure`, `unknown` when unset.
    public var stack = "unknown"
    /// The option values `crm_mon --output-as xml` reports, in Pacemaker's order.
    public var options: [(name: String, value: String)] = []
    /// Primitives configured (orphans included), and how many are disabled or blocked.
    public var instanceCount = 0
    public var disabledCount = 0
    public var blockedCount = 0

    /// Creates an empty status; `PolicyEngine.status` fills it.
    public init() {}

    /// The resource with `id` at any depth.
    public func resource(_ id: String) -> Resource? {
        func find(_ list: [Resource]) -> Resource? {
            for resource in list {
                if resource.id == id { return resource }
                if let found = find(resource.children) { return found }
            }
            return nil
        }
        return find(resources)
    }
}
