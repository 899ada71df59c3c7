import Membership
import Messaging
import NIOCore

/// Builds byte buffers for decoder tests.
enum ByteBufferAllocatorShim {
    static func random(count: Int, using generator: inout SeededGenerator) -> ByteBuffer {
        var buffer = ByteBuffer()
        for _ in 0..<count { buffer.writeInteger(UInt8.random(in: 0...255, using: &generator)) }
        return buffer
    }

    /// A commit listing node 1 twice, which a well-behaved coordinator never sends.
    static func commitWithDuplicateMember() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(5))
        buffer.writeInteger(UInt64(1 << 32 | 1))
        buffer.writeInteger(UInt16(2))
        for _ in 0..<2 {
            buffer.writeInteger(UInt32(1))
            buffer.writeInteger(UInt64(1))
            buffer.writeInteger(UInt16(1))
            buffer.writeBytes([UInt8(ascii: "a")])
        }
        buffer.writeBytes([UInt8](repeating: 0, count: 14))
        return buffer
    }
}
