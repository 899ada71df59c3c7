import XML

/// Why a CIB could not be loaded from or saved to disk.
public enum CIBStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case notFound(path: String)
    /// The file or directory exists but cannot be read (permissions, I/O error, …).
    case unreadable(path: String, reason: String)
    /// Writing failed (disk full, read-only file system, …); the stored CIB is unchanged.
    case writeFailed(path: String, reason: String)
    /// The file is not a well-formed CIB; `newestValidBackup` names a backup that loads, if any.
    case corrupt(path: String, reason: String, newestValidBackup: String?)
    /// The file does not match its digest (truncated or edited by hand).
    case digestMismatch(path: String, expected: String, actual: String, newestValidBackup: String?)
    /// No crmd answers on the local socket (Pacemaker: "Transport endpoint is not connected").
    case noLiveCluster
    /// A shadow copy name is unusable or the shadow does not exist.
    case shadow(String)

    /// The exit code a tool returns for this error.
    public var exitCode: CRMExitCode {
        switch self {
        case .notFound: return .noSuchObject
        case .unreadable: return .noInput
        case .writeFailed: return .cannotCreate
        case .corrupt: return .dataError
        case .digestMismatch: return .digest
        case .noLiveCluster: return .disconnect
        case .shadow: return .noSuchObject
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): cannot write: \(reason); the stored CIB is unchanged"
        case .corrupt(let path, let reason, let backup):
            return "\(path): refusing to load a corrupt CIB: \(reason)" + CIBStoreError.backupHint(backup)
        case .digestMismatch(let path, let expected, let actual, let backup):
            return "\(path): digest mismatch (expected \(expected), found \(actual)): the file was truncated or edited"
                + CIBStoreError.backupHint(backup)
        case .noLiveCluster:
            return "Transport endpoint is not connected"
        case .shadow(let why): return why
        }
    }

    private static func backupHint(_ backup: String?) -> String {
        guard let backup else { return "; no valid backup found" }
        return "; the newest valid backup is \(backup)"
    }
}
