import Glibc
import Messaging
import XML

/// The crmd's replica on disk: `<state-dir>/cib/` laid out as `CIBDirectory` (`cib.xml` + `cib.xml.sig`,
/// backups when the configuration changed), the copy stored whole (status and `num_updates` included, so a
/// restart votes with exactly what it acknowledged), and the lineage in the side file `cib.lineage`. Every
/// write is a temporary file, fsync, rename and directory fsync; the CIB is written before the lineage, so a
/// crash in between under-claims (safe) and never over-claims.
public struct CIBReplicaStore: Sendable {
    /// The CIB directory.
    public let directory: CIBDirectory

    /// The store under `stateDirectory/cib`.
    public init(stateDirectory: String, backupCount: Int = 20) {
        directory = CIBDirectory(path: stateDirectory + "/cib", backupCount: backupCount)
    }

    /// The lineage side file.
    public var lineagePath: String { directory.path + "/cib.lineage" }

    /// The stored replica, or an empty CIB with the initial lineage when none was ever written. A `cib.xml`
    /// without a lineage file (one an administrator put there) loads with the initial lineage.
    public func load() throws(CIBStoreError) -> (cib: CIBDocument, lineage: CIBLineage) {
        guard directory.exists else {
            if CIBFileIO.exists(lineagePath) {
                throw .corrupt(
                    path: directory.cibPath, reason: "missing while \(lineagePath) exists", newestValidBackup: nil)
            }
            return (CIBDocument.empty(), .initial)
        }
        let lineage = try storedLineage()
        do {
            return (try directory.load(), lineage)
        } catch .digestMismatch(let path, let expected, let actual, let backup) {
            // A kill -9 between a write's two renames (cib.xml, then cib.xml.sig) leaves a complete new
            // cib.xml beside the previous signature, and the lineage (written last) older still. Such a file
            // parses and is at least as new as the lineage: keep it and sign it again. Anything else (an older
            // or unparsable file) is refused as before.
            guard let recovered = recoverInterruptedWrite(atLeast: lineage) else {
                throw .digestMismatch(path: path, expected: expected, actual: actual, newestValidBackup: backup)
            }
            return (recovered, lineage)
        }
    }

    /// The lineage side file's content, the initial lineage when there is none.
    private func storedLineage() throws(CIBStoreError) -> CIBLineage {
        guard CIBFileIO.exists(lineagePath) else { return .initial }
        let text = String(decoding: try CIBFileIO.read(lineagePath, limit: 4096), as: UTF8.self)
        guard let lineage = Self.parseLineage(text) else {
            throw .corrupt(path: lineagePath, reason: "not a lineage line: '\(text.prefix(80))'", newestValidBackup: nil)
        }
        return lineage
    }

    /// `cib.xml` re-signed when it parses and its version is not older than `lineage`'s; nil otherwise.
    private func recoverInterruptedWrite(atLeast lineage: CIBLineage) -> CIBDocument? {
        guard let document = try? CIBDocument.load(file: directory.cibPath, maximumBytes: directory.maximumBytes) else {
            return nil
        }
        let version = document.version
        let floor = lineage.version
        guard (version.adminEpoch, version.epoch, version.numUpdates) >= (floor.adminEpoch, floor.epoch, floor.numUpdates)
        else { return nil }
        let digest = CIBDigest.onDisk(document.root)
        guard (try? CIBFileIO.writeAtomically(Array(digest.utf8), to: directory.cibPath + ".sig")) != nil else { return nil }
        return document
    }

    /// Writes a replica durably; backs up the previous `cib.xml` when the configuration version moved.
    /// `snapshot` is the compact serialization of a `<cib>` (`XMLReplicatedCIB.snapshot()`); with its
    /// `version` given it is written as it is, without parsing it again (what the crmd does for every write).
    @discardableResult
    public func save(snapshot: String, lineage: CIBLineage, previous: CIBVersion?, version known: CIBVersion? = nil)
        throws(CIBStoreError) -> CIBVersion
    {
        let parent = CIBFileIO.directory(of: directory.path)
        if mkdir(parent, 0o750) != 0 && errno != EEXIST {
            throw .writeFailed(path: parent, reason: CIBFileIO.describe(errno))
        }
        let version: CIBVersion
        if let known {
            version = known
        } else {
            do {
                version = try CIBDocument.parse(Array(snapshot.utf8), source: "<replica>").version
            } catch {
                throw .corrupt(
                    path: directory.cibPath, reason: "the replica to write does not parse: \(error)", newestValidBackup: nil)
            }
        }
        let configurationMoved = previous.map { ($0.adminEpoch, $0.epoch) != (version.adminEpoch, version.epoch) } ?? true
        try directory.save(serialized: snapshot, backingUp: configurationMoved)
        try CIBFileIO.writeAtomically(Array(Self.format(lineage).utf8), to: lineagePath)
        return version
    }

    /// `term=<view id> admin_epoch=<a> epoch=<e> num_updates=<n>`.
    public static func format(_ lineage: CIBLineage) -> String {
        let version = lineage.version
        return "term=\(lineage.term.rawValue) admin_epoch=\(version.adminEpoch) epoch=\(version.epoch) "
            + "num_updates=\(version.numUpdates)\n"
    }

    /// Reads `format`'s output; nil when a field is missing or not a number.
    public static func parseLineage(_ text: String) -> CIBLineage? {
        var fields: [String: String] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = word.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            fields[String(parts[0])] = String(parts[1])
        }
        guard let term = fields["term"].flatMap({ UInt64($0) }), let admin = fields["admin_epoch"].flatMap({ Int($0) }),
            let epoch = fields["epoch"].flatMap({ Int($0) }), let updates = fields["num_updates"].flatMap({ Int($0) })
        else { return nil }
        return CIBLineage(term: ViewID(term), version: CIBVersion(adminEpoch: admin, epoch: epoch, numUpdates: updates))
    }

    /// `cib-last-written` as Pacemaker writes it (`Wed Nov 25 02:08:29 2026`).
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %e %H:%M:%S %Y", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
