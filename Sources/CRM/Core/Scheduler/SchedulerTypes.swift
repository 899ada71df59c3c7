/// A node as the scheduler sees it: identity, evaluated attributes and derived state.
struct SchedulerNode {
    var index: Int
    var id: String
    var uname: String
    var attributes: [String: String]
    var utilization: [String: Int]
    var isOnline = false
    var isUnclean = false
    var isPending = false
    var isStandby = false
    var isMaintenance = false
    var isShutdown = false
    var isExpectedUp = false
    var hasState = false
    var fenceReason: String?
    /// Resources assigned here during this transition (Pacemaker's `num_resources`).
    var assignedCount = 0
    var healthScore = 0

    /// Whether resources may be placed here.
    var isAvailable: Bool { isOnline && !isUnclean && !isStandby && !isShutdown && !isMaintenance && !isPending }
}

/// What the scheduler knows about a resource: configuration, state and decisions.
struct SchedulerResource {
    enum Kind { case primitive, group, clone }

    var index: Int
    var id: String
    var kind: Kind
    var parent: Int?
    var children: [Int] = []
    /// For instances of anonymous clones (and their members): the configured id the status section uses.
    var baseID: String?
    /// For anonymous clone instances: the name the status section used for it, when not its own id.
    var historyName: String?
    /// For clone instances and the members of cloned groups: the instance number.
    var instanceNumber: Int?
    /// For clones: `clone-max`, `clone-node-max` and the other clone options.
    var clone: CloneSettings?
    var resourceClass = ""
    var provider: String?
    var type = ""
    var meta: [String: String] = [:]
    var parameters: [String: String] = [:]
    var instanceSets: [AttributeSet] = []
    var operations: [OperationDefinition] = []
    var utilization: [String: Int] = [:]
    var priority = 0
    var stickiness = 0
    var migrationThreshold = Score.infinity
    var failureTimeoutSeconds = 0
    var isManaged = true
    var isBlocked = false
    var isOrphan = false
    var targetRole = ResourceRole.started
    var requires = "fencing"
    var isCritical = true
    var isInMaintenance = false
    var startPendingOn: Set<Int> = []
    var agentChangedOn: Set<Int> = []
    /// Per node: every recurring operation recorded since the last start or stop, failed ones included.
    var recurringSeen: [Int: [Int: OperationRecord]] = [:]

    // Status.
    var runningOn: [Int] = []
    var knownOn: Set<Int> = []
    var role = ResourceRole.stopped
    var isFailed = false
    var failedOn: Set<Int> = []
    var nextRoleForced: ResourceRole?
    var pendingTask: [Int: String] = [:]
    /// Per node: the last successful recurring monitors (interval to record), for digests and cancellation.
    var activeRecurring: [Int: [Int: OperationRecord]] = [:]
    /// Per node: the operation record that defines the current parameters (last start/monitor/probe).
    var lastDefiningOperation: [Int: OperationRecord] = [:]
    var needsRestartOn: [Int: String] = [:]
    var reloadedOn: Set<Int> = []
    /// Per node: recurring monitors for role Stopped found active (expected "not running").
    var stoppedMonitors: [Int: [Int: OperationRecord]] = [:]
    /// Failures to clear (expired) per node.
    var clearFailcountOn: Set<Int> = []

    // Placement.
    var allowed: [Int] = []  // score per node; Int.min means "not in the allowed list"
    var discoveryNever: Set<Int> = []
    var bannedNodes: Set<Int> = []
    var bannedEverywhere = false
    var exclusiveDiscovery: Set<Int>? = nil
    var assignedNode: Int?
    var isAssigned = false
    var isAssigning = false
    var nextRole = ResourceRole.stopped
}

extension SchedulerResource {
    /// The id of the resource in the status section, fail counts and `crm_simulate` operation specs.
    var historyID: String { baseID ?? id }
}

/// A clone's options (meta-attributes evaluated once).
struct CloneSettings {
    /// `clone-max`: instances in total (default: the number of nodes).
    var maxInstances: Int
    /// `clone-node-max`: instances per node (default 1).
    var maxPerNode: Int
    /// `globally-unique`: instances are distinct (own ids in the status section).
    var isUnique: Bool
    /// `interleave`: orderings and colocations with other clones apply per node, instance to instance.
    var isInterleaved: Bool
    /// `ordered`: instances start one after another (and stop in reverse).
    var isOrdered: Bool
}

/// Flags of an action, as Pacemaker tracks them.
struct ActionFlags: OptionSet {
    let rawValue: UInt8
    static let optional = ActionFlags(rawValue: 1)
    static let runnable = ActionFlags(rawValue: 2)
    static let pseudo = ActionFlags(rawValue: 4)
}

/// One action the transition may contain.
struct SchedulerAction {
    enum Element { case resourceOperation, pseudoEvent, clusterEvent }

