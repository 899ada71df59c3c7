import Glibc

/// Reads and writes authkeys files: refuses files group or others can read, writes with fsync and atomic rename.
public enum AuthKeysFile {
    /// Loads `path` and derives the cluster keys (see `clusterKey(for:)`).
    public static func load(path: String) throws(AuthKeysError) -> (keys: [UInt8: ClusterKey], active: UInt8) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        guard status.st_mode & 0o077 == 0 else { throw .unsafePermissions(path: path, mode: status.st_mode & 0o7777) }
        let text = try readText(path)
        let parsed = try AuthKeys.parse(text, path: path)
        var keys: [UInt8: ClusterKey] = [:]
        for (number, entry) in parsed.entries { keys[number] = clusterKey(for: entry) }
        return (keys, parsed.activeKeyNumber)
    }

    /// The documented mapping from a key line to the 32-byte cluster key:
    /// SHA-256("linux-ha-swift authkeys v1" 0x00 method 0x00 secret).
    public static func clusterKey(for entry: AuthKeys.Entry) -> ClusterKey {
        let material = Array("linux-ha-swift authkeys v1".utf8) + [0] + Array(entry.method.utf8) + [0]
            + Array(entry.secret.utf8)
        // 32 bytes by construction, so this cannot fail.
        return (try? ClusterKey(bytes: Crypto.sha256(material)))!
    }

    /// A new random secret: 32 bytes from OpenSSL's generator, as 64 hex digits.
    public static func generateSecret() throws(ConfigurationError) -> String {
        try Crypto.randomBytes(32).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }

    /// Writes `keys` to `path` with mode 0600: a temporary file, fsync, rename, fsync of the directory.
    public static func write(_ keys: AuthKeys, to path: String) throws(AuthKeysError) {
        let temporary = path + ".tmp.\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(keys.fileText.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, reason: "cannot write: \(reason)")
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let directoryDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// The whole file as UTF-8 (authkeys files are small; larger than 1 MiB is refused).
    private static func readText(_ path: String) throws(AuthKeysError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .io(path: path, reason: "cannot read: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += chunk[..<count]
            guard bytes.count <= 1 << 20 else { throw .io(path: path, reason: "larger than 1 MiB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .io(path: path, reason: "not UTF-8 text")
        }
        return text
    }
}
