import Messaging
import NIOCore
import Testing

@Suite("Wire format")
struct WireFormatTests {
    static let member = Member(node: NodeID(3), incarnation: Incarnation(77))

    static func protection(encrypt: Bool, byte: UInt8 = 1) throws -> OpenSSLPacketProtection {
        try OpenSSLPacketProtection(
            keys: [1: try ClusterKey(bytes: Array(repeating: byte, count: 32))], activeKeyNumber: 1, encrypt: encrypt)
    }

    static let frames: [Frame] = [
        .heartbeat(view: ViewID(4)),
        .data(
            DataUnit(
                view: ViewID(4), origin: NodeID(3), sequence: 9, message: 4, isFirst: true, isLast: false,
                payload: ByteBuffer(string: "hello"))),
        .order(OrderRecord(view: ViewID(4), firstGlobal: 12, runs: [.init(sender: NodeID(3), firstSequence: 9, count: 2)])),
        .status(StatusReport(view: ViewID(4), highestSent: 10, highestOrdered: 13, delivered: 11)),
        .nack(Nack(view: ViewID(4), target: .sender(NodeID(2)), ranges: [3...5, 9...9])),
        .nack(Nack(view: ViewID(4), target: .global, ranges: [1...2])),
        .flush(FlushReport(oldView: ViewID(4), newView: ViewID(5), complete: 11, wantsReply: true, notMember: false)),
        .control(channel: 2, payload: ByteBuffer(string: "join")),
    ]

    @Test("every frame type survives a sealed round trip", arguments: [false, true])
    func framesRoundTrip(encrypt: Bool) throws {
        let protection = try Self.protection(encrypt: encrypt)
        var writer = PacketWriter(
            local: Self.member, clusterID: 5, channel: .data, maximumPacketSize: 1_400, protection: protection)
        var reader = PacketReader(local: Member(node: NodeID(1), incarnation: Incarnation(1)), clusterID: 5, protection: protection)
        let packets = try writer.pack(Self.frames)
        #expect(packets.count == 1)
        let (header, frames) = try reader.open(packets[0]).get()
        #expect(header.sender == Self.member)
        #expect(header.isEncrypted == encrypt)
        #expect(frames == Self.frames)
    }

    @Test("large batches split into packets under the size limit")
    func packingRespectsPacketSize() throws {
        var writer = PacketWriter(
            local: Self.member, clusterID: 5, channel: .data, maximumPacketSize: 600,
            protection: try Self.protection(encrypt: true))
        let unit = Frame.data(
            DataUnit(view: ViewID(1), origin: NodeID(3), sequence: 1, message: 1, isFirst: true, isLast: true,
                payload: ByteBuffer(repeating: 1, count: 100)))
        let packets = try writer.pack(Array(repeating: unit, count: 20))
        #expect(packets.count > 3)
        #expect(packets.allSatisfy { $0.readableBytes <= 600 })
    }

    @Test("forged, corrupted, truncated, replayed, wrong-key and wrong-cluster packets are dropped and counted",
        arguments: [false, true])
    func hostilePacketsAreDropped(encrypt: Bool) throws {
        let protection = try Self.protection(encrypt: encrypt)
        var writer = PacketWriter(
            local: Self.member, clusterID: 5, channel: .data, maximumPacketSize: 1_400, protection: protection)
        var reader = PacketReader(local: Member(node: NodeID(1), incarnation: Incarnation(1)), clusterID: 5, protection: protection)
        let packet = try writer.pack(Self.frames)[0]
        #expect(throws: Never.self) { try reader.open(packet).get() }
        #expect(reader.open(packet).failure == (.replayed))
        var flipped = try writer.pack(Self.frames)[0]
        flipped.setInteger((flipped.getInteger(at: 40, as: UInt8.self) ?? 0) ^ 0x10, at: 40)
        #expect(reader.open(flipped).failure == (.authenticationFailed))
        let truncated = try writer.pack(Self.frames)[0].getSlice(at: 0, length: 50)!
        #expect(reader.open(truncated).failure == (.truncated(needed: packet.readableBytes, available: 50)))
        var otherKey = PacketWriter(
            local: Self.member, clusterID: 5, channel: .data, maximumPacketSize: 1_400,
            protection: try Self.protection(encrypt: encrypt, byte: 2))
        for _ in 0..<10 { _ = try otherKey.pack(Self.frames) }  // past the numbers already seen
        #expect(reader.open(try otherKey.pack(Self.frames)[0]).failure == (.authenticationFailed))
        var otherCluster = PacketWriter(
            local: Self.member, clusterID: 6, channel: .data, maximumPacketSize: 1_400, protection: protection)
        #expect(reader.open(try otherCluster.pack(Self.frames)[0]).failure == (.wrongCluster(6)))
        var oldRun = PacketWriter(
            local: Member(node: NodeID(3), incarnation: Incarnation(76)), clusterID: 5, channel: .data,
            maximumPacketSize: 1_400, protection: protection)
        #expect(reader.open(try oldRun.pack(Self.frames)[0]).failure == (.replayed))
        #expect(reader.drops.total == 6)
        #expect(reader.drops.replayed == 2)
    }

    @Test("random bytes never trap the decoder")
    func randomBytesNeverTrap() throws {
        var generator = SystemRandomNumberGenerator()
        var reader = PacketReader(
            local: Member(node: NodeID(1), incarnation: Incarnation(1)), clusterID: 5,
            protection: try Self.protection(encrypt: false))
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if count > 4 && Bool.random(using: &generator) { bytes[0] = 0x4C; bytes[1] = 0x48; bytes[2] = 1 }
            if case .success = reader.open(ByteBuffer(bytes: bytes)) { Issue.record("random bytes authenticated") }
            var body = ByteBuffer(bytes: bytes)
            _ = try? Frame.decodeAll(&body, count: Int(bytes.first ?? 0) % 8)
        }
    }

    @Test("the replay window admits reordering inside it and refuses what it has seen")
    func replayWindow() {
        let member = Member(node: NodeID(2), incarnation: Incarnation(5))
        var window = ReplayWindow(incarnation: Incarnation(5))
        window.record(member, sequence: 10)
        #expect(window.admits(member, sequence: 9))
        #expect(!window.admits(member, sequence: 10))
        window.record(member, sequence: 2_000)
        #expect(!window.admits(member, sequence: 9))
        #expect(window.admits(member, sequence: 1_999))
        #expect(window.admits(Member(node: NodeID(2), incarnation: Incarnation(6)), sequence: 1))
        #expect(!window.admits(Member(node: NodeID(2), incarnation: Incarnation(4)), sequence: 5_000))
    }
}

extension Result {
    /// The error of a failed result, for `#expect` comparisons.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