    var id: Int
    var element: Element
    var resource: Int?
    var task: String
    var intervalMs: Int = 0
    var node: Int?
    var key: String
    var flags: ActionFlags
    var meta: [(String, String)] = []
    var downed: [Int] = []
    var reason: String?
    var priority = 0
    var isProbe = false
    var cancelledTask: String?
    var isMaintenanceCancel = false

    var isOptional: Bool { flags.contains(.optional) }
    var isRunnable: Bool { flags.contains(.runnable) }
    var isPseudo: Bool { flags.contains(.pseudo) }
}

/// An ordering between two actions, with Pacemaker's ordering flags.
struct OrderingFlags: OptionSet, Hashable {
    let rawValue: UInt32
    static let optional = OrderingFlags(rawValue: 1 << 0)
    static let impliesThen = OrderingFlags(rawValue: 1 << 1)
    static let impliesFirst = OrderingFlags(rawValue: 1 << 2)
    static let runnableLeft = OrderingFlags(rawValue: 1 << 3)
    static let restart = OrderingFlags(rawValue: 1 << 4)
    static let asymmetrical = OrderingFlags(rawValue: 1 << 5)
    static let serialize = OrderingFlags(rawValue: 1 << 6)
    static let oneOrMore = OrderingFlags(rawValue: 1 << 7)
    static let antiColocation = OrderingFlags(rawValue: 1 << 8)
    static let sameNode = OrderingFlags(rawValue: 1 << 9)
    static let probe = OrderingFlags(rawValue: 1 << 10)
    static let collectiveChild = OrderingFlags(rawValue: 1 << 11)
}

struct SchedulerOrdering: Hashable {
    var first: Int
    var then: Int
    var flags: OrderingFlags
}

/// Cluster options after rule evaluation, with both the 3.x and older names accepted.
struct ClusterOptions {
    var symmetric = true
    var fencingEnabled = true
    var fencingAction = "reboot"
    var noQuorumPolicy = "stop"
    var stopRemovedResources = true
    var stopRemovedActions = true
    var startFailureIsFatal = true
    var maintenanceMode = false
    var placementStrategy = "default"
    var healthStrategy = "none"
    var healthRed = 0
    var healthYellow = 0
    var healthGreen = 0
    var healthBase = 0
    var startupFencing = true
    var stopAll = false
    var clusterDelay = "60s"
    var fencingTimeout = "60s"
    var shutdownLock = false
    var shutdownLockLimitSeconds = 0
    var defaultStickiness = 0
    var defaultIsManaged = true
    var priorityFencingDelay = 0
    var concurrentFencing = true

    init(values: [String: String]) {
        func flag(_ names: String..., default value: Bool) -> Bool {
            for name in names { if let text = values[name] { return ClusterModel.isTrue(text) } }
            return value
        }
        func text(_ names: String...) -> String? {
            for name in names { if let text = values[name] { return text } }
            return nil
        }
        symmetric = flag("symmetric-cluster", default: true)
        fencingEnabled = flag("fencing-enabled", "stonith-enabled", default: true)
        fencingAction = text("fencing-action", "stonith-action") ?? "reboot"
        if fencingAction == "poweroff" { fencingAction = "off" }
        noQuorumPolicy = text("no-quorum-policy") ?? "stop"
        stopRemovedResources = flag("stop-removed-resources", "stop-orphan-resources", default: true)
        stopRemovedActions = flag("stop-removed-actions", "cancel-removed-actions", "stop-orphan-actions", default: true)
        startFailureIsFatal = flag("start-failure-is-fatal", default: true)
        maintenanceMode = flag("maintenance-mode", default: false)
        placementStrategy = (text("placement-strategy") ?? "default").lowercased()
        healthStrategy = (text("node-health-strategy") ?? "none").lowercased()
        startupFencing = flag("startup-fencing", default: true)
        stopAll = flag("stop-all-resources", default: false)
        clusterDelay = text("cluster-delay") ?? "60s"
        fencingTimeout = text("fencing-timeout", "stonith-timeout") ?? "60s"
        shutdownLock = flag("shutdown-lock", default: false)
        shutdownLockLimitSeconds = (text("shutdown-lock-limit").flatMap(DurationText.milliseconds) ?? 0) / 1000
        defaultStickiness = text("default-resource-stickiness").flatMap { Score.parse($0) } ?? 0
        defaultIsManaged = flag("is-managed-default", default: true)
        concurrentFencing = flag("concurrent-fencing", default: true)
        switch healthStrategy {
        case "migrate-on-red":
            healthRed = -Score.infinity
        case "only-green":
            healthRed = -Score.infinity
            healthYellow = -Score.infinity
        case "progressive", "custom":
            healthRed = text("node-health-red").flatMap { Score.parse($0) } ?? 0
            healthYellow = text("node-health-yellow").flatMap { Score.parse($0) } ?? 0
            healthGreen = text("node-health-green").flatMap { Score.parse($0) } ?? 0
            healthBase = text("node-health-base").flatMap { Score.parse($0) } ?? 0
        default: break
        }
    }
}
