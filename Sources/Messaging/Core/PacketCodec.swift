import NIOCore

/// Turns frames into sealed datagrams for one local member and one channel, batching frames up to the packet size.
public struct PacketWriter: Sendable {
    /// The sending member.
    public let local: Member
    /// The cluster id written in every header.
    public let clusterID: UInt32
    /// The channel (data or heartbeat) this writer numbers.
    public let channel: PacketHeader.Channel
    /// The largest datagram written, header and trailer included.
    public let maximumPacketSize: Int
    private let protection: any PacketProtection
    private var nextSequence: UInt64 = 1

    /// Builds a writer; `maximumPacketSize` should fit the path MTU (1400 leaves room for IPv6 and tunnels).
    public init(
        local: Member, clusterID: UInt32, channel: PacketHeader.Channel, maximumPacketSize: Int,
        protection: any PacketProtection
    ) {
        precondition(maximumPacketSize >= 256 && maximumPacketSize <= 65_000, "packet size \(maximumPacketSize)")
        self.local = local
        self.clusterID = clusterID
        self.channel = channel
        self.maximumPacketSize = maximumPacketSize
        self.protection = protection
    }

    /// The most frame bytes one packet carries.
    public var maximumBody: Int { maximumPacketSize - PacketHeader.size - protection.trailerLength }

    /// Packs `frames` in order into as few datagrams as fit, and seals each.
    public mutating func pack(_ frames: [Frame]) throws(PacketError) -> [ByteBuffer] {
        var packets: [ByteBuffer] = []
        var batch: [Frame] = []
        var batchBytes = 0
        for frame in frames {
            let size = frame.encodedSize
            if !batch.isEmpty && (batchBytes + size > maximumBody || batch.count == 255) {
                packets.append(try seal(batch, bodyLength: batchBytes))
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            batch.append(frame)
            batchBytes += size
        }
        if !batch.isEmpty { packets.append(try seal(batch, bodyLength: batchBytes)) }
        return packets
    }

    private mutating func seal(_ frames: [Frame], bodyLength: Int) throws(PacketError) -> ByteBuffer {
        let header = PacketHeader(
            isEncrypted: protection.isEncrypting, channel: channel, clusterID: clusterID, sender: local,
            packetSequence: nextSequence, keyNumber: protection.activeKeyNumber, frameCount: UInt8(frames.count),
            bodyLength: UInt16(bodyLength))
        nextSequence += 1
        var buffer = ByteBuffer()
        buffer.reserveCapacity(PacketHeader.size + bodyLength + protection.trailerLength)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: PacketHeader.size + bodyLength) { raw in
            var store = ByteStore(raw)
            header.encode(into: &store)
            for frame in frames { frame.encode(into: &store) }
            return store.offset
        }
        try protection.seal(&buffer, header: header)
        return buffer
    }
}

/// Checks and opens received datagrams: header, cluster, authentication, replay. Counts every drop by reason.
public struct PacketReader: Sendable {
    /// The receiving member (its own looped-back packets are dropped).
    public let local: Member
    /// The only cluster id accepted.
    public let clusterID: UInt32
    /// The only channel accepted (each channel has its own socket and thread).
    public let channel: PacketHeader.Channel
    private let protection: any PacketProtection
    private var windows: [NodeID: ReplayWindow] = [:]
    /// Drops by reason, for metrics and tests.
    public private(set) var drops = PacketDropCounters()

    /// Builds a reader.
    public init(
        local: Member, clusterID: UInt32, channel: PacketHeader.Channel = .data, protection: any PacketProtection
    ) {
        self.local = local
        self.clusterID = clusterID
        self.channel = channel
        self.protection = protection
    }

    /// Returns the sender and frames of an authentic, fresh datagram, or the reason it was dropped.
    public mutating func open(_ datagram: ByteBuffer) -> Result<(PacketHeader, [Frame]), PacketError> {
        do throws(PacketError) {
            let header = try PacketHeader.peek(datagram)
            guard header.clusterID == clusterID else { throw .wrongCluster(header.clusterID) }
            guard header.sender.node != local.node else { throw .fromSelf }
            guard header.channel == channel else { throw .malformedHeader }
            guard header.isEncrypted == protection.isEncrypting else { throw .protectionMismatch }
            if let window = windows[header.sender.node],
                !window.admits(header.sender, sequence: header.packetSequence)
            {
                throw .replayed
            }
            var body = try protection.open(datagram, header: header)
            let frames = try Frame.decodeAll(&body, count: Int(header.frameCount))
            windows[header.sender.node, default: ReplayWindow(incarnation: header.sender.incarnation)]
                .record(header.sender, sequence: header.packetSequence)
            return .success((header, frames))
        } catch {
            drops.count(error)
            return .failure(error)
        }
    }
}

/// Counts of dropped datagrams by reason.
public struct PacketDropCounters: Hashable, Sendable {
    /// Truncated, bad magic, bad version, malformed header or frame.
    public var malformed = 0
    /// Another cluster id.
    public var wrongCluster = 0
    /// Unknown key number, protection mismatch or failed MAC/tag: forged or wrong key.
    public var unauthentic = 0
    /// Replayed or stale incarnation.
    public var replayed = 0
    /// Our own packets looped back.
    public var fromSelf = 0
    /// All zero.
    public init() {}
    /// Sum of all drops.
    public var total: Int { malformed + wrongCluster + unauthentic + replayed + fromSelf }

    mutating func count(_ error: PacketError) {
        switch error {
        case .truncated, .badMagic, .unsupportedVersion, .malformedHeader, .malformedFrame: malformed += 1
        case .wrongCluster: wrongCluster += 1
        case .unknownKey, .protectionMismatch, .authenticationFailed: unauthentic += 1
        case .replayed: replayed += 1
        case .fromSelf: fromSelf += 1
        }
    }
}
