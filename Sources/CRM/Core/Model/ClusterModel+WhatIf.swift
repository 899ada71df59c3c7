/// What-if edits for `crm_simulate`: change node states or inject operation results before scheduling.
extension ClusterModel {
    /// Why a what-if request could not be applied.
    public struct WhatIfError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The request as given on the command line, and what is wrong with it.
        public var request: String
        public var reason: String
        public var description: String { "cannot apply '\(request)': \(reason)" }
    }

    /// How a node changes in a what-if run.
    public enum NodeChange: Sendable {
        /// The node joins the cluster (`--node-up`).
        case up
        /// The node leaves cleanly (`--node-down`).
        case down
        /// The node fails and must be fenced (`--node-fail`).
        case fail
    }

    /// Sets a node's membership state as crm_simulate's `--node-up/--node-down/--node-fail` do.
    public mutating func apply(_ change: NodeChange, toNode name: String) throws(WhatIfError) {
        guard let definition = nodes.first(where: { $0.uname == name || $0.id == name }) else {
            throw WhatIfError(request: name, reason: "no such node")
        }
        let index = nodeStates.firstIndex { $0.id == definition.id } ?? {
            nodeStates.append(
                NodeStatus(
                    id: definition.id, uname: definition.uname, inCCM: false, controllerOnline: false, join: nil,
                    expected: nil, transientAttributes: [], resources: [], hasLRM: false))
            return nodeStates.count - 1
        }()
        switch change {
        case .up:
            nodeStates[index].inCCM = true
            nodeStates[index].controllerOnline = true
            nodeStates[index].join = "member"
            nodeStates[index].expected = "member"
        case .down:
            nodeStates[index].inCCM = false
            nodeStates[index].controllerOnline = false
            nodeStates[index].join = "down"
            nodeStates[index].expected = "down"
        case .fail:
            nodeStates[index].inCCM = false
            nodeStates[index].controllerOnline = false
            nodeStates[index].join = "down"
            nodeStates[index].expected = "member"
        }
    }

    /// An operation result `RESOURCE_TASK_INTERVAL@NODE=RC` (crm_simulate's `--op-inject` / `--op-fail`).
    public struct OperationSpec: Sendable, Equatable {
        public var resource: String
        public var task: String
        public var intervalMs: Int
        public var node: String
        public var rc: Int

        /// Parses `rsc_task_interval@node=rc`; the resource id may itself contain underscores.
        public init(parsing text: String) throws(WhatIfError) {
            guard let at = text.lastIndex(of: "@"), let equals = text.lastIndex(of: "="), at < equals else {
                throw WhatIfError(request: text, reason: "expected RESOURCE_TASK_INTERVAL@NODE=RC")
            }
            let key = text[..<at]
            node = String(text[text.index(after: at)..<equals])
            guard let rc = Int(text[text.index(after: equals)...]) else {
                throw WhatIfError(request: text, reason: "the result code is not a number")
            }
            self.rc = rc
            let parts = key.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count >= 3, let interval = Int(parts[parts.count - 1]) else {
                throw WhatIfError(request: text, reason: "expected RESOURCE_TASK_INTERVAL before '@'")
            }
            intervalMs = interval
            task = String(parts[parts.count - 2])
            resource = parts[0..<(parts.count - 2)].joined(separator: "_")
            guard !resource.isEmpty, !node.isEmpty else { throw WhatIfError(request: text, reason: "empty resource or node") }
        }
    }

    /// Adds an operation result to a node's history, after everything already recorded there.
    public mutating func inject(_ spec: OperationSpec) throws(WhatIfError) {
        let request = "\(spec.resource)_\(spec.task)_\(spec.intervalMs)@\(spec.node)=\(spec.rc)"
        guard let definition = nodes.first(where: { $0.uname == spec.node || $0.id == spec.node }) else {
            throw WhatIfError(request: request, reason: "no such node")
        }
        guard let primitive = primitiveDefinition(spec.resource) else {
            throw WhatIfError(request: request, reason: "no such primitive")
        }
        if !nodeStates.contains(where: { $0.id == definition.id }) { try apply(.up, toNode: definition.uname) }
        let index = nodeStates.firstIndex { $0.id == definition.id }!
        let lastCall = nodeStates[index].resources.flatMap(\.operations).map(\.callID).max() ?? 0
        let expected = spec.task == "monitor" && spec.intervalMs == 0 ? 7 : 0
        let record = OperationRecord(
            id: "\(spec.resource)_\(spec.task)_\(spec.intervalMs)", operation: spec.task,
            operationKey: "\(spec.resource)_\(spec.task)_\(spec.intervalMs)", intervalMs: spec.intervalMs,
            callID: lastCall + 1, rcCode: spec.rc, opStatus: 0, expectedRC: expected,
            transitionKey: "0:0:\(expected):00000000-0000-0000-0000-000000000000", digest: nil, restartDigest: nil,
            forceRestart: nil, secureParameters: nil, secureDigest: nil, lastRCChange: executionDate, lastRun: executionDate,
            exitReason: nil, onNode: definition.uname, migrateSource: nil, migrateTarget: nil)
        if let history = nodeStates[index].resources.firstIndex(where: { $0.id == spec.resource }) {
            nodeStates[index].resources[history].operations.append(record)
        } else {
            nodeStates[index].resources.append(
                ResourceHistory(
                    id: spec.resource, resourceClass: primitive.resourceClass, provider: primitive.provider,
                    type: primitive.type, operations: [record]))
        }
        nodeStates[index].hasLRM = true
    }

    private func primitiveDefinition(_ id: String) -> PrimitiveDefinition? {
        func find(_ resource: ResourceDefinition, _ wanted: String) -> PrimitiveDefinition? {
            switch resource {
            case .primitive(let primitive): return primitive.id == wanted ? primitive : nil
            case .group(let group): return group.members.first { $0.id == wanted }
            case .clone(let clone): return find(clone.child, wanted)
            }
        }
        // Clone instances ("rsc:1") share the cloned primitive's definition.
        let base = id.split(separator: ":", maxSplits: 1).first.map(String.init) ?? id
        for wanted in [id, base] {
            for resource in resources { if let found = find(resource, wanted) { return found } }
        }
        return nil
    }
}
