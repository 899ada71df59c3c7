import Messaging
import NIOCore

/// The local socket's framing: each message is a 32-bit big-endian length, then the body (one kind byte and
/// fields as in the membership wire format). Bodies above `maximumSize` are refused.
public enum ClientFraming {
    /// The largest body accepted on the local socket.
    public static let maximumSize = 64 << 20

    /// Wraps an encoded body in its length prefix.
    public static func frame(_ body: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.readableBytes))
        buffer.writeImmutableBuffer(body)
        return buffer
    }

    /// Takes one whole body off the front of `buffer`, or `nil` if more bytes are needed.
    public static func nextBody(from buffer: inout ByteBuffer) throws(MembershipWireError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumSize else { throw .invalid(field: "frame length \(length)") }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}

extension ClientRequest {
    /// The encoded body.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .hello(let name, let pid):
            buffer.writeInteger(UInt8(1))
            buffer.writeShortString(name)
            buffer.writeInteger(pid)
        case .join(let group):
            buffer.writeInteger(UInt8(2))
            buffer.writeShortString(group)
        case .leave(let group):
            buffer.writeInteger(UInt8(3))
            buffer.writeShortString(group)
        case .send(let group, let payload):
            buffer.writeInteger(UInt8(4))
            buffer.writeShortString(group)
            buffer.writeBlob(payload)
        case .queryStatus:
            buffer.writeInteger(UInt8(5))
        }
        return buffer
    }

    /// Reads one request body. Never traps.
    public static func decode(_ buffer: inout ByteBuffer) throws(MembershipWireError) -> ClientRequest {
        let kind: UInt8 = try buffer.read("kind")
        let request: ClientRequest
        switch kind {
        case 1: request = .hello(name: try buffer.readShortString("name"), pid: try buffer.read("pid"))
        case 2: request = .join(group: try buffer.readShortString("group"))
        case 3: request = .leave(group: try buffer.readShortString("group"))
        case 4: request = .send(group: try buffer.readShortString("group"), payload: try buffer.readBlob("payload"))
        case 5: request = .queryStatus
        default: throw .unknownKind(kind)
        }
        guard buffer.readableBytes == 0 else { throw .trailingBytes(buffer.readableBytes) }
        return request
    }
}

extension ClientEvent {
    /// The encoded body.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .status(let status):
            buffer.writeInteger(UInt8(1))
            buffer.writeStatus(status)
        case .view(let view):
            buffer.writeInteger(UInt8(2))
            MembershipMessage.commit(view).encode(into: &buffer)
        case .groupChanged(let change):
            buffer.writeInteger(UInt8(3))
            buffer.writeGroupChange(change)
        case .message(let group, let from, let payload):
            buffer.writeInteger(UInt8(4))
            buffer.writeShortString(group)
            buffer.writeGroupMember(from)
            buffer.writeBlob(payload)
        case .failure(let reason):
            buffer.writeInteger(UInt8(5))
            buffer.writeShortString(reason)
        }
        return buffer
    }

    /// Reads one event body. Never traps.
    public static func decode(_ buffer: inout ByteBuffer) throws(MembershipWireError) -> ClientEvent {
        let kind: UInt8 = try buffer.read("kind")
        switch kind {
        case 1: return .status(try buffer.readStatus())
        case 2:
            guard case .commit(let view) = try MembershipMessage.decode(&buffer) else { throw .invalid(field: "view") }
            return .view(view)
        case 3: return try finished(.groupChanged(try buffer.readGroupChange()), buffer)
        case 4:
            let group = try buffer.readShortString("group")
            let from = try buffer.readGroupMember()
            return try finished(.message(group: group, from: from, payload: try buffer.readBlob("payload")), buffer)
        case 5: return try finished(.failure(try buffer.readShortString("reason")), buffer)
        default: throw .unknownKind(kind)
        }
    }

    private static func finished(_ event: ClientEvent, _ buffer: ByteBuffer) throws(MembershipWireError) -> ClientEvent {
        guard buffer.readableBytes == 0 else { throw .trailingBytes(buffer.readableBytes) }
        return event
    }
}

extension ByteBuffer {
    mutating func writeGroupMember(_ member: GroupMember) {
        writeMember(member.member)
        writeInteger(member.pid)
        writeInteger(member.connection)
    }

    mutating func readGroupMember() throws(MembershipWireError) -> GroupMember {
        GroupMember(member: try readMember(), pid: try read("pid"), connection: try read("connection"))
    }

    mutating func writeGroupChange(_ change: GroupChange) {
        writeShortString(change.group)
        for list in [change.members, change.joined, change.left] { writeList(list) { $0.writeGroupMember($1) } }
        // Optional trailer (absent from older daemons): the agreed position.
        if let position = change.agreedAt {
            writeInteger(position.view.rawValue)
            writeInteger(position.index)
        }
    }

    mutating func readGroupChange() throws(MembershipWireError) -> GroupChange {
        let group = try readShortString("group")
        let members = try readList("members") { b throws(MembershipWireError) in try b.readGroupMember() }
        let joined = try readList("joined") { b throws(MembershipWireError) in try b.readGroupMember() }
        let left = try readList("left") { b throws(MembershipWireError) in try b.readGroupMember() }
        var agreedAt: GroupPosition?
        if readableBytes > 0 {
            let view: UInt64 = try read("agreed view")
            agreedAt = GroupPosition(view: ViewID(view), index: try read("agreed index"))
        }
        return GroupChange(group: group, members: members, joined: joined, left: left, agreedAt: agreedAt)
    }

    mutating func writeStatus(_ status: DaemonStatus) {
        writeShortString(status.clusterName)
        writeMemberInfo(status.local)
        writeInteger(UInt8(status.view == nil ? 0 : 1))
        if let view = status.view { MembershipMessage.commit(view).encode(into: &self) }
        writeList(status.nodes) { buffer, node in
            buffer.writeInteger(node.id.rawValue)
            buffer.writeShortString(node.name)
            buffer.writeInteger(UInt16(clamping: node.votes))
            buffer.writeInteger(node.state.rawValue)
            buffer.writeInteger(UInt8(node.isLinkUp ? 1 : 0))
        }
        writeInteger(status.quorumFlags.rawValue)
    }

    mutating func readStatus() throws(MembershipWireError) -> DaemonStatus {
        let cluster = try readShortString("cluster name")
        let local = try readMemberInfo()
        let hasView: UInt8 = try read("view flag")
        var view: MembershipView?
        if hasView == 1 {
            let kind: UInt8 = try read("view kind")
            guard kind == 5 else { throw .invalid(field: "view") }
            view = try readView()
        }
        let nodes = try readList("nodes") { b throws(MembershipWireError) -> NodeStatus in
            let id: UInt32 = try b.read("node id")
            let name = try b.readShortString("node name")
            let votes: UInt16 = try b.read("votes")
            let rawState: UInt8 = try b.read("state")
            let link: UInt8 = try b.read("link")
            guard let state = NodeStatus.State(rawValue: rawState) else { throw .invalid(field: "state") }
            return NodeStatus(id: NodeID(id), name: name, votes: Int(votes), state: state, isLinkUp: link == 1)
        }
        let flags: UInt8 = try read("quorum flags")
        guard readableBytes == 0 else { throw .trailingBytes(readableBytes) }
        return DaemonStatus(
            clusterName: cluster, local: local, view: view, nodes: nodes, quorumFlags: QuorumFlags(rawValue: flags))
    }
}
