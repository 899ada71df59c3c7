import Glibc
import XML

/// A CIB directory as Pacemaker lays it out: `cib.xml` + `cib.xml.sig` (its on-disk digest),
/// numbered backups `cib-N.raw` + `cib-N.raw.sig`, and `cib.last` holding the newest backup number.
///
/// Writes are durable (temporary file, fsync, rename, fsync of the directory) and never start when
/// the current `cib.xml` fails its digest. Loads verify the digest and refuse a truncated, edited
/// or unparsable file, naming the newest backup that does verify.
public struct CIBDirectory: Sendable {
    /// The directory, e.g. `/var/lib/pacemaker/cib`.
    public let path: String
    /// How many numbered backups to keep before wrapping (Pacemaker: 100).
    public var backupCount: Int
    /// The largest `cib.xml` accepted.
    public var maximumBytes: Int

    /// A directory store; nothing is touched until `load` or `save`.
    public init(path: String, backupCount: Int = 100, maximumBytes: Int = CIBDocument.maximumBytes) {
        precondition(backupCount >= 0, "backupCount must not be negative, got \(backupCount)")
        self.path = path
        self.backupCount = backupCount
        self.maximumBytes = maximumBytes
    }

    /// `cib.xml`'s path.
    public var cibPath: String { path + "/cib.xml" }
    private var signaturePath: String { cibPath + ".sig" }
    private var lastPath: String { path + "/cib.last" }
    private func backupPath(_ number: Int) -> String { path + "/cib-\(number).raw" }

    /// Whether `cib.xml` exists.
    public var exists: Bool { CIBFileIO.exists(cibPath) }

    /// Loads and verifies `cib.xml`.
    public func load() throws(CIBStoreError) -> CIBDocument {
        do {
            return try verifiedDocument(at: cibPath)
        } catch .corrupt(let file, let reason, _) {
            throw .corrupt(path: file, reason: reason, newestValidBackup: newestValidBackup())
        } catch .digestMismatch(let file, let expected, let actual, _) {
            throw .digestMismatch(
                path: file, expected: expected, actual: actual, newestValidBackup: newestValidBackup())
        }
    }

    /// Loads a CIB file and checks it against `<file>.sig`.
    func verifiedDocument(at file: String) throws(CIBStoreError) -> CIBDocument {
        let document = try CIBDocument.load(file: file, maximumBytes: maximumBytes)
        let expected: String
        do {
            expected = String(decoding: try CIBFileIO.read(file + ".sig", limit: 1024), as: UTF8.self)
                .trimmingCharacters(in: " \n\r\t")
        } catch .notFound {
            throw .digestMismatch(
                path: file, expected: "(no .sig file)", actual: CIBDigest.onDisk(document.root),
                newestValidBackup: nil)
        }
        let actual = CIBDigest.onDisk(document.root)
        guard actual == expected else {
            throw .digestMismatch(path: file, expected: expected, actual: actual, newestValidBackup: nil)
        }
        return document
    }

    /// The path of the newest backup that parses and matches its digest, nil when none does.
    public func newestValidBackup() -> String? {
        guard backupCount > 0 else { return nil }
        let last = lastBackupNumber() ?? (backupCount - 1)
        for step in 0..<backupCount {
            let number = ((last - step) % backupCount + backupCount) % backupCount
            let candidate = backupPath(number)
            guard CIBFileIO.exists(candidate) else { continue }
            if (try? verifiedDocument(at: candidate)) != nil { return candidate }
        }
        return nil
    }

    private func lastBackupNumber() -> Int? {
        guard let bytes = try? CIBFileIO.read(lastPath, limit: 64) else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: " \n\r\t"))
    }

    /// Saves `document` as the new `cib.xml`, first backing up the current one.
    ///
    /// As Pacemaker does, the stored copy has no `<status>`, `num_updates="0"` and
    /// `cib-last-written` set to `writtenAt`.
    /// - Throws: `digestMismatch` when the current `cib.xml` was altered behind our back (nothing is
    ///   written then), `writeFailed` on I/O errors (the previous `cib.xml` stays in place).
    /// With `keepingStatus` (the crmd's replica, whose only writer is the crmd) the copy is stored exactly as
    /// given, status and `num_updates` included, the current file is not read back first, and it is backed up
    /// only when `backingUp` is set.
    public func save(
        _ document: CIBDocument, writtenAt: String, keepingStatus: Bool = false, backingUp: Bool = true
    ) throws(CIBStoreError) {
        try ensureDirectory()
        if exists {
            if !keepingStatus { _ = try verifiedDocument(at: cibPath) }
            if backingUp { try backUpCurrent() }
        }
        let copy = document.xml.copy()
        if !keepingStatus {
            copy.root.firstChild(named: "status")?.remove()
            try? copy.root.setAttribute("num_updates", "0")
        }
        try? copy.root.setAttribute("cib-last-written", writtenAt)
        let digest = CIBDigest.onDisk(copy.root)
        try CIBFileIO.writeAtomically(Array(copy.serialized(pretty: true).utf8), to: cibPath)
        try CIBFileIO.writeAtomically(Array(digest.utf8), to: signaturePath)
    }

    /// Writes `text`, the compact serialization of a `<cib>`, as `cib.xml` with its digest, without parsing
    /// it (the crmd's replica: exactly the copy it holds, status included). Backs up the current file first
    /// when `backingUp` is set; never reads it back.
    public func save(serialized text: String, backingUp: Bool) throws(CIBStoreError) {
        try ensureDirectory()
        if exists && backingUp { try backUpCurrent() }
        try CIBFileIO.writeAtomically(Array(text.utf8), to: cibPath)
        try CIBFileIO.writeAtomically(Array(CIBDigest.onDisk(serialized: text).utf8), to: signaturePath)
    }

    private func ensureDirectory() throws(CIBStoreError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .writeFailed(path: path, reason: "not a directory")
            }
            guard access(path, W_OK | X_OK) == 0 else {
                throw .writeFailed(path: path, reason: CIBFileIO.describe(errno))
            }
            return
        }
        guard mkdir(path, 0o750) == 0 else { throw .writeFailed(path: path, reason: CIBFileIO.describe(errno)) }
    }

    private func backUpCurrent() throws(CIBStoreError) {
        guard backupCount > 0 else { return }
        let number = ((lastBackupNumber() ?? -1) + 1) % backupCount
        let target = backupPath(number)
        for (source, destination) in [(cibPath, target), (signaturePath, target + ".sig")] {
            unlink(destination)
            guard link(source, destination) == 0 else {
                throw .writeFailed(path: destination, reason: CIBFileIO.describe(errno))
            }
        }
        try CIBFileIO.writeAtomically(Array("\(number)\n".utf8), to: lastPath)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var result = Substring(self)
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
