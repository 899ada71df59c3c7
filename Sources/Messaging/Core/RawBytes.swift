/// Big-endian stores into raw memory the caller reserved: the codec writes a whole packet in one pass instead of one
/// `ByteBuffer` call per field (each such call is a bounds check, a uniqueness check and a capacity check).
struct ByteStore {
    let base: UnsafeMutableRawBufferPointer
    var offset = 0

    init(_ base: UnsafeMutableRawBufferPointer) { self.base = base }

    @inline(__always)
    mutating func put<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(offset + bytes.count <= base.count, "ByteStore overflow")
        (base.baseAddress! + offset).copyMemory(from: source, byteCount: bytes.count)
        offset += bytes.count
    }
}

/// Big-endian reads from raw memory that never trap: every read checks what remains and returns nil past the end.
struct ByteCursor {
    let base: UnsafeRawBufferPointer
    var offset: Int
    /// Reading stops here (the end of the current frame's content, or of the body).
    var end: Int

    init(_ base: UnsafeRawBufferPointer) {
        self.base = base
        offset = 0
        end = base.count
    }

    var remaining: Int { end - offset }

    @inline(__always)
    mutating func take<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        guard remaining >= MemoryLayout<T>.size else { return nil }
        let value = T(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }
}
