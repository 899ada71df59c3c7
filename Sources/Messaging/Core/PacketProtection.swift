import NIOCore

/// Authenticates (and optionally encrypts) packets. The Core frames bytes and stays crypto-agnostic; the Shell's
/// `OpenSSLPacketProtection` implements this with HMAC-SHA256 or AES-256-GCM (see Docs/Messaging-Wire-Format.md).
public protocol PacketProtection: Sendable {
    /// Whether sealed packets are encrypted; a receiver drops packets protected the other way.
    var isEncrypting: Bool { get }
    /// The authkeys number used to seal (receivers accept every configured number, for rollover).
    var activeKeyNumber: UInt8 { get }
    /// Bytes appended after the body: 32 (HMAC-SHA256) or 16 (GCM tag).
    var trailerLength: Int { get }
    /// Seals `packet`, which holds the encoded header followed by the clear body: encrypts the body in place
    /// and appends the trailer.
    func seal(_ packet: inout ByteBuffer, header: PacketHeader) throws(PacketError)
    /// Verifies a whole datagram whose header is `header` and returns the clear body. Comparisons are constant-time.
    func open(_ packet: ByteBuffer, header: PacketHeader) throws(PacketError) -> ByteBuffer
}

/// Rejects replays: remembers each peer's newest incarnation and a sliding window of its recent packet numbers,
/// as IPsec's anti-replay window does. Only authenticated packets may update it.
public struct ReplayWindow: Sendable {
    /// Packets more than this many numbers behind the newest are refused (retransmission recovers them).
    public static let width: UInt64 = 1024
    private var incarnation: Incarnation
    private var highest: UInt64 = 0
    private var bits = [UInt64](repeating: 0, count: Int(width / 64))

    /// A window for a peer first heard in `incarnation`.
    public init(incarnation: Incarnation) { self.incarnation = incarnation }

    /// Whether a packet would be accepted, without recording it.
    public func admits(_ member: Member, sequence: UInt64) -> Bool {
        if member.incarnation != incarnation { return member.incarnation > incarnation }
        if sequence > highest { return true }
        let age = highest - sequence
        guard age < Self.width else { return false }
        return bits[Int((sequence % Self.width) / 64)] & (1 << (sequence % 64)) == 0
    }

    /// Records an admitted packet. A newer incarnation resets the window.
    public mutating func record(_ member: Member, sequence: UInt64) {
        if member.incarnation > incarnation {
            incarnation = member.incarnation
            highest = 0
            for index in bits.indices { bits[index] = 0 }
        }
        if sequence > highest {
            var cleared = highest + 1
            while cleared < sequence && sequence - cleared < Self.width {
                clear(cleared)
                cleared += 1
            }
            if sequence - highest >= Self.width {
                for index in bits.indices { bits[index] = 0 }
            }
            highest = sequence
        }
        bits[Int((sequence % Self.width) / 64)] |= 1 << (sequence % 64)
    }

    private mutating func clear(_ sequence: UInt64) {
        bits[Int((sequence % Self.width) / 64)] &= ~(1 << (sequence % 64))
    }
}
