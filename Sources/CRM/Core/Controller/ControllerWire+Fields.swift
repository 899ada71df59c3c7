import Membership
import Messaging
import NIOCore

extension ByteBuffer {
    mutating func writeText(_ text: String) {
        let bytes = Array(text.utf8)
        writeInteger(UInt32(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }

    mutating func writeOptionalText(_ text: String?) {
        writeInteger(UInt8(text == nil ? 0 : 1))
        if let text { writeText(text) }
    }

    mutating func writeVersion(_ version: CIBVersion) {
        writeInteger(Int64(version.adminEpoch))
        writeInteger(Int64(version.epoch))
        writeInteger(Int64(version.numUpdates))
    }

    mutating func writeLineage(_ lineage: CIBLineage) {
        writeInteger(lineage.term.rawValue)
        writeVersion(lineage.version)
    }

    mutating func writeUpdateID(_ id: UpdateID) {
        writeInteger(id.origin.rawValue)
        writeInteger(id.incarnation)
        writeInteger(id.sequence)
    }

    mutating func writeOutcome(_ outcome: UpdateOutcome) {
        switch outcome {
        case .committed(let version):
            writeInteger(UInt8(1))
            writeVersion(version)
        case .appliedWithoutQuorum(let version):
            writeInteger(UInt8(2))
            writeVersion(version)
        case .unchanged(let version):
            writeInteger(UInt8(3))
            writeVersion(version)
        case .rejected(let code, let message):
            writeInteger(UInt8(4))
            writeInteger(Int64(code))
            writeText(message)
        case .noQuorum:
            writeInteger(UInt8(5))
        case .interrupted:
            writeInteger(UInt8(6))
        }
    }

    mutating func writeAction(_ action: GraphAction) {
        writeInteger(Int64(action.id))
        writeText(action.kind.rawValue)
        writeText(action.operation)
        writeText(action.operationKey)
        writeOptionalText(action.node)
        writeOptionalText(action.nodeUUID)
        writeInteger(UInt8(action.resource == nil ? 0 : 1))
        if let resource = action.resource {
            writeText(resource.id)
            writeOptionalText(resource.longID)
            writeText(resource.agentClass)
            writeOptionalText(resource.provider)
            writeText(resource.type)
        }
        let attributes = action.attributes.sorted { $0.key < $1.key }
        writeInteger(UInt32(attributes.count))
        for (name, value) in attributes {
            writeText(name)
            writeText(value)
        }
        writeInteger(UInt32(action.downed.count))
        for node in action.downed { writeText(node) }
    }

    mutating func writeResult(_ result: ActionResult) {
        writeInteger(Int64(result.rc))
        writeInteger(UInt8(result.status.rawValue))
        writeInteger(Int64(result.callID))
        writeText(result.exitReason)
        writeInteger(Int64(result.executionMilliseconds))
        writeInteger(Int64(result.queueMilliseconds))
        writeInteger(Int64(result.completedAtEpochSeconds))
    }
}

/// Reads fields, turning every shortfall into a typed error naming the field.
struct WireReader {
    var buffer: ByteBuffer

    mutating func integer<T: FixedWidthInteger>(_ field: String) throws(ControllerWireError) -> T {
        guard let value = buffer.readInteger(as: T.self) else { throw .truncated(field: field) }
        return value
    }

    mutating func int(_ field: String) throws(ControllerWireError) -> Int {
        Int(try integer(field) as Int64)
    }

    mutating func flag(_ field: String) throws(ControllerWireError) -> Bool {
        let value: UInt8 = try integer(field)
        guard value <= 1 else { throw .invalid(field: field, value: "\(value)") }
        return value == 1
    }

    mutating func text(_ field: String) throws(ControllerWireError) -> String {
        let length: UInt32 = try integer(field)
        guard Int(length) <= buffer.readableBytes, let bytes = buffer.readBytes(length: Int(length)) else {
            throw .truncated(field: field)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalid(field: field, value: "not UTF-8") }
        return text
    }

    mutating func optionalText(_ field: String) throws(ControllerWireError) -> String? {
        try flag(field) ? try text(field) : nil
    }

    mutating func view() throws(ControllerWireError) -> ViewID { ViewID(try integer("view")) }

    mutating func version() throws(ControllerWireError) -> CIBVersion {
        CIBVersion(adminEpoch: try int("admin_epoch"), epoch: try int("epoch"), numUpdates: try int("num_updates"))
    }

    mutating func lineage() throws(ControllerWireError) -> CIBLineage {
        CIBLineage(term: ViewID(try integer("term")), version: try version())
    }

    mutating func updateID() throws(ControllerWireError) -> UpdateID {
        UpdateID(
            origin: NodeID(try integer("origin")), incarnation: try integer("incarnation"),
            sequence: try integer("sequence"))
    }

    mutating func outcome() throws(ControllerWireError) -> UpdateOutcome {
        let tag: UInt8 = try integer("outcome")
        switch tag {
        case 1: return .committed(try version())
        case 2: return .appliedWithoutQuorum(try version())
        case 3: return .unchanged(try version())
        case 4: return .rejected(exitCode: try int("exit code"), message: try text("message"))
        case 5: return .noQuorum
        case 6: return .interrupted
        default: throw .invalid(field: "outcome", value: "\(tag)")
        }
    }

    mutating func action() throws(ControllerWireError) -> GraphAction {
        let id = try int("action id")
        let kindName = try text("kind")
        guard let kind = GraphAction.Kind(rawValue: kindName) else { throw .invalid(field: "kind", value: kindName) }
        let operation = try text("operation")
        let key = try text("operation_key")
        let node = try optionalText("on_node")
        let nodeUUID = try optionalText("on_node_uuid")
        var resource: GraphResource?
        if try flag("resource?") {
            resource = GraphResource(
                id: try text("resource id"), longID: try optionalText("long-id"), agentClass: try text("class"),
                provider: try optionalText("provider"), type: try text("type"))
        }
        var attributes: [String: String] = [:]
        let count: UInt32 = try integer("attributes")
        guard Int(count) <= buffer.readableBytes / 8 else { throw .invalid(field: "attributes", value: "\(count)") }
        for _ in 0..<count { attributes[try text("attribute name")] = try text("attribute value") }
        let downedCount: UInt32 = try integer("downed")
        guard Int(downedCount) <= buffer.readableBytes / 4 else { throw .invalid(field: "downed", value: "\(downedCount)") }
        var downed: [String] = []
        for _ in 0..<downedCount { downed.append(try text("downed node")) }
        return GraphAction(
            id: id, kind: kind, operation: operation, operationKey: key, node: node, nodeUUID: nodeUUID,
            resource: resource, attributes: attributes, downed: downed)
    }

    mutating func result() throws(ControllerWireError) -> ActionResult {
        let rc = try int("rc")
        let statusCode: UInt8 = try integer("op-status")
        guard let status = ActionResult.Status(rawValue: Int(statusCode)) else {
            throw .invalid(field: "op-status", value: "\(statusCode)")
        }
        return ActionResult(
            rc: rc, status: status, callID: try int("call-id"), exitReason: try text("exit-reason"),
            executionMilliseconds: try int("exec-time"), queueMilliseconds: try int("queue-time"),
            completedAtEpochSeconds: try int("last-rc-change"))
    }
}
