import NIOCore

/// The fixed 32-byte header that starts every packet; see Docs/Messaging-Wire-Format.md.
/// The header is authenticated (it is the AEAD's associated data, or covered by the HMAC) but never encrypted,
/// so a receiver can pick the key and the sender's replay window before it spends time on cryptography.
public struct PacketHeader: Hashable, Sendable {
    /// "LH" in ASCII: rejects stray traffic before any cryptography.
    public static let magic: UInt16 = 0x4C48
    /// The only wire version this code speaks.
    public static let version: UInt8 = 1
    /// Encoded size in bytes.
    public static let size = 32

    /// Which independent stream a packet belongs to; each has its own sequence numbers and keys.
    public enum Channel: UInt8, Sendable {
        /// Group messages, order, retransmission, flush and Membership's control frames.
        case data = 0
        /// Heartbeats only: a separate socket and thread, never queued behind data (see Docs/Protocols).
        case heartbeat = 1
    }

    /// Whether the body is AES-256-GCM ciphertext (else clear text followed by an HMAC-SHA256).
    public var isEncrypted: Bool
    /// The stream this packet belongs to.
    public var channel: Channel
    /// The cluster this packet belongs to; packets of other clusters are dropped and counted.
    public var clusterID: UInt32
    /// The sending member.
    public var sender: Member
    /// Per sender, incarnation and channel, strictly increasing: the replay window and the GCM nonce use it.
    public var packetSequence: UInt64
    /// The authkeys key number the packet was protected with (for key rollover).
    public var keyNumber: UInt8
    /// How many frames follow.
    public var frameCount: UInt8
    /// Bytes of body (frames) before the trailer.
    public var bodyLength: UInt16

    /// Builds a header.
    public init(
        isEncrypted: Bool, channel: Channel, clusterID: UInt32, sender: Member, packetSequence: UInt64,
        keyNumber: UInt8, frameCount: UInt8, bodyLength: UInt16
    ) {
        self.isEncrypted = isEncrypted
        self.channel = channel
        self.clusterID = clusterID
        self.sender = sender
        self.packetSequence = packetSequence
        self.keyNumber = keyNumber
        self.frameCount = frameCount
        self.bodyLength = bodyLength
    }

    /// Appends the 32 header bytes.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.size) { raw in
            var store = ByteStore(raw)
            encode(into: &store)
            return store.offset
        }
    }

    /// Stores the 32 header bytes at `store`'s offset.
    func encode(into store: inout ByteStore) {
        store.put(Self.magic)
        store.put(Self.version)
        var flags: UInt8 = isEncrypted ? 0x01 : 0
        if channel == .heartbeat { flags |= 0x02 }
        store.put(flags)
        store.put(clusterID)
        store.put(sender.node.rawValue)
        store.put(sender.incarnation.rawValue)
        store.put(packetSequence)
        store.put(keyNumber)
        store.put(frameCount)
        store.put(bodyLength)
    }

    /// Reads a header from the start of `bytes` without consuming it. Never traps.
    public static func peek(_ bytes: ByteBuffer) throws(PacketError) -> PacketHeader {
        guard bytes.readableBytes >= size else { throw .truncated(needed: size, available: bytes.readableBytes) }
        let result: Result<PacketHeader, PacketError> = bytes.withUnsafeReadableBytes { raw in
            var cursor = ByteCursor(raw)
            guard cursor.take(UInt16.self) == Self.magic else { return .failure(.badMagic) }
            let version = cursor.take(UInt8.self) ?? 0
            guard version == Self.version else { return .failure(.unsupportedVersion(version)) }
            guard let flags = cursor.take(UInt8.self), flags & 0xFC == 0, let cluster = cursor.take(UInt32.self),
                let node = cursor.take(UInt32.self), let incarnation = cursor.take(UInt64.self),
                let sequence = cursor.take(UInt64.self), let key = cursor.take(UInt8.self),
                let frames = cursor.take(UInt8.self), let length = cursor.take(UInt16.self)
            else { return .failure(.malformedHeader) }
            return .success(
                PacketHeader(
                    isEncrypted: flags & 0x01 != 0, channel: flags & 0x02 != 0 ? .heartbeat : .data,
                    clusterID: cluster, sender: Member(node: NodeID(node), incarnation: Incarnation(incarnation)),
                    packetSequence: sequence, keyNumber: key, frameCount: frames, bodyLength: length))
        }
        return try result.get()
    }
}

/// Why a datagram was dropped before any frame reached a protocol. Every case is counted; none traps.
public enum PacketError: Error, Hashable, Sendable {
    /// Fewer bytes than the header or the declared body and trailer need.
    case truncated(needed: Int, available: Int)
    /// Not our magic: stray traffic.
    case badMagic
    /// A wire version this node does not speak.
    case unsupportedVersion(UInt8)
    /// Reserved flag bits set or a field unreadable.
    case malformedHeader
    /// Another cluster's packet.
    case wrongCluster(UInt32)
    /// A key number this node has no key for.
    case unknownKey(UInt8)
    /// Encryption on at one end and off at the other.
    case protectionMismatch
    /// The MAC or the GCM tag did not verify: forged, corrupted or under another key.
    case authenticationFailed
    /// Already seen, or older than the replay window, or of an older incarnation than one already heard.
    case replayed
    /// Our own packet looped back (multicast loop, or a misconfigured peer list).
    case fromSelf
    /// A frame inside an authentic packet did not parse.
    case malformedFrame(type: UInt8)
}
