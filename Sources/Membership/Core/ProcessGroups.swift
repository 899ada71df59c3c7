import Messaging
import NIOCore

/// An operation on named process groups, multicast in agreed order so every node applies the same sequence.
public enum GroupOperation: Sendable, Hashable {
    /// A local process joined a group.
    case join(group: String, GroupMember)
    /// A local process left a group (or its client disconnected).
    case leave(group: String, GroupMember)
    /// A process sent a message to a group.
    case message(group: String, from: GroupMember, payload: ByteBuffer)
    /// After a view change each node re-announces its local processes, so nodes that just joined learn them.
    case joinList([String: [GroupMember]])
}

/// What applying an operation produced, for the shell to hand to the local clients of the group.
public enum GroupEffect: Sendable, Hashable {
    /// The group's membership changed.
    case changed(GroupChange)
    /// A message for the group's members.
    case message(group: String, from: GroupMember, payload: ByteBuffer)
}

/// The cluster-wide membership of named process groups, like Corosync's CPG: a pure value every node updates
/// from the same ordered stream of operations and views, so all nodes agree on it.
public struct ProcessGroups: Sendable, Hashable {
    /// Members per group.
    public private(set) var groups: [String: Set<GroupMember>] = [:]

    /// No groups.
    public init() {}

    /// Members of `group`, sorted.
    public func members(of group: String) -> [GroupMember] { (groups[group] ?? []).sorted() }

    /// Applies an operation delivered from `sender`. Operations naming processes of another node are dropped:
    /// a node speaks only for its own processes.
    public mutating func apply(_ operation: GroupOperation, from sender: Member) -> [GroupEffect] {
        switch operation {
        case .join(let group, let member):
            guard member.member == sender, groups[group, default: []].insert(member).inserted else { return [] }
            return [.changed(GroupChange(group: group, members: members(of: group), joined: [member], left: []))]
        case .leave(let group, let member):
            guard member.member == sender, groups[group]?.remove(member) != nil else { return [] }
            let change = GroupChange(group: group, members: members(of: group), joined: [], left: [member])
            if groups[group]?.isEmpty == true { groups[group] = nil }
            return [.changed(change)]
        case .message(let group, let from, let payload):
            guard from.member == sender, groups[group]?.contains(from) == true else { return [] }
            return [.message(group: group, from: from, payload: payload)]
        case .joinList(let list):
            return list.sorted { $0.key < $1.key }.compactMap { group, announced in
                let fresh = announced.filter { $0.member == sender && !(groups[group]?.contains($0) ?? false) }
                guard !fresh.isEmpty else { return nil }
                groups[group, default: []].formUnion(fresh)
                return .changed(GroupChange(group: group, members: members(of: group), joined: fresh.sorted(), left: []))
            }
        }
    }

    /// Removes the processes of members not in the new view; called when the view is delivered.
    public mutating func viewDelivered(_ view: View) -> [GroupEffect] {
        groups.keys.sorted().compactMap { group in
            let gone = (groups[group] ?? []).filter { !view.contains($0.member) }
            guard !gone.isEmpty else { return nil }
            groups[group]?.subtract(gone)
            let change = GroupChange(group: group, members: members(of: group), joined: [], left: gone.sorted())
            if groups[group]?.isEmpty == true { groups[group] = nil }
            return .changed(change)
        }
    }
}

extension GroupOperation {
    /// The encoded payload for `GroupMessaging`.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .join(let group, let member):
            buffer.writeInteger(UInt8(1))
            buffer.writeShortString(group)
            buffer.writeGroupMember(member)
        case .leave(let group, let member):
            buffer.writeInteger(UInt8(2))
            buffer.writeShortString(group)
            buffer.writeGroupMember(member)
        case .message(let group, let from, let payload):
            buffer.writeInteger(UInt8(3))
            buffer.writeShortString(group)
            buffer.writeGroupMember(from)
            buffer.writeBlob(payload)
        case .joinList(let list):
            buffer.writeInteger(UInt8(4))
            let sorted = list.sorted { $0.key < $1.key }
            buffer.writeList(sorted) { buffer, entry in
                buffer.writeShortString(entry.key)
                buffer.writeList(entry.value.sorted()) { $0.writeGroupMember($1) }
            }
        }
        return buffer
    }

    /// Reads an operation. Never traps.
    public static func decode(_ buffer: inout ByteBuffer) throws(MembershipWireError) -> GroupOperation {
        let kind: UInt8 = try buffer.read("kind")
        let operation: GroupOperation
        switch kind {
        case 1: operation = .join(group: try buffer.readShortString("group"), try buffer.readGroupMember())
        case 2: operation = .leave(group: try buffer.readShortString("group"), try buffer.readGroupMember())
        case 3:
            let group = try buffer.readShortString("group")
            let from = try buffer.readGroupMember()
            operation = .message(group: group, from: from, payload: try buffer.readBlob("payload"))
        case 4:
            let entries = try buffer.readList("groups") { b throws(MembershipWireError) -> (String, [GroupMember]) in
                let group = try b.readShortString("group")
                return (group, try b.readList("members") { c throws(MembershipWireError) in try c.readGroupMember() })
            }
            operation = .joinList(Dictionary(entries, uniquingKeysWith: { first, second in first + second }))
        default: throw .unknownKind(kind)
        }
        guard buffer.readableBytes == 0 else { throw .trailingBytes(buffer.readableBytes) }
        return operation
    }
}
