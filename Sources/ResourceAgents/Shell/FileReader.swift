import Glibc

/// Reads small files whole, bounded, without Foundation.
public enum FileReader {
    /// The file's text, or nil if it cannot be read or is larger than `maximumBytes`.
    public static func read(_ path: String, maximumBytes: Int = 16 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            guard bytes.count <= maximumBytes else { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
