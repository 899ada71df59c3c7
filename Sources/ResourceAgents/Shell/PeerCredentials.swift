import Glibc
import NIOCore

/// Who is on the other end of a Unix socket, from `SO_PEERCRED`.
public struct PeerCredentials: Sendable, Hashable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Reads the credentials of a connected Unix-socket channel.
    public static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(PeerCredentialsError.unavailable)
        }
        let future: EventLoopFuture<RawCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(peerCredentialsOption))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }
}

/// Who may use lrmd: root, our own user, and members (by primary group) of the cluster group.
public struct PeerPolicy: Sendable, Hashable {
    /// The user ids always allowed (root and the daemon's own user).
    public var allowedUsers: Set<UInt32>
    /// The group whose members are allowed (`haclient`), if it exists.
    public var allowedGroup: UInt32?

    /// Root, the current effective user and the group `groupName` if it exists.
    public static func standard(groupName: String = "haclient") -> PeerPolicy {
        PeerPolicy(allowedUsers: [0, geteuid()], allowedGroup: getgrnam(groupName).map { $0.pointee.gr_gid })
    }

    /// Whether the peer may connect.
    public func allows(_ peer: PeerCredentials) -> Bool {
        allowedUsers.contains(peer.uid) || (allowedGroup != nil && allowedGroup == peer.gid)
    }
}

/// Linux's `struct ucred` (pid, uid, gid: three 32-bit fields), which Swift's Glibc module does not export.
struct RawCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// `SO_PEERCRED` on Linux.
let peerCredentialsOption: Int32 = 17

enum PeerCredentialsError: Error {
    case unavailable
}
