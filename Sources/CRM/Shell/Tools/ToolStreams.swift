import Glibc

/// Unbuffered writes to stdout and stderr for tools (no Foundation needed).
public enum ToolStreams {
    /// Writes `text` to standard output.
    public static func writeOut(_ text: String) { write(text, to: 1) }

    /// Writes `text` to standard error.
    public static func writeError(_ text: String) { write(text, to: 2) }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Reads all of standard input (up to `limit` bytes; nil when over it).
    public static func readStandardInput(limit: Int = CIBDocument.maximumBytes) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return bytes
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { return nil }
        }
    }
}
