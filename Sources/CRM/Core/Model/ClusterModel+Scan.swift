import XML

extension ClusterModel {
    /// Parses a CIB file without building its tree: the configuration is read as one small tree, the
    /// status as a stream of start and end events straight into typed records. The file is read in small
    /// chunks, so memory stays near the size of the typed model.
    public static func parsing(file path: String) throws -> ClusterModel {
        try scanning(.file(path), source: path)
    }

    /// Parses a CIB from its text, as `parsing(file:)` does.
    public static func parsing(cibText bytes: some Collection<UInt8>, source: String) throws -> ClusterModel {
        try scanning(.bytes(Array(bytes)), source: source)
    }

    private static func scanning(_ input: XMLScanInput, source: String) throws -> ClusterModel {
        var reader = StatusReader()
        var sawConfiguration = false
        try XMLDocument.scan(input, source: source, names: StatusReader.Name.allCases.map(\.text)) { tag in
            try reader.start(tag)
        } end: { depth in
            reader.end(depth)
        } tree: { element in
            switch element.name {
            case "configuration":
                try reader.model.parseConfiguration(element)
                sawConfiguration = true
            case "tickets": try reader.model.parseStatusChild(element)
            default: break
            }
        }
        guard sawConfiguration else { throw SchedulerError.invalid(element: "cib", id: nil, reason: "no <configuration> section") }
        return reader.model
    }
}

/// Turns the scan events of a CIB's status section into `NodeStatus` records (and sees the root).
///
/// Reads the same elements as the tree parser: every `transient_attributes/instance_attributes/nvpair`,
/// the first `lrm` and its first `lrm_resources`, each `lrm_resource` with an id and its `lrm_rsc_op`s.
struct StatusReader {
    /// The element and attribute names the reader matches, by position.
    enum Name: Int, CaseIterable {
        case cib, configuration, status, nodeState, tickets, transientAttributes, instanceAttributes, nvpair, lrm
        case lrmResources, lrmResource, lrmOperation
        case id, uname, inCCM, crmd, join, expected, name, value, resourceClass, provider, type
        case operation, operationKey, interval, callID, rcCode, opStatus, transitionKey, digest, restartDigest
        case forceRestart, secureParameters, secureDigest, lastRCChange, lastRun, exitReason, onNode
        case migrateSource, migrateTarget

        var text: String {
            switch self {
            case .cib: return "cib"
            case .configuration: return "configuration"
            case .status: return "status"
            case .nodeState: return "node_state"
            case .tickets: return "tickets"
            case .transientAttributes: return "transient_attributes"
            case .instanceAttributes: return "instance_attributes"
            case .nvpair: return "nvpair"
            case .lrm: return "lrm"
            case .lrmResources: return "lrm_resources"
            case .lrmResource: return "lrm_resource"
            case .lrmOperation: return "lrm_rsc_op"
            case .id: return "id"
            case .uname: return "uname"
            case .inCCM: return "in_ccm"
            case .crmd: return "crmd"
            case .join: return "join"
            case .expected: return "expected"
            case .name: return "name"
            case .value: return "value"
            case .resourceClass: return "class"
            case .provider: return "provider"
            case .type: return "type"
            case .operation: return "operation"
            case .operationKey: return "operation_key"
            case .interval: return "interval"
            case .callID: return "call-id"
            case .rcCode: return "rc-code"
            case .opStatus: return "op-status"
            case .transitionKey: return "transition-key"
            case .digest: return "op-digest"
            case .restartDigest: return "op-restart-digest"
            case .forceRestart: return "op-force-restart"
            case .secureParameters: return "op-secure-params"
            case .secureDigest: return "op-secure-digest"
            case .lastRCChange: return "last-rc-change"
            case .lastRun: return "last-run"
            case .exitReason: return "exit-reason"
            case .onNode: return "on_node"
            case .migrateSource: return "migrate_source"
            case .migrateTarget: return "migrate_target"
            }
        }
    }

    /// What an open element is, by depth.
    private enum Open { case other, status, nodeState, transient, transientSet, lrm, lrmResources, lrmResource }

    var model = ClusterModel()
    private var open: [Open] = []
    private var node: NodeStatus?
    private var history: ResourceHistory?
    private var sawLRM = false
    private var sawLRMResources = false

