import Messaging
import NIOCore

/// Field readers and writers shared by the membership and client wire formats.
extension ByteBuffer {
    mutating func writeShortString(_ string: String) {
        let bytes = Array(string.utf8.prefix(Int(UInt16.max)))
        writeInteger(UInt16(bytes.count))
        writeBytes(bytes)
    }

    mutating func readShortString(_ field: String) throws(MembershipWireError) -> String {
        let length: UInt16 = try read("\(field) length")
        guard let bytes = readBytes(length: Int(length)) else { throw .truncated(field: field) }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalid(field: field) }
        return string
    }

    mutating func writeBlob(_ blob: ByteBuffer) {
        writeInteger(UInt32(blob.readableBytes))
        writeImmutableBuffer(blob)
    }

    mutating func readBlob(_ field: String) throws(MembershipWireError) -> ByteBuffer {
        let length: UInt32 = try read("\(field) length")
        guard let blob = readSlice(length: Int(length)) else { throw .truncated(field: field) }
        return blob
    }

    mutating func writeMember(_ member: Member) {
        writeInteger(member.node.rawValue)
        writeInteger(member.incarnation.rawValue)
    }

    mutating func writeMemberInfo(_ info: MemberInfo) {
        writeMember(info.member)
        let name = Array(info.name.utf8.prefix(Int(UInt16.max)))
        writeInteger(UInt16(name.count))
        writeBytes(name)
    }

    mutating func writeList<T>(_ items: [T], _ write: (inout ByteBuffer, T) -> Void) {
        writeInteger(UInt16(clamping: items.count))
        for item in items.prefix(Int(UInt16.max)) { write(&self, item) }
    }

    mutating func writeQuorumState(_ state: QuorumState) {
        writeInteger(UInt32(clamping: state.expectedVotes))
        writeInteger(UInt8(state.isWaitingForAll ? 1 : 0))
    }

    mutating func writeQuorumStatus(_ status: QuorumStatus) {
        writeInteger(UInt8((status.isQuorate ? 1 : 0) | (status.isTieBroken ? 2 : 0)))
        writeInteger(UInt32(clamping: status.totalVotes))
        writeInteger(UInt32(clamping: status.quorum))
        writeQuorumState(status.state)
    }

    mutating func read<T: FixedWidthInteger>(_ field: String) throws(MembershipWireError) -> T {
        guard let value = readInteger(as: T.self) else { throw .truncated(field: field) }
        return value
    }

    mutating func readMember() throws(MembershipWireError) -> Member {
        let node: UInt32 = try read("node id")
        let incarnation: UInt64 = try read("incarnation")
        return Member(node: NodeID(node), incarnation: Incarnation(incarnation))
    }

    mutating func readMemberInfo() throws(MembershipWireError) -> MemberInfo {
        let member = try readMember()
        let length: UInt16 = try read("name length")
        guard let bytes = readBytes(length: Int(length)) else { throw .truncated(field: "name") }
        guard let name = String(validating: bytes, as: UTF8.self) else { throw .invalid(field: "name") }
        return MemberInfo(member: member, name: name)
    }

    mutating func readList<T>(
        _ field: String, _ read: (inout ByteBuffer) throws(MembershipWireError) -> T
    ) throws(MembershipWireError) -> [T] {
        let count: UInt16 = try self.read(field)
        var items: [T] = []
        for _ in 0..<count { items.append(try read(&self)) }
        return items
    }

    mutating func readQuorumState() throws(MembershipWireError) -> QuorumState {
        let expected: UInt32 = try read("expected votes")
        let waiting: UInt8 = try read("wait for all")
        return QuorumState(expectedVotes: Int(expected), isWaitingForAll: waiting != 0)
    }

    mutating func readView() throws(MembershipWireError) -> MembershipView {
        let id: UInt64 = try read("view id")
        let members = try readList("members") { b throws(MembershipWireError) in try b.readMemberInfo() }
        guard !members.isEmpty, Set(members.map(\.node)).count == members.count else {
            throw .invalid(field: "members")
        }
        let flags: UInt8 = try read("quorum flags")
        let total: UInt32 = try read("total votes")
        let quorum: UInt32 = try read("quorum")
        let state = try readQuorumState()
        let status = QuorumStatus(
            isQuorate: flags & 1 != 0, totalVotes: Int(total), quorum: Int(quorum), state: state,
            isTieBroken: flags & 2 != 0)
        return MembershipView(id: ViewID(id), members: members, quorum: status)
    }
}
