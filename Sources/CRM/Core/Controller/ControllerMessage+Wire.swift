import Membership
import Messaging
import NIOCore

/// Why bytes from the crmd group could not be read as a `ControllerMessage`.
public enum ControllerWireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ended early.
    case truncated(field: String)
    /// A tag or value outside the format.
    case invalid(field: String, value: String)
    /// An unknown format version.
    case unsupportedVersion(UInt8)

    public var description: String {
        switch self {
        case .truncated(let field): "controller message truncated at \(field)"
        case .invalid(let field, let value): "controller message has an invalid \(field): \(value)"
        case .unsupportedVersion(let version): "controller message format \(version) is not supported"
        }
    }
}

extension ControllerMessage {
    /// The format version written first.
    static let wireVersion: UInt8 = 1

    /// Encodes the message for the crmd process group (big-endian integers, length-prefixed UTF-8 strings).
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.wireVersion)
        switch self {
        case .vote(let view, let vote):
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(view.rawValue)
            buffer.writeLineage(vote.lineage)
            buffer.writeVersion(vote.version)
            buffer.writeInteger(UInt8(vote.wasDC ? 1 : 0))
        case .update(let id, let body, let requiresQuorum):
            buffer.writeInteger(UInt8(2))
            buffer.writeUpdateID(id)
            buffer.writeText(body)
            buffer.writeInteger(UInt8(requiresQuorum ? 1 : 0))
        case .welcome(let view, let lineage, let version, let snapshot):
            buffer.writeInteger(UInt8(3))
            buffer.writeInteger(view.rawValue)
            buffer.writeLineage(lineage)
            buffer.writeVersion(version)
            buffer.writeInteger(UInt8(snapshot == nil ? 0 : 1))
            if let snapshot { buffer.writeText(snapshot) }
        case .syncRequested(let view):
            buffer.writeInteger(UInt8(4))
            buffer.writeInteger(view.rawValue)
        case .patch(let view, let update, let from, let to, let lineage, let patch):
            buffer.writeInteger(UInt8(5))
            buffer.writeInteger(view.rawValue)
            buffer.writeUpdateID(update)
            buffer.writeVersion(from)
            buffer.writeVersion(to)
            buffer.writeLineage(lineage)
            buffer.writeText(patch)
        case .durable(let view, let version):
            buffer.writeInteger(UInt8(6))
            buffer.writeInteger(view.rawValue)
            buffer.writeVersion(version)
        case .outcome(let view, let id, let outcome):
            buffer.writeInteger(UInt8(7))
            buffer.writeInteger(view.rawValue)
            buffer.writeUpdateID(id)
            buffer.writeOutcome(outcome)
        case .actionRequested(let view, let target, let transitionID, let action, let key):
            buffer.writeInteger(UInt8(8))
            buffer.writeInteger(view.rawValue)
            buffer.writeInteger(target.rawValue)
            buffer.writeInteger(Int64(transitionID))
            buffer.writeAction(action)
            buffer.writeText(key)
        case .memberReady(let view):
            buffer.writeInteger(UInt8(9))
            buffer.writeInteger(view.rawValue)
        case .actionFinished(let view, let transitionID, let actionID, let result):
            buffer.writeInteger(UInt8(10))
            buffer.writeInteger(view.rawValue)
            buffer.writeInteger(Int64(transitionID))
            buffer.writeInteger(Int64(actionID))
            buffer.writeResult(result)
        }
        return buffer
    }

    /// Decodes `encoded()`; never traps, whatever the bytes.
    public static func decode(_ bytes: ByteBuffer) throws(ControllerWireError) -> ControllerMessage {
        var reader = WireReader(buffer: bytes)
        let version: UInt8 = try reader.integer("version")
        guard version == wireVersion else { throw .unsupportedVersion(version) }
        let tag: UInt8 = try reader.integer("tag")
        let message: ControllerMessage
        switch tag {
        case 1:
            message = .vote(
                view: try reader.view(),
                ElectionVote(lineage: try reader.lineage(), version: try reader.version(), wasDC: try reader.flag("wasDC")))
        case 2:
            message = .update(try reader.updateID(), body: try reader.text("body"), requiresQuorum: try reader.flag("quorum"))
        case 3:
            let view = try reader.view()
            let lineage = try reader.lineage()
            let version = try reader.version()
            let snapshot = try reader.flag("snapshot?") ? try reader.text("snapshot") : nil
            message = .welcome(view: view, lineage: lineage, version: version, snapshot: snapshot)
        case 4:
            message = .syncRequested(view: try reader.view())
        case 5:
            message = .patch(
                view: try reader.view(), update: try reader.updateID(), from: try reader.version(),
                to: try reader.version(), lineage: try reader.lineage(), patch: try reader.text("patch"))
        case 6:
            message = .durable(view: try reader.view(), version: try reader.version())
        case 7:
            message = .outcome(view: try reader.view(), try reader.updateID(), try reader.outcome())
        case 8:
            message = .actionRequested(
                view: try reader.view(), target: NodeID(try reader.integer("target")),
                transitionID: try reader.int("transition"), try reader.action(), transitionKey: try reader.text("key"))
        case 9:
            message = .memberReady(view: try reader.view())
        case 10:
            message = .actionFinished(
                view: try reader.view(), transitionID: try reader.int("transition"), actionID: try reader.int("action"),
                try reader.result())
        default:
            throw .invalid(field: "tag", value: "\(tag)")
        }
        guard reader.buffer.readableBytes == 0 else {
            throw .invalid(field: "length", value: "\(reader.buffer.readableBytes) trailing bytes")
        }
        return message
    }
}