    mutating func start(_ tag: XMLStartTag) throws -> XMLScanChoice {
        let depth = tag.depth
        let parent = depth == 0 ? Open.other : open[depth - 1]
        let name = Name(rawValue: tag.nameIndex)
        var kind = Open.other
        var choice = XMLScanChoice.skip
        switch (depth, parent, name) {
        case (0, _, _):
            guard name == .cib else { throw SchedulerError.invalid(element: tag.name, id: nil, reason: "the root must be <cib>") }
            model.applyRootAttributes(tag.attributes)
            choice = .events
        case (1, _, .configuration?): choice = .tree
        case (1, _, .status?): (kind, choice) = (.status, .events)
        case (_, .status, .tickets?): choice = .tree
        case (_, .status, .nodeState?):
            node = try Self.nodeStatus(tag)
            sawLRM = false
            sawLRMResources = false
            (kind, choice) = (.nodeState, .events)
        case (_, .nodeState, .transientAttributes?): (kind, choice) = (.transient, .events)
        case (_, .transient, .instanceAttributes?): (kind, choice) = (.transientSet, .events)
        case (_, .transientSet, .nvpair?):
            var pairName: String?
            var pairValue: String?
            tag.forEachAttribute { index, value in
                switch Name(rawValue: index) {
                case .name?: if pairName == nil { pairName = value.string }
                case .value?: if pairValue == nil { pairValue = value.string }
                default: break
                }
            }
            if let pairName { node?.transientAttributes.append((pairName, pairValue ?? "")) }
        case (_, .nodeState, .lrm?) where !sawLRM:
            sawLRM = true
            node?.hasLRM = true
            (kind, choice) = (.lrm, .events)
        case (_, .lrm, .lrmResources?) where !sawLRMResources:
            sawLRMResources = true
            (kind, choice) = (.lrmResources, .events)
        case (_, .lrmResources, .lrmResource?):
            history = Self.resourceHistory(tag)
            if history != nil { (kind, choice) = (.lrmResource, .events) }
        case (_, .lrmResource, .lrmOperation?):
            history?.operations.append(Self.operationRecord(tag))
        default: break
        }
        if choice == .events {
            if open.count > depth { open[depth] = kind } else { open.append(kind) }
        }
        return choice
    }

    mutating func end(_ depth: Int) {
        switch open[depth] {
        case .nodeState:
            if let node { model.nodeStates.append(node) }
            node = nil
        case .lrmResource:
            if let history { node?.resources.append(history) }
            history = nil
        default: break
        }
    }

    private static func nodeStatus(_ tag: XMLStartTag) throws(SchedulerError) -> NodeStatus {
        var id: String?
        var uname: String?
        var inCCM: String?
        var crmd: String?
        var join: String?
        var expected: String?
        tag.forEachAttribute { index, value in
            switch Name(rawValue: index) {
            case .id?: if id == nil { id = value.string }
            case .uname?: if uname == nil { uname = value.string }
            case .inCCM?: if inCCM == nil { inCCM = value.string }
            case .crmd?: if crmd == nil { crmd = value.string }
            case .join?: if join == nil { join = value.string }
            case .expected?: if expected == nil { expected = value.string }
            default: break
            }
        }
        guard let id else { throw .invalid(element: "node_state", id: nil, reason: "no id") }
        return NodeStatus(
            id: id, uname: uname, inCCM: ClusterModel.isUp(inCCM, online: "true"),
            controllerOnline: ClusterModel.isUp(crmd, online: "online"), join: join, expected: expected,
            transientAttributes: [], resources: [], hasLRM: false)
    }

    private static func resourceHistory(_ tag: XMLStartTag) -> ResourceHistory? {
        var history = ResourceHistory(id: "", resourceClass: nil, provider: nil, type: nil, operations: [])
        var hasID = false
        tag.forEachAttribute { index, value in
            switch Name(rawValue: index) {
            case .id?: if !hasID { (history.id, hasID) = (value.string, true) }
            case .resourceClass?: if history.resourceClass == nil { history.resourceClass = value.string }
            case .provider?: if history.provider == nil { history.provider = value.string }
            case .type?: if history.type == nil { history.type = value.string }
            default: break
            }
        }
        return hasID ? history : nil
    }

    private static func operationRecord(_ tag: XMLStartTag) -> OperationRecord {
        var record = OperationRecord.empty
        // As the tree parser: when an attribute repeats (not well-formed anyway), the last one wins.
        tag.forEachAttribute { index, value in
            switch Name(rawValue: index) {
            case .id?: record.id = value.string
            case .operation?: record.operation = value.string
            case .operationKey?: record.operationKey = value.string
            case .interval?: record.intervalMs = value.integer ?? 0
            case .callID?: record.callID = value.integer ?? -1
            case .rcCode?: record.rcCode = value.integer ?? 0
            case .opStatus?: record.opStatus = value.integer ?? 0
            case .transitionKey?:
                let key = value.string
                record.transitionKey = key
                record.expectedRC = OperationRecord.expectedRC(transitionKey: key)
            case .digest?: record.digest = value.string
            case .restartDigest?: record.restartDigest = value.string
            case .forceRestart?: record.forceRestart = value.string
            case .secureParameters?: record.secureParameters = value.string
            case .secureDigest?: record.secureDigest = value.string
            case .lastRCChange?: record.lastRCChange = value.integer
            case .lastRun?: record.lastRun = value.integer
            case .exitReason?: record.exitReason = value.string
            case .onNode?: record.onNode = value.string
            case .migrateSource?: record.migrateSource = value.string
            case .migrateTarget?: record.migrateTarget = value.string
            default: break
            }
        }
        return record
    }
}

extension XMLScannedValue {
    /// The value as an integer, as `Int(value.trimmingSpaces)` reads it (fast for plain digits).
    var integer: Int? {
        let bytes = rawBytes
        if !bytes.isEmpty && bytes.count <= 18 {
            var result = 0
            var negative = false
            var plain = true
            for (offset, byte) in bytes.enumerated() {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    result = result * 10 + Int(byte - UInt8(ascii: "0"))
                } else if offset == 0 && byte == UInt8(ascii: "-") && bytes.count > 1 {
                    negative = true
                } else {
                    plain = false
                    break
                }
            }
            if plain { return negative ? -result : result }
        }
        return Int(string.trimmingSpaces)
    }
}
