import Foundation
import Messaging
import NIOCore
import Synchronization

/// Everything the data loop reacts to (ordered messaging and local clients), in one stream.
enum DaemonInput: Sendable {
    case datagram(AddressedEnvelope<ByteBuffer>)
    case clientConnected(UInt64, any Channel, credentials: PeerCredentials)
    case clientRequest(UInt64, ClientRequest)
    case clientMalformed(UInt64, String)
    case clientDisconnected(UInt64)
    case messagingTimer
    case viewAgreed(MembershipView)
    /// The membership loop heard from a node at this data address (its membership port minus one).
    case peerLearned(NodeID, SocketAddress)
    case stop
}

/// Everything the membership loop reacts to: its own socket, its timer, shutdown. Kept apart from the data
/// loop so a message flood never delays announces or rounds.
enum MembershipInput: Sendable {
    case datagram(AddressedEnvelope<ByteBuffer>)
    case timer
    case shutdownRequested
}

/// What the membership loop last decided, for the data loop's status answers.
struct MembershipSnapshot: Sendable {
    var view: MembershipView?
    var linkUp: Set<NodeID> = []
}

/// The snapshot shared between the two loops.
final class SnapshotBox: Sendable {
    let value = Mutex(MembershipSnapshot())
}

/// The process at the other end of a Unix socket, as the kernel reports it (SO_PEERCRED).
public struct PeerCredentials: Sendable, Hashable {
    /// Process id.
    public var pid: Int32
    /// User id.
    public var uid: UInt32
    /// Primary group id.
    public var gid: UInt32

    /// Reads the credentials of a connected Unix socket.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<KernelCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }

    /// Heartbeat's rule: root, the daemon's own user, or a member of the cluster group may connect.
    func isAllowed(clusterGroup: String) -> Bool {
        if uid == 0 || uid == geteuid() { return true }
        guard let group = getgrnam(clusterGroup) else { return false }
        let gid = group.pointee.gr_gid
        if self.gid == gid { return true }
        guard let user = getpwuid(uid), let name = user.pointee.pw_name else { return false }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: 64)
        guard getgrouplist(name, self.gid, &groups, &count) >= 0 else { return false }
        return groups.prefix(Int(count)).contains(gid)
    }
}

/// Linux's `struct ucred` (pid, uid, gid as three 32-bit fields), which Glibc's module does not export.
struct KernelCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Forwards every datagram to a run loop; decoding happens there.
final class DatagramForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let forward: @Sendable (AddressedEnvelope<ByteBuffer>) -> Void

    init(_ forward: @escaping @Sendable (AddressedEnvelope<ByteBuffer>) -> Void) { self.forward = forward }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        forward(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar are normal while peers are down; keep reading.
    }
}

/// Frames a client connection: length-prefixed request bodies in, events out (already framed by the daemon).
final class ClientConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: `buffer` is only touched on the channel's event loop, as NIO guarantees for handler callbacks.
    typealias InboundIn = ByteBuffer
    let id: UInt64
    let sink: AsyncStream<DaemonInput>.Continuation
    let statusSource: StatusSource
    private var buffer = ByteBuffer()

    init(id: UInt64, sink: AsyncStream<DaemonInput>.Continuation, statusSource: StatusSource) {
        self.id = id
        self.sink = sink
        self.statusSource = statusSource
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
            while var body = try ClientFraming.nextBody(from: &buffer) {
                let request = try ClientRequest.decode(&body)
                switch request {
                case .queryStatus, .hello:
                    // Answered here from the membership snapshot, so status never waits behind a flood.
                    let event = ClientEvent.status(statusSource.status)
                    context.writeAndFlush(NIOAny(ClientFraming.frame(event.encoded)), promise: nil)
                    if case .hello = request { sink.yield(.clientRequest(id, request)) }
                default:
                    sink.yield(.clientRequest(id, request))
                }
            }
            buffer.discardReadBytes()
        } catch {
            sink.yield(.clientMalformed(id, "\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink.yield(.clientDisconnected(id))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
