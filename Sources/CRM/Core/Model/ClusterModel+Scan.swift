import XML

extension ClusterModel {
    /// Parses a CIB file without building its tree: each configuration section and each resource is
    /// read as one small tree, the status as a stream of start and end events straight into typed
    /// records. The file is read in small chunks, so memory stays near the size of the typed model.
    /// A configuration that refers across pieces (`id-ref`, templates) is read again as one tree.
    public static func parsing(file path: String) throws -> ClusterModel {
        try scanning(.file(path), source: path)
    }

    /// Parses a CIB from its text, as `parsing(file:)` does.
    public static func parsing(cibText bytes: some Collection<UInt8>, source: String) throws -> ClusterModel {
        try scanning(.bytes(Array(bytes)), source: source)
    }

    private static func scanning(_ input: XMLScanInput, source: String) throws -> ClusterModel {
        do {
            return try scanning(input, source: source, wholeConfiguration: false)
        } catch is CIBReader.NeedsWholeConfiguration {
            return try scanning(input, source: source, wholeConfiguration: true)
        }
    }

    private static func scanning(_ input: XMLScanInput, source: String, wholeConfiguration: Bool) throws -> ClusterModel {
        var reader = CIBReader(wholeConfiguration: wholeConfiguration)
        try XMLDocument.scan(input, source: source, names: CIBReader.Name.allCases.map(\.text)) { tag in
            try reader.start(tag)
        } end: { depth in
            reader.end(depth)
        } tree: { element in
            try reader.tree(element)
        }
        guard reader.sawConfiguration else {
            throw SchedulerError.invalid(element: "cib", id: nil, reason: "no <configuration> section")
        }
        return reader.model
    }
}

/// Turns the scan events of a CIB into a `ClusterModel`: configuration pieces as small trees, the status
/// section's events straight into `NodeStatus` records.
///
/// Reads the same elements as the tree parser: every `transient_attributes/instance_attributes/nvpair`,
/// the first `lrm` and its first `lrm_resources`, each `lrm_resource` with an id and its `lrm_rsc_op`s;
/// the configuration sections in document order and the first `constraints` section.
struct CIBReader {
    /// The element and attribute names the reader matches, by position.
    enum Name: Int, CaseIterable {
        case cib, configuration, resources, status, nodeState, tickets, transientAttributes, instanceAttributes, nvpair, lrm
        case lrmResources, lrmResource, lrmOperation
        case id, uname, inCCM, crmd, join, expected, name, value, resourceClass, provider, type
        case operation, interval, callID, rcCode, opStatus, transitionKey, digest, restartDigest
        case forceRestart, secureParameters, secureDigest, lastRCChange, lastRun

        var text: String {
            switch self {
            case .cib: return "cib"
            case .configuration: return "configuration"
            case .resources: return "resources"
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
            }
        }
    }

    /// Thrown when a piece of the configuration refers to another piece: the scan starts again with
    /// `wholeConfiguration`.
    struct NeedsWholeConfiguration: Error {}

    /// What an open element is, by depth.
    private enum Open {
        case other, configuration, resources, status, nodeState, transient, transientSet, lrm, lrmResources, lrmResource
    }

    /// Where the tree being built comes from.
    private enum Piece { case configuration, section, resource, tickets }

    /// Whether the configuration is read as one tree (needed when its pieces refer to each other).
    let wholeConfiguration: Bool
    var model = ClusterModel()
    private(set) var sawConfiguration = false
    private var sawConstraints = false
    private var piece = Piece.configuration

    init(wholeConfiguration: Bool) {
        self.wholeConfiguration = wholeConfiguration
    }
    private var open: [Open] = []
    private var node: NodeStatus?
    private var history: ResourceHistory?
    private var sawLRM = false
    private var sawLRMResources = false
    private var strings: [String: String] = [:]

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
        case (1, _, .configuration?) where wholeConfiguration: (choice, piece) = (.tree, .configuration)
        case (1, _, .configuration?): (kind, choice) = (.configuration, .events)
        case (_, .configuration, .resources?): (kind, choice) = (.resources, .events)
        case (_, .configuration, _): (choice, piece) = (.tree, .section)
        case (_, .resources, _): (choice, piece) = (.tree, .resource)
        case (1, _, .status?): (kind, choice) = (.status, .events)
        case (_, .status, .tickets?): (choice, piece) = (.tree, .tickets)
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
            let record = operationRecord(tag)
            history?.operations.append(record)
        default: break
        }
        if choice == .events {
            if open.count > depth { open[depth] = kind } else { open.append(kind) }
        }
        return choice
    }

    /// A piece read as a tree: the whole configuration, one of its sections, one resource, or `tickets`.
    mutating func tree(_ element: XMLElement) throws {
        switch piece {
        case .configuration:
            try model.parseConfiguration(element)
            sawConfiguration = true
        case .section where element.name == "constraints":
            guard !sawConstraints else { return }
            sawConstraints = true
            try parsePiece(element) { (model, references) throws(SchedulerError) in try model.parseConstraints(element, &references) }
        case .section:
            try parsePiece(element) { (model, references) throws(SchedulerError) in
                try model.parseConfigurationSection(element, &references)
            }
        case .resource:
            try parsePiece(element) { (model, references) throws(SchedulerError) in try model.parseResource(element, &references) }
        case .tickets: try model.parseStatusChild(element)
        }
    }

    /// Parses one piece of the configuration with an index of that piece only; a lookup outside it means
    /// the configuration must be read whole.
    private mutating func parsePiece(
        _ element: XMLElement, _ body: (inout ClusterModel, inout ReferenceIndex) throws(SchedulerError) -> Void
    ) throws {
        var references = ReferenceIndex(configuration: element, partial: true)
        do {
            try body(&model, &references)
        } catch {
            if references.neededWholeConfiguration { throw NeedsWholeConfiguration() }
            throw error
        }
        if references.neededWholeConfiguration { throw NeedsWholeConfiguration() }
    }

    mutating func end(_ depth: Int) {
        switch open[depth] {
        case .configuration: sawConfiguration = true
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

    /// One string per distinct digest or parameter list: the same digests recur on every node.
    private mutating func interned(_ value: XMLScannedValue) -> String {
        let text = value.string
        if let existing = strings[text] { return existing }
        strings[text] = text
        return text
    }

    private mutating func operationRecord(_ tag: XMLStartTag) -> OperationRecord {
        var record = OperationRecord.empty
        // As the tree parser: when an attribute repeats (not well-formed anyway), the last one wins.
        tag.forEachAttribute { index, value in
            switch Name(rawValue: index) {
            case .operation?: record.operation = value.string
            case .interval?: record.intervalMs = value.integer ?? 0
            case .callID?: record.callID = value.integer ?? -1
            case .rcCode?: record.rcCode = value.integer ?? 0
            case .opStatus?: record.opStatus = value.integer ?? 0
            case .transitionKey?: record.expectedRC = OperationRecord.expectedRC(transitionKey: value.string)
            case .digest?: record.digest = interned(value)
            case .restartDigest?: record.restartDigest = interned(value)
            case .forceRestart?: record.forceRestart = interned(value)
            case .secureParameters?: record.secureParameters = interned(value)
            case .secureDigest?: record.secureDigest = interned(value)
            case .lastRCChange?: record.lastRCChange = value.integer
            case .lastRun?: record.lastRun = value.integer
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
