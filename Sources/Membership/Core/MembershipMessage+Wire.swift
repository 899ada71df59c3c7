import Messaging
import NIOCore

/// Why bytes could not be read as a membership message.
public enum MembershipWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message ended before a field.
    case truncated(field: String)
    /// The first byte names no known message.
    case unknownKind(UInt8)
    /// A field holds a value out of range (a count too large, a name not UTF-8).
    case invalid(field: String)
    /// Bytes were left over after the message.
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .truncated(let field): "membership message truncated at \(field)"
        case .unknownKind(let kind): "unknown membership message kind \(kind)"
        case .invalid(let field): "invalid membership message field \(field)"
        case .trailingBytes(let count): "\(count) bytes after the membership message"
        }
    }
}

/// Encoding: one kind byte, then big-endian fixed-width integers; strings and lists carry a 16-bit count.
/// Laid out byte by byte in Docs/Protocols/Membership.md.
extension MembershipMessage {
    private enum Kind: UInt8 {
        case announce = 1, propose, accept, reject, commit, leave
    }

    /// Appends the encoded message.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .announce(let announce):
            buffer.writeInteger(Kind.announce.rawValue)
            buffer.writeMemberInfo(announce.sender)
            buffer.writeInteger(announce.viewID?.rawValue ?? 0)
            buffer.writeList(announce.hears) { $0.writeMember($1) }
            buffer.writeInteger(announce.highestEpoch)
        case .propose(let proposal):
            buffer.writeInteger(Kind.propose.rawValue)
            buffer.writeInteger(proposal.id.rawValue)
            buffer.writeMemberInfo(proposal.coordinator)
            buffer.writeList(proposal.members) { $0.writeMemberInfo($1) }
            buffer.writeInteger(UInt32(clamping: proposal.lowersExpectedVotesTo ?? 0))
        case .accept(let acceptance):
            buffer.writeInteger(Kind.accept.rawValue)
            buffer.writeInteger(acceptance.id.rawValue)
            buffer.writeMember(acceptance.sender)
            buffer.writeQuorumState(acceptance.quorumState)
            buffer.writeInteger(acceptance.highestEpoch)
        case .reject(let rejection):
            buffer.writeInteger(Kind.reject.rawValue)
            buffer.writeInteger(rejection.id.rawValue)
            buffer.writeMember(rejection.sender)
            buffer.writeInteger(rejection.highestEpoch)
        case .commit(let view):
            buffer.writeInteger(Kind.commit.rawValue)
            buffer.writeInteger(view.id.rawValue)
            buffer.writeList(view.members) { $0.writeMemberInfo($1) }
            buffer.writeQuorumStatus(view.quorum)
        case .leave(let member):
            buffer.writeInteger(Kind.leave.rawValue)
            buffer.writeMember(member)
        }
    }

    /// Reads one whole message. Never traps, whatever the bytes.
    public static func decode(_ buffer: inout ByteBuffer) throws(MembershipWireError) -> MembershipMessage {
        let raw: UInt8 = try buffer.read("kind")
        guard let kind = Kind(rawValue: raw) else { throw .unknownKind(raw) }
        let message: MembershipMessage
        switch kind {
        case .announce:
            let sender = try buffer.readMemberInfo()
            let view: UInt64 = try buffer.read("view id")
            let hears = try buffer.readList("hears") { buffer throws(MembershipWireError) in try buffer.readMember() }
            let epoch: UInt64 = try buffer.read("highest epoch")
            message = .announce(
                Announce(sender: sender, viewID: view == 0 ? nil : ViewID(view), hears: hears, highestEpoch: epoch))
        case .propose:
            let id: UInt64 = try buffer.read("view id")
            let coordinator = try buffer.readMemberInfo()
            let members = try buffer.readList("members") { b throws(MembershipWireError) in try b.readMemberInfo() }
            let lowered: UInt32 = try buffer.read("lowered expected votes")
            guard Set(members.map(\.node)).count == members.count else { throw .invalid(field: "members") }
            message = .propose(
                Proposal(
                    id: ViewID(id), coordinator: coordinator, members: members,
                    lowersExpectedVotesTo: lowered == 0 ? nil : Int(lowered)))
        case .accept:
            let id: UInt64 = try buffer.read("view id")
            let sender = try buffer.readMember()
            let state = try buffer.readQuorumState()
            let epoch: UInt64 = try buffer.read("highest epoch")
            message = .accept(Acceptance(id: ViewID(id), sender: sender, quorumState: state, highestEpoch: epoch))
        case .reject:
            let id: UInt64 = try buffer.read("view id")
            let sender = try buffer.readMember()
            let epoch: UInt64 = try buffer.read("highest epoch")
            message = .reject(Rejection(id: ViewID(id), sender: sender, highestEpoch: epoch))
        case .commit:
            message = .commit(try buffer.readView())
        case .leave:
            message = .leave(try buffer.readMember())
        }
        guard buffer.readableBytes == 0 else { throw .trailingBytes(buffer.readableBytes) }
        return message
    }

    /// The encoded bytes.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return buffer
    }
}
