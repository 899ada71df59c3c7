import Glibc

/// Reading and durably writing whole files: the only place the CIB store touches the file system.
public enum CIBFileIO {
    /// Reads a whole file, refusing files over `limit` bytes.
    public static func read(_ path: String, limit: Int = CIBDocument.maximumBytes) throws(CIBStoreError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: describe(code))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: path, reason: describe(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "is a directory") }
        if Int(info.st_size) > limit {
            throw .corrupt(
                path: path, reason: "file is \(info.st_size) bytes, over the limit of \(limit) bytes",
                newestValidBackup: nil)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size) + 1)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: describe(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit {
                throw .corrupt(path: path, reason: "file is over the limit of \(limit) bytes", newestValidBackup: nil)
            }
        }
        return bytes
    }

    /// The permission bits of an existing file, nil when it cannot be stat'ed.
    public static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Whether a file exists.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory is
    /// written, fsync'ed and renamed over `path`, then the directory is fsync'ed. On any failure the
    /// old file is untouched and the temporary file removed.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(CIBStoreError) {
        let directory = CIBFileIO.directory(of: path)
        var template = Array((directory + "/.\(basename(of: path)).XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: describe(errno)) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        var offset = 0
        while offset < bytes.count, failure == nil {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno != EINTR { failure = describe(errno) }
            } else {
                offset += written
            }
        }
        if failure == nil, fchmod(descriptor, mode) != 0 { failure = describe(errno) }
        if failure == nil, fsync(descriptor) != 0 { failure = describe(errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = describe(errno) }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
        try syncDirectory(directory)
    }

    /// fsyncs a directory so a rename or link in it is durable.
    public static func syncDirectory(_ directory: String) throws(CIBStoreError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .writeFailed(path: directory, reason: describe(errno)) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .writeFailed(path: directory, reason: describe(errno)) }
    }

    /// The directory part of a path ("." when there is none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The text of an errno value.
    public static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
