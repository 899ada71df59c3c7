import COpenSSL
import NIOCore
import Synchronization

/// A 32-byte cluster key. Its description never shows the bytes, so a key cannot reach a log by accident.
public struct ClusterKey: Sendable, Hashable, CustomStringConvertible {
    /// The key bytes (32).
    public let bytes: [UInt8]
    /// Wraps 32 key bytes.
    public init(bytes: [UInt8]) throws(ConfigurationError) {
        guard bytes.count == 32 else { throw .invalid("a cluster key has 32 bytes, not \(bytes.count)") }
        self.bytes = bytes
    }
    public var description: String { "ClusterKey(redacted)" }
}

/// Cryptographic primitives through OpenSSL's libcrypto. This file is the only Swift code that imports COpenSSL.
public enum Crypto {
    /// HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256(key: [UInt8], _ data: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        key.withUnsafeBytes { keyBytes in
            output.withUnsafeMutableBytes { out in
                _ = HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                    data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
            }
        }
        return output
    }

    /// SHA-256 of `data`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                _ = SHA256(
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self))
            }
        }
        return output
    }

    /// Cryptographically strong random bytes (for key generation).
    public static func randomBytes(_ count: Int) throws(ConfigurationError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        guard status == 1 else { throw .invalid("OpenSSL RAND_bytes failed") }
        return output
    }

    /// Constant-time equality of two byte ranges of the same length.
    public static func constantTimeEqual(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0
    }

    /// AES-256-GCM in place over `body` with a context already keyed, authenticating `aad`; writes (encrypt) or
    /// checks (decrypt) the 16-byte tag. Returns false on any failure.
    static func gcm(
        _ context: OpaquePointer, encrypt: Bool, nonce: [UInt8], aad: UnsafeRawBufferPointer,
        body: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) -> Bool {
        var length: Int32 = 0
        let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let aadPointer = aad.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return nonce.withUnsafeBytes { nonceBytes in
            let noncePointer = nonceBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            if encrypt {
                guard EVP_EncryptInit_ex(context, nil, nil, nil, noncePointer) == 1,
                    EVP_EncryptUpdate(context, nil, &length, aadPointer, Int32(aad.count)) == 1,
                    body.isEmpty || EVP_EncryptUpdate(context, base, &length, base, Int32(body.count)) == 1,
                    EVP_EncryptFinal_ex(context, nil, &length) == 1
                else { return false }
                return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, tag.baseAddress) == 1
            }
            guard EVP_DecryptInit_ex(context, nil, nil, nil, noncePointer) == 1,
                EVP_DecryptUpdate(context, nil, &length, aadPointer, Int32(aad.count)) == 1,
                body.isEmpty || EVP_DecryptUpdate(context, base, &length, base, Int32(body.count)) == 1,
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, tag.baseAddress) == 1
            else { return false }
            var scratch = (UInt64(0), UInt64(0))
            return withUnsafeMutableBytes(of: &scratch) {
                EVP_DecryptFinal_ex(context, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1
            }
        }
    }
}

/// An AES-256-GCM encryption and decryption context keyed once with a subkey (key expansion is the costly part).
/// `@unchecked Sendable`: a pair belongs to one (sender, incarnation, channel), and each channel is processed by
/// one thread (its plane); `PacketReader` refuses packets of the other channel before any cryptography.
final class CipherPair: @unchecked Sendable {
    let encryptor: OpaquePointer
    let decryptor: OpaquePointer

    init?(key: [UInt8]) {
        guard let encryptor = EVP_CIPHER_CTX_new() else { return nil }
        guard let decryptor = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_CTX_free(encryptor)
            return nil
        }
        self.encryptor = encryptor
        self.decryptor = decryptor
        let ok = key.withUnsafeBytes { bytes in
            let pointer = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return EVP_EncryptInit_ex(encryptor, EVP_aes_256_gcm(), nil, pointer, nil) == 1
                && EVP_DecryptInit_ex(decryptor, EVP_aes_256_gcm(), nil, pointer, nil) == 1
        }
        if !ok { return nil }
    }

    deinit {
        EVP_CIPHER_CTX_free(encryptor)
        EVP_CIPHER_CTX_free(decryptor)
    }
}

/// `PacketProtection` with OpenSSL: HMAC-SHA256 over header and body, or AES-256-GCM with the header as associated
/// data under a per-sender, per-incarnation, per-channel subkey (so nonces, the packet numbers, never repeat).
public final class OpenSSLPacketProtection: PacketProtection, @unchecked Sendable {
    // @unchecked: `keys`, `isEncrypting` and `activeKeyNumber` are immutable; the subkey cache is behind a Mutex.
    public let isEncrypting: Bool
    public let activeKeyNumber: UInt8
    private let keys: [UInt8: ClusterKey]
    private let subkeys = Mutex<[SubkeyName: CipherPair]>([:])

