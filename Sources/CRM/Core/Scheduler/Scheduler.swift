/// The working state of one scheduling run; `PolicyEngine.schedule` creates it, runs the stages, and
/// keeps only the result. Every collection is indexed by integer ids; nothing here is shared.
struct Scheduler {
    let model: ClusterModel
    let now: Int
    var options: ClusterOptions
    var nodes: [SchedulerNode] = []
    var nodeByName: [String: Int] = [:]
    var nodeByID: [String: Int] = [:]
    var resources: [SchedulerResource] = []
    var resourceByID: [String: Int] = [:]
    var topLevel: [Int] = []
    var actions: [SchedulerAction] = []
    var actionIndex: [ActionKey: Int] = [:]
    var orderings: [SchedulerOrdering] = []
    var orderingSet: Set<SchedulerOrdering> = []
    var colocations: [ResolvedColocation] = []
    /// Colocations where the resource is the dependent ("this with").
    var colocationsAsDependent: [[Int]] = []
    /// Colocations where the resource is the primary ("with this").
    var colocationsAsPrimary: [[Int]] = []
    var hasQuorum: Bool
    var dcNode: Int?
    var scoreLines: [String] = []
    var utilizationLines: [String] = []
    var fencingActions: [Int] = []
    var lastSetSequential = true
    var resourceActions: [Int: [Int]] = [:]
    var stopDeclarations: [StopOrderingDeclaration] = []
    var recordsScores = false
    /// Fail-count clears of the resource being processed, to order before its stops.
    var pendingClears: [Int] = []
    /// Operations that fail in the simulated execution (text output only).
    var failingOperations: [ClusterModel.OperationSpec] = []
    /// Evaluated operation options; a reference so read-only helpers can fill it (one per run).
    let operationMetaCache = OperationMetaCache()
    var shutdownActions: [Int] = []

    init(model: ClusterModel, now: Int) {
        self.model = model
        self.now = now
        let values = Self.evaluate(model.propertySets, context: RuleContext(now: now), firstSetID: "cib-bootstrap-options")
        options = ClusterOptions(values: values)
        hasQuorum = model.hasQuorum
    }

    /// Whether resources may be started given quorum and `no-quorum-policy`.
    var canStartResources: Bool { hasQuorum || options.noQuorumPolicy == "ignore" }

    /// Evaluates attribute sets: sets whose rules hold, highest score first, first value wins.
    static func evaluate(
        _ sets: [AttributeSet], context: RuleContext, firstSetID: String? = nil, laterSetsWin: Bool = false
    ) -> [String: String] {
        var result: [String: String] = [:]
        if sets.isEmpty { return result }
        if sets.count == 1 {
            let set = sets[0]
            if let rule = set.rule, !rule.matches(context) { return result }
            for (name, value) in set.pairs where result[name] == nil {
                if let value { result[name] = value }
            }
            return result
        }
        let ordered = sets.enumerated().sorted { a, b in
            if let firstSetID {
                let aFirst = a.element.id == firstSetID
                let bFirst = b.element.id == firstSetID
                if aFirst != bFirst { return aFirst }
            }
            if a.element.score != b.element.score { return a.element.score > b.element.score }
            return laterSetsWin ? a.offset > b.offset : a.offset < b.offset
        }
        for (_, set) in ordered {
            if let rule = set.rule, !rule.matches(context) { continue }
            for (name, value) in set.pairs where result[name] == nil {
                if let value { result[name] = value }
            }
        }
        return result
    }
}

/// Identifies an action: resource (or a special name), task, interval and node.
struct ActionKey: Hashable {
    var owner: String
    var task: String
    var intervalMs: Int
    var node: Int
}

/// A colocation between two resources after sets, tags and templates are expanded.
struct ResolvedColocation {
    var id: String
    var dependent: Int
    var primary: Int
    var score: Int
    var dependentRole: ResourceRole?
    var primaryRole: ResourceRole?
    var nodeAttribute: String
    var influence: Bool
    /// The constrained resources before group members were substituted (for anti-colocation orderings).
    var originalDependent: Int = -1
    var originalPrimary: Int = -1
}

/// A resource-level ordering whose first task is a stop: probes of that resource go before `then`.
struct StopOrderingDeclaration {
    var resource: Int
    var then: [Int]
    var sameNode: Bool
}
