import Foundation
import Logging
import Messaging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Why the daemon could not start or had to stop.
public enum HeartbeatDaemonError: Error, CustomStringConvertible {
    /// The configuration cannot be run (this node is not listed, a medium is unsupported, ...).
    case configuration(String)
    /// A promise could not be kept (the epoch could not be stored).
    case fatal(String)

    public var description: String {
        switch self {
        case .configuration(let reason): "configuration: \(reason)"
        case .fatal(let reason): reason
        }
    }
}

/// The heartbeat daemon of one node: messaging, membership and quorum over UDP, and the local client socket.
/// A `Service`: SIGTERM makes the node leave the cluster gracefully, then `run()` returns.
public final class HeartbeatDaemon: Service {
    /// The control-frame channel Membership's messages travel on.
    static let membershipChannel: UInt8 = 1
    /// The group allowed to use the client socket besides root (Heartbeat's and Pacemaker's).
    public static let clusterGroup = "haclient"

    /// The parsed ha.cf.
    public let configuration: HeartbeatConfiguration
    /// Where files live.
    public let directories: HADirectories
    /// This node's entry in ha.cf.
    public let local: HeartbeatConfiguration.Node
    /// This run's incarnation.
    public let incarnation: Incarnation
    private let protection: any PacketProtection
    private let logger: Logger
    private let media: HeartbeatMedia

    /// Prepares a daemon; checks that this node is listed and resolves its media (`mcast`/`bcast` interfaces).
    public init(
        configuration: HeartbeatConfiguration, directories: HADirectories, localNodeName: String,
        protection: any PacketProtection, incarnation: Incarnation, logger: Logger
    ) throws(HeartbeatDaemonError) {
        guard let local = configuration.node(named: localNodeName) else {
            throw .configuration("this node '\(localNodeName)' is not listed in \(directories.haCF) (set nodename)")
        }
        media = try HeartbeatMedia.resolve(configuration, local: local)
        self.configuration = configuration
        self.directories = directories
        self.local = local
        self.incarnation = incarnation
        self.protection = protection
        self.logger = logger
    }

