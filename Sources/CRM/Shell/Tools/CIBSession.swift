import Glibc
import XML

/// Where a tool's CIB lives, chosen from the environment exactly as Pacemaker's tools choose it.
public enum CIBLocation: Equatable, Sendable {
    /// `CIB_file=PATH`: a plain CIB file, read on connect and written back after each change.
    case file(path: String)
    /// `CIB_shadow=NAME`: the shadow copy `<CIB_shadow_dir>/shadow.NAME` (takes precedence over CIB_file).
    case shadow(name: String, path: String)
    /// Neither variable set: the live cluster, through the local crmd's socket.
    case live

    /// Resolves the location from environment variables (`CIB_shadow` first, then `CIB_file`).
    public static func resolve(_ environment: [String: String]) -> CIBLocation {
        if let name = environment["CIB_shadow"], !name.isEmpty {
            return .shadow(name: name, path: CIBShadow.path(for: name, environment: environment))
        }
        if let path = environment["CIB_file"], !path.isEmpty { return .file(path: path) }
        return .live
    }

    /// The file behind the location, nil for the live cluster.
    public var path: String? {
        switch self {
        case .file(let path): return path
        case .shadow(_, let path): return path
        case .live: return nil
        }
    }
}

/// A tool's connection to a CIB: loads it from its location, runs queries and edits as the
/// requesting user, and writes every successful change back atomically.
public final class CIBSession {
    /// Where the CIB was loaded from.
    public let location: CIBLocation
    /// The ACL identity: `CIB_user`, else the effective user.
    public let user: String
    /// The user's Unix groups, for `acl_group` entries.
    public let groups: [String]
    /// The CIB as loaded and edited so far (for the live cluster: as the crmd showed it to this user, refreshed
    /// after each change).
    public internal(set) var document: CIBDocument
    /// The crmd connection of a live session.
    let crmd: CRMDClient?
    /// `CIB_user` as given (the crmd honours it only for root and its own user).
    let requestedUser: String?

    /// Opens the CIB the environment names: a file, a shadow, or without either the live cluster through
    /// `<HA_RUN_DIR>/crmd.sock`.
    /// - Throws: `CIBStoreError.noLiveCluster` when no crmd answers there; load errors otherwise.
    public init(
        environment: [String: String] = CIBSession.processEnvironment(), validator: (any CIBValidator)? = nil
    ) throws(CIBStoreError) {
        let location = CIBLocation.resolve(environment)
        self.location = location
        self.requestedUser = environment["CIB_user"].flatMap { $0.isEmpty ? nil : $0 }
        self.user = requestedUser ?? CIBSession.effectiveUser()
        self.groups = CIBSession.groups(of: user)
        guard let path = location.path else {
            let crmd = try Self.connect(environment)
            self.crmd = crmd
            self.document = try Self.fetch(from: crmd, user: requestedUser)
            self.document.validator = validator
            return
        }
        self.crmd = nil
        if path == "-" { throw .unreadable(path: "-", reason: "CIB_file=- (stdin) is not supported; name a file") }
        self.document = try CIBDocument.load(file: path, maximumBytes: CIBSession.maximumBytes(environment))
        self.document.validator = validator
    }

    /// Runs a query as the session's user.
    public func query(_ target: CIBTarget) throws(CIBError) -> [XMLElement] {
        if let crmd { return try liveQuery(target, crmd) }
        return try document.query(target, user: user, groups: groups)
    }

    /// Applies an edit as the session's user and, when it changed something, writes the file back (for the
    /// live cluster: sends it to the crmd and returns once the DC has it durable on a quorum of nodes).
    @discardableResult
    public func apply(_ request: CIBRequest) throws(CIBSessionError) -> CIBUpdateResult {
        if let crmd { return try liveApply(request, crmd) }
        let result: CIBUpdateResult
        do {
            result = try document.apply(request, user: user, groups: groups)
        } catch {
            throw .cib(error)
        }
        if result.isChanged, let path = location.path {
            do {
                try CIBFileIO.writeAtomically(
                    Array(document.xml.serialized(pretty: true).utf8), to: path, mode: CIBFileIO.mode(of: path) ?? 0o600
                )
            } catch {
                throw .store(error)
            }
        }
        return result
    }

    /// The size limit for CIBs and XML input: `HA_CIB_MAX_BYTES` when set (to lower it, e.g. in
    /// tests), else `CIBDocument.maximumBytes` (256 MiB).
    public static func maximumBytes(_ environment: [String: String]) -> Int {
        environment["HA_CIB_MAX_BYTES"].flatMap { Int($0) }.map { max(0, $0) } ?? CIBDocument.maximumBytes
    }

    /// The process environment as a dictionary.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// The names of the Unix groups `user` belongs to (empty when the user is unknown).
    public static func groups(of user: String) -> [String] {
        guard let entry = getpwnam(user) else { return [] }
        let primary = entry.pointee.pw_gid
        var count: Int32 = 64
        var ids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &ids, &count) < 0 {
            ids = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, primary, &ids, &count) >= 0 else { return [] }
        }
        return ids.prefix(Int(count)).compactMap { id in
            guard let group = getgrgid(id), let name = group.pointee.gr_name else { return nil }
            return String(cString: name)
        }.sorted()
    }

    /// The name of the effective user (`root` when it cannot be looked up and the uid is 0).
    public static func effectiveUser() -> String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
        return uid == 0 ? "root" : String(uid)
    }
}

/// A failure of a session edit: the edit was refused, or it could not be written.
public enum CIBSessionError: Error, CustomStringConvertible {
    case cib(CIBError)
    case store(CIBStoreError)
    /// The live cluster refused or could not complete the edit, with Pacemaker's exit code for the reason.
    case cluster(CRMExitCode, String)

    /// The exit code a tool returns.
    public var exitCode: CRMExitCode {
        switch self {
        case .cib(let error): return error.exitCode
        case .store(let error): return error.exitCode
        case .cluster(let code, _): return code
        }
    }

    public var description: String {
        switch self {
        case .cib(let error): return error.description
        case .store(let error): return error.description
        case .cluster(_, let message): return message
        }
    }
}