    private struct SubkeyName: Hashable {
        var key: UInt8
        var channel: UInt8
        var node: UInt32
        var incarnation: UInt64
    }

    /// Protects with key `activeKeyNumber` of `keys` and accepts any of `keys` (rollover).
    public init(keys: [UInt8: ClusterKey], activeKeyNumber: UInt8, encrypt: Bool) throws(ConfigurationError) {
        guard keys[activeKeyNumber] != nil else { throw .invalid("no key number \(activeKeyNumber)") }
        self.keys = keys
        self.activeKeyNumber = activeKeyNumber
        self.isEncrypting = encrypt
    }

    public var trailerLength: Int { isEncrypting ? 16 : 32 }

    public func seal(_ packet: inout ByteBuffer, header: PacketHeader) throws(PacketError) {
        guard let key = keys[header.keyNumber] else { throw .unknownKey(header.keyNumber) }
        if !isEncrypting {
            let mac = packet.withUnsafeReadableBytes { Crypto.hmacSHA256(key: key.bytes, $0) }
            packet.writeBytes(mac)
            return
        }
        guard let pair = self.cipher(key, number: header.keyNumber, header: header) else { throw .authenticationFailed }
        let nonce = Self.nonce(header.packetSequence)
        packet.writeRepeatingByte(0, count: 16)
        let ok = packet.withUnsafeMutableReadableBytes { bytes in
            let tagStart = bytes.count - 16
            return Crypto.gcm(
                pair.encryptor, encrypt: true, nonce: nonce, aad: UnsafeRawBufferPointer(rebasing: bytes[0..<PacketHeader.size]),
                body: UnsafeMutableRawBufferPointer(rebasing: bytes[PacketHeader.size..<tagStart]),
                tag: UnsafeMutableRawBufferPointer(rebasing: bytes[tagStart...]))
        }
        guard ok else { throw .authenticationFailed }
    }

    public func open(_ packet: ByteBuffer, header: PacketHeader) throws(PacketError) -> ByteBuffer {
        let bodyEnd = PacketHeader.size + Int(header.bodyLength)
        guard packet.readableBytes == bodyEnd + trailerLength else {
            throw .truncated(needed: bodyEnd + trailerLength, available: packet.readableBytes)
        }
        guard let key = keys[header.keyNumber] else { throw .unknownKey(header.keyNumber) }
        if !isEncrypting {
            let valid = packet.withUnsafeReadableBytes { bytes in
                let mac = Crypto.hmacSHA256(key: key.bytes, UnsafeRawBufferPointer(rebasing: bytes[0..<bodyEnd]))
                return mac.withUnsafeBytes { Crypto.constantTimeEqual($0, UnsafeRawBufferPointer(rebasing: bytes[bodyEnd...])) }
            }
            guard valid else { throw .authenticationFailed }
            return packet.getSlice(at: packet.readerIndex + PacketHeader.size, length: Int(header.bodyLength))
                ?? ByteBuffer()
        }
        guard let pair = self.cipher(key, number: header.keyNumber, header: header) else { throw .authenticationFailed }
        var copy = packet  // decrypts in place when the caller's buffer is not shared
        let ok = copy.withUnsafeMutableReadableBytes { bytes in
            Crypto.gcm(
                pair.decryptor, encrypt: false, nonce: Self.nonce(header.packetSequence),
                aad: UnsafeRawBufferPointer(rebasing: bytes[0..<PacketHeader.size]),
                body: UnsafeMutableRawBufferPointer(rebasing: bytes[PacketHeader.size..<bodyEnd]),
                tag: UnsafeMutableRawBufferPointer(rebasing: bytes[bodyEnd...]))
        }
        guard ok else { throw .authenticationFailed }
        return copy.getSlice(at: copy.readerIndex + PacketHeader.size, length: Int(header.bodyLength)) ?? ByteBuffer()
    }

    private static func nonce(_ sequence: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { nonce[index] = UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64(index))) }
        return nonce
    }

    /// The cipher contexts keyed with HMAC-SHA256(key, "LHA1 gcm" | channel | node | incarnation), cached; the
    /// cache is bounded against floods of forged headers.
    private func cipher(_ key: ClusterKey, number: UInt8, header: PacketHeader) -> CipherPair? {
        let name = SubkeyName(
            key: number, channel: header.channel.rawValue, node: header.sender.node.rawValue,
            incarnation: header.sender.incarnation.rawValue)
        if let cached = subkeys.withLock({ $0[name] }) { return cached }
        var label = Array("LHA1 gcm".utf8)
        label.append(name.channel)
        withUnsafeBytes(of: name.node.bigEndian) { label += $0 }
        withUnsafeBytes(of: name.incarnation.bigEndian) { label += $0 }
        let derived = label.withUnsafeBytes { Crypto.hmacSHA256(key: key.bytes, $0) }
        guard let pair = CipherPair(key: derived) else { return nil }
        subkeys.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[name] = pair
        }
        return pair
    }
}