    /// An incarnation from the wall clock in nanoseconds: larger on every restart.
    public static func freshIncarnation() -> Incarnation {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Incarnation(UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec))
    }

    /// Runs until SIGTERM (graceful leave) or a fatal error. Two loops: membership (its own socket on the data
    /// port + 1) and data (ordered messaging and local clients), so a flood never delays membership.
    public func run() async throws {
        try directories.createRuntimeDirectories()
        let (dataStream, dataSink) = AsyncStream.makeStream(of: DaemonInput.self, bufferingPolicy: .unbounded)
        let (membershipStream, membershipSink) = AsyncStream.makeStream(
            of: MembershipInput.self, bufferingPolicy: .unbounded)
        let dataSocket = try await bindUDP(port: configuration.udpPort) { dataSink.yield(.datagram($0)) }
        let membershipSocket = try await bindUDP(port: configuration.udpPort + 1) { membershipSink.yield(.datagram($0)) }
        try await media.configure(membershipSocket)
        let snapshot = SnapshotBox()
        let quorum = Quorum(options: configuration.quorum, configuredVotes: configuration.configuredVotes)
        let statusSource = StatusSource(
            configuration: configuration, local: MemberInfo(member: member, name: local.name), quorum: quorum,
            snapshot: snapshot)
        let server = try await bindClientSocket(sink: dataSink, statusSource: statusSource)
        try DurableFile.write("\(getpid())\n", to: directories.heartbeatPIDFile)
        var membership = try makeMembershipLoop(udp: membershipSocket, dataSink: dataSink, snapshot: snapshot)
        let data = try makeDataLoop(udp: dataSocket, snapshot: snapshot)
        logger.info(
            "heartbeat started",
            metadata: ["node": "\(local.name)", "member": "\(data.local.member)", "socket": "\(directories.heartbeatSocket)"])
        membership.start()
        let fatal = await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await Self.tick(every: .milliseconds(5)) { dataSink.yield(.messagingTimer) } }
            group.addTask { try await Self.tick(every: .milliseconds(5)) { membershipSink.yield(.timer) } }
            group.addTask { [data] in
                var data = data
                for await input in dataStream {
                    data.handle(input)
                    if data.isStopped { break }
                }
                return nil
            }
            let fatal: String? = await withGracefulShutdownHandler {
                for await input in membershipStream {
                    membership.handle(input)
                    if membership.hasLeft || membership.fatalError != nil { break }
                }
                return membership.fatalError
            } onGracefulShutdown: {
                membershipSink.yield(.shutdownRequested)
            }
            dataSink.yield(.stop)
            group.cancelAll()
            return fatal
        }
        dataSink.finish()
        membershipSink.finish()
        try? await server.close()
        try? await dataSocket.close()
        try? await membershipSocket.close()
        unlink(directories.heartbeatSocket)
        unlink(directories.heartbeatPIDFile)
        if let fatal { throw HeartbeatDaemonError.fatal(fatal) }
        logger.info("heartbeat stopped", metadata: ["node": "\(local.name)"])
    }

    private static func tick(every interval: Duration, _ fire: @Sendable () -> Void) async throws -> String? {
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            fire()
        }
        return nil
    }

    private var member: Member { Member(node: local.id, incarnation: incarnation) }

    private func peerAddresses(port: Int) throws -> (nodes: [NodeID: SocketAddress], extra: [SocketAddress]) {
        var addresses: [NodeID: SocketAddress] = [:]
        for node in configuration.nodes where node.id != local.id {
            if let address = node.address { addresses[node.id] = try SocketAddress(ipAddress: address, port: port) }
        }
        let extra = try configuration.links.compactMap { link -> SocketAddress? in
            guard case .unicast(_, let peer) = link else { return nil }
            return try SocketAddress(ipAddress: peer, port: port)
        }
        return (addresses, extra)
    }

    private func makeMembershipLoop(
        udp: any Channel, dataSink: AsyncStream<DaemonInput>.Continuation, snapshot: SnapshotBox
    ) throws -> MembershipLoop {
        let quorum = Quorum(options: configuration.quorum, configuredVotes: configuration.configuredVotes)
        let agreement = ViewAgreement(
            me: MemberInfo(member: member, name: local.name), timings: configuration.timings, quorum: quorum,
            persistedEpoch: try DurableFile.readEpoch(at: directories.epochFile))
        let peers = try peerAddresses(port: configuration.udpPort + 1)
        return MembershipLoop(
            agreement: agreement,
            writer: PacketWriter(
                local: member, clusterID: configuration.clusterID, channel: .heartbeat, maximumPacketSize: 1400,
                protection: protection),
            reader: PacketReader(
                local: member, clusterID: configuration.clusterID, channel: .heartbeat, protection: protection),
            configuration: configuration, directories: directories, udp: udp, logger: logger,
            addresses: peers.nodes, extraTargets: peers.extra + media.targets, dataSink: dataSink, snapshot: snapshot)
    }

    private func makeDataLoop(udp: any Channel, snapshot: SnapshotBox) throws -> DaemonState {
        let quorum = Quorum(options: configuration.quorum, configuredVotes: configuration.configuredVotes)
        return DaemonState(
            core: GroupCore(messaging: GroupMessaging(local: member)),
            local: MemberInfo(member: member, name: local.name), quorum: quorum, snapshot: snapshot,
            writer: PacketWriter(
                local: member, clusterID: configuration.clusterID, channel: .data, maximumPacketSize: 1400,
                protection: protection),
            reader: PacketReader(local: member, clusterID: configuration.clusterID, protection: protection),
            configuration: configuration, directories: directories, udp: udp, logger: logger,
            addresses: try peerAddresses(port: configuration.udpPort).nodes)
    }

    private func bindUDP(
        port: Int, _ forward: @escaping @Sendable (AddressedEnvelope<ByteBuffer>) -> Void
    ) async throws -> any Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramForwarder(forward))
                }
            }
            .bind(host: local.address ?? "0.0.0.0", port: port).get()
    }

    private func bindClientSocket(
        sink: AsyncStream<DaemonInput>.Continuation, statusSource: StatusSource
    ) async throws -> any Channel {
        let counter = Mutex<UInt64>(0)
        let group = Self.clusterGroup
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                let id = counter.withLock { value in
                    value += 1
                    return value
                }
                return PeerCredentials.of(channel).flatMap { credentials in
                    guard credentials.isAllowed(clusterGroup: group) else {
                        let refusal = ClientEvent.failure("permission denied: root or group \(group) only")
                        return channel.writeAndFlush(ClientFraming.frame(refusal.encoded)).flatMap { channel.close() }
                    }
                    sink.yield(.clientConnected(id, channel, credentials: credentials))
                    return channel.pipeline.addHandler(ClientConnectionHandler(id: id, sink: sink, statusSource: statusSource))
                }
            }
            .bind(unixDomainSocketPath: directories.heartbeatSocket, cleanupExistingSocketFile: true).get()
        chmod(directories.heartbeatSocket, 0o660)
        if let clusterGroup = getgrnam(group) { chown(directories.heartbeatSocket, 0, clusterGroup.pointee.gr_gid) }
        return channel
    }
}
