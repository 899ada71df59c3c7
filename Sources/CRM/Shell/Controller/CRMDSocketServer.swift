import Glibc
import NIOCore
import NIOPosix
import ResourceAgents

/// Who sent a request over the crmd socket.
public struct CRMDPeer: Sendable, Hashable {
    /// The peer's user name (its uid when it has no name).
    public var user: String
    /// Root or the daemon's own user: may act as another user (`CIB_user`) and bypasses nothing else.
    public var isPrivileged: Bool

    /// Names a peer.
    public init(user: String, isPrivileged: Bool) {
        self.user = user
        self.isPrivileged = isPrivileged
    }
}

/// The crmd's Unix socket (`<run-dir>/crmd.sock`, mode 0660): checks each peer's credentials (root, the
/// daemon's user or the `haclient` group, as heartbeat and lrmd do), reads framed `CRMDRequest`s and hands
/// them to `handle` with a reply function that may be called later from any thread.
public final class CRMDSocketServer: Sendable {
    let channel: any Channel
    let path: String

    init(channel: any Channel, path: String) {
        self.channel = channel
        self.path = path
    }

    /// Binds the socket (replacing a stale file) and serves until `close()`.
    public static func start(
        path: String, policy: PeerPolicy = .standard(),
        handle: @escaping @Sendable (CRMDRequest, CRMDPeer, @escaping @Sendable (CRMDResponse) -> Void) -> Void,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> CRMDSocketServer {
        unlink(path)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        CRMDConnectionHandler(policy: policy, handle: handle, log: log))
                }
            }
            .bind(unixDomainSocketPath: path).get()
        chmod(path, 0o660)
        return CRMDSocketServer(channel: channel, path: path)
    }

    /// Stops listening and removes the socket file.
    public func close() async {
        try? await channel.close()
        unlink(path)
    }
}

/// One client connection: credentials first, then frames in and framed answers out.
final class CRMDConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let policy: PeerPolicy
    let handle: @Sendable (CRMDRequest, CRMDPeer, @escaping @Sendable (CRMDResponse) -> Void) -> Void
    let log: @Sendable (String) -> Void
    var peer: CRMDPeer?
    var isRefused = false
    var buffer = ByteBuffer()
    var waiting: [ByteBuffer] = []

    init(
        policy: PeerPolicy,
        handle: @escaping @Sendable (CRMDRequest, CRMDPeer, @escaping @Sendable (CRMDResponse) -> Void) -> Void,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.policy = policy
        self.handle = handle
        self.log = log
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let policy = policy
        PeerCredentials.of(channel).whenComplete { result in
            let handler = bound.value
            guard case .success(let credentials) = result, policy.allows(credentials) else {
                handler.log("crmd refused a client: \(result)")
                handler.isRefused = true
                channel.close(promise: nil)
                return
            }
            handler.peer = CRMDPeer(
                user: Self.userName(credentials.uid),
                isPrivileged: credentials.uid == 0 || credentials.uid == geteuid())
            handler.process(channel)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isRefused else { return }
        var chunk = unwrapInboundIn(data)
        buffer.writeBuffer(&chunk)
        process(context.channel)
    }

    private func process(_ channel: any Channel) {
        guard let peer else { return }
        while true {
            let body: ByteBuffer?
            do {
                body = try CRMDWire.nextBody(from: &buffer)
            } catch {
                log("crmd: bad frame from \(peer.user): \(error)")
                channel.close(promise: nil)
                return
            }
            guard let body else { break }
            let reply: @Sendable (CRMDResponse) -> Void = { response in
                channel.writeAndFlush(CRMDWire.frame(CRMDWire.encode(response)), promise: nil)
            }
            do {
                handle(try CRMDWire.decodeRequest(body), peer, reply)
            } catch {
                reply(.failure(exitCode: Int(CRMExitCode.protocolViolation.rawValue), message: "malformed request: \(error)"))
            }
        }
        buffer.discardReadBytes()
    }

    static func userName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return uid == 0 ? "root" : "\(uid)" }
        return String(cString: name)
    }
}
