/// The typed view of a CIB the policy engine schedules from: configuration plus status, parsed once.
///
/// Nothing here refers back to XML. Values that depend on rules (attribute sets) keep their rules and
/// are evaluated by the scheduler against "now" and the node in question.
public struct ClusterModel: Sendable {
    /// Raw cluster properties (`crm_config`), still carrying their rules.
    var propertySets: [AttributeSet] = []
    /// `rsc_defaults` attribute sets.
    var resourceDefaults: [AttributeSet] = []
    /// `op_defaults` attribute sets.
    var operationDefaults: [AttributeSet] = []
    /// Nodes from `configuration/nodes`, in document order.
    var nodes: [NodeDefinition] = []
    /// Top-level resources in document order.
    var resources: [ResourceDefinition] = []
    /// Templates by id (primitives already have their template merged in).
    var templateIDs: Set<String> = []
    /// Tags: id to referenced object ids.
    var tags: [String: [String]] = [:]
    var locations: [LocationConstraint] = []
    var colocations: [ColocationConstraint] = []
    var orders: [OrderConstraint] = []
    var tickets: [TicketConstraint] = []
    /// `node_state` records by node id.
    var nodeStates: [NodeStatus] = []
    /// Ticket states from `status/tickets`.
    var ticketStates: [String: TicketState] = [:]
    /// The CIB's `have-quorum`.
    var hasQuorum = false
    /// The CIB's `dc-uuid`.
    var dcUUID: String?
    /// The CIB's `execution-date` (epoch seconds), the default "now".
    public internal(set) var executionDate: Int?

    /// An empty model; fill it with `ClusterModel(cib:)`.
    public init() {}
}

/// A set of name/value pairs (`instance_attributes`, `meta_attributes`, `utilization`, property sets).
struct AttributeSet: Sendable {
    var id: String
    /// Sets with higher scores are applied first (first value wins).
    var score: Int
    var rule: Rule?
    var pairs: [(name: String, value: String?)]
}

/// A node from the configuration section.
struct NodeDefinition: Sendable {
    var id: String
    var uname: String
    var type: String
    var attributeSets: [AttributeSet]
    var utilizationSets: [AttributeSet]
}

/// A node's `node_state` entry.
struct NodeStatus: Sendable {
    var id: String
    var uname: String?
    /// `in_ccm`: "true"/"false" or (3.x) a timestamp of joining.
    var inCCM: Bool
    /// `crmd`: "online", "offline" or (3.x) a timestamp.
    var controllerOnline: Bool
    var join: String?
    var expected: String?
    var transientAttributes: [(name: String, value: String)]
    var resources: [ResourceHistory]
    var hasLRM: Bool
}

/// One `lrm_resource`: the operation history of a resource on one node.
struct ResourceHistory: Sendable {
    var id: String
    var resourceClass: String?
    var provider: String?
    var type: String?
    var operations: [OperationRecord]
}

/// One `lrm_rsc_op`.
struct OperationRecord: Sendable {
    var id: String
    var operation: String
    var operationKey: String?
    var intervalMs: Int
    var callID: Int
    var rcCode: Int
    var opStatus: Int
    var expectedRC: Int?
    var transitionKey: String?
    var digest: String?
    var restartDigest: String?
    var forceRestart: String?
    var secureParameters: String?
    var secureDigest: String?
    var lastRCChange: Int?
    var lastRun: Int?
    var exitReason: String?
    var onNode: String?
    var migrateSource: String?
    var migrateTarget: String?
    /// `exec-time` and `queue-time` in milliseconds (shown by crm_mon).
    var execTime: Int? = nil
    var queueTime: Int? = nil
}

/// A resource as configured.
indirect enum ResourceDefinition: Sendable {
    case primitive(PrimitiveDefinition)
    case group(GroupDefinition)
    case clone(CloneDefinition)

    var id: String {
        switch self {
        case .primitive(let primitive): return primitive.id
        case .group(let group): return group.id
        case .clone(let clone): return clone.id
        }
    }
}

/// A `clone`: `clone-max` copies (instances) of one primitive or group.
struct CloneDefinition: Sendable {
    var id: String
    /// The cloned primitive or group.
    var child: ResourceDefinition
    var metaSets: [AttributeSet]
    var instanceSets: [AttributeSet]
}

/// A primitive (with its template merged in).
struct PrimitiveDefinition: Sendable {
    var id: String
    var resourceClass: String
    var provider: String?
    var type: String
    var template: String?
    var instanceSets: [AttributeSet]
    var metaSets: [AttributeSet]
    var utilizationSets: [AttributeSet]
    var operations: [OperationDefinition]
}

/// A group of primitives started in order, colocated.
struct GroupDefinition: Sendable {
    var id: String
    var members: [PrimitiveDefinition]
    var metaSets: [AttributeSet]
    var instanceSets: [AttributeSet]
}

/// An `op` element of a primitive.
struct OperationDefinition: Sendable {
    var id: String
    var name: String
    var intervalMs: Int
    /// The op's own attributes (timeout, on-fail, role, enabled, start-delay, interval-origin, ...).
    var attributes: [String: String]
    var metaSets: [AttributeSet]
    var instanceSets: [AttributeSet]
}

/// A role a resource can be in, as Pacemaker names them.
enum ResourceRole: Int, Sendable, Comparable {
    case unknown = 0, stopped, started, unpromoted, promoted

    static func < (a: ResourceRole, b: ResourceRole) -> Bool { a.rawValue < b.rawValue }

    /// Parses a role name, accepting the old `Slave`/`Master` spellings.
    init?(name: String) {
        switch name.lowercased() {
        case "stopped": self = .stopped
        case "started": self = .started
        case "unpromoted", "slave": self = .unpromoted
        case "promoted", "master": self = .promoted
        case "unknown": self = .unknown
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .unknown: return "Unknown"
        case .stopped: return "Stopped"
        case .started: return "Started"
        case .unpromoted: return "Unpromoted"
        case .promoted: return "Promoted"
        }
    }
}

/// A reference to resources in a constraint: one resource id, or a regular expression pattern.
struct LocationConstraint: Sendable {
    var id: String
    var resources: [String]
    var pattern: String?
    var role: ResourceRole?
    var node: String?
    var score: Int?
    var rules: [Rule]
    var discovery: String?
}

/// A set inside a constraint (`resource_set`).
struct ResourceSet: Sendable {
    var id: String
    var resources: [String]
    var sequential: Bool
    var requireAll: Bool
    var role: ResourceRole?
    var action: String?
    var score: Int?
    var kind: String?
    var ordering: String?
}

struct ColocationConstraint: Sendable {
    var id: String
    var dependent: String?
    var primary: String?
    var score: Int
    var dependentRole: ResourceRole?
    var primaryRole: ResourceRole?
    var nodeAttribute: String
    var influence: Bool?
    var sets: [ResourceSet]
}

struct OrderConstraint: Sendable {
    var id: String
    var first: String?
    var then: String?
    var firstAction: String
    var thenAction: String
    /// "Mandatory", "Optional" or "Serialize".
    var kind: String
    var symmetrical: Bool?
    var sets: [ResourceSet]
    var requireAll: Bool
}

struct TicketConstraint: Sendable {
    var id: String
    var ticket: String
    var resource: String?
    var role: ResourceRole?
    var lossPolicy: String
    var sets: [ResourceSet]
}

struct TicketState: Sendable {
    var granted: Bool
    var standby: Bool
}
