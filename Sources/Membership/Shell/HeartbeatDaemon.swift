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

    /// Prepares a daemon; checks that this node is listed and that its media are supported.
    public init(
        configuration: HeartbeatConfiguration, directories: HADirectories, localNodeName: String,
        protection: any PacketProtection, incarnation: Incarnation, logger: Logger
    ) throws(HeartbeatDaemonError) {
        guard let local = configuration.node(named: localNodeName) else {
            throw .configuration("this node '\(localNodeName)' is not listed in \(directories.haCF) (set nodename)")
        }
        for link in configuration.links {
            if case .unicast = link { continue }
            throw .configuration("\(link) is not supported by this daemon yet; use ucast or addr= on node lines")
        }
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

    /// Runs until SIGTERM (graceful leave) or a fatal error.
    public func run() async throws {
        try directories.createRuntimeDirectories()
        let (stream, sink) = AsyncStream.makeStream(of: DaemonInput.self, bufferingPolicy: .unbounded)
        let udp = try await bindUDP(sink: sink)
        let server = try await bindClientSocket(sink: sink)
        try DurableFile.write("\(getpid())\n", to: directories.heartbeatPIDFile)
        var state = try makeState(udp: udp)
        logger.info(
            "heartbeat started",
            metadata: ["node": "\(local.name)", "member": "\(state.local.member)", "socket": "\(directories.heartbeatSocket)"])
        state.start()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await Self.tickMessaging(sink) }
            await withGracefulShutdownHandler {
                for await input in stream {
                    state.handle(input)
                    if state.hasLeft || state.fatalError != nil { break }
                }
            } onGracefulShutdown: {
                sink.yield(.shutdownRequested)
            }
            group.cancelAll()
        }
        sink.finish()
        try? await server.close()
        try? await udp.close()
        unlink(directories.heartbeatSocket)
        unlink(directories.heartbeatPIDFile)
        if let fatal = state.fatalError { throw HeartbeatDaemonError.fatal(fatal) }
        logger.info("heartbeat stopped", metadata: ["node": "\(local.name)"])
    }

    private static func tickMessaging(_ sink: AsyncStream<DaemonInput>.Continuation) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(5))
            sink.yield(.messagingTimer)
        }
    }

    private func makeState(udp: any Channel) throws -> DaemonState {
        let member = Member(node: local.id, incarnation: incarnation)
        let me = MemberInfo(member: member, name: local.name)
        let quorum = Quorum(options: configuration.quorum, configuredVotes: configuration.configuredVotes)
        let agreement = ViewAgreement(
            me: me, timings: configuration.timings, quorum: quorum,
            persistedEpoch: try DurableFile.readEpoch(at: directories.epochFile))
        var addresses: [NodeID: SocketAddress] = [:]
        for node in configuration.nodes where node.id != local.id {
            if let address = node.address { addresses[node.id] = try SocketAddress(ipAddress: address, port: configuration.udpPort) }
        }
        let extra = try configuration.links.compactMap { link -> SocketAddress? in
            guard case .unicast(_, let peer) = link else { return nil }
            return try SocketAddress(ipAddress: peer, port: configuration.udpPort)
        }
        return DaemonState(
            core: HeartbeatCore(agreement: agreement, messaging: GroupMessaging(local: member)),
            writer: PacketWriter(
                local: member, clusterID: configuration.clusterID, channel: .data, maximumPacketSize: 1400,
                protection: protection),
            reader: PacketReader(local: member, clusterID: configuration.clusterID, protection: protection),
            configuration: configuration, directories: directories, udp: udp, logger: logger, addresses: addresses,
            extraTargets: extra)
    }

    private func bindUDP(sink: AsyncStream<DaemonInput>.Continuation) async throws -> any Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramForwarder(sink: sink))
                }
            }
            .bind(host: local.address ?? "0.0.0.0", port: configuration.udpPort).get()
    }

    private func bindClientSocket(sink: AsyncStream<DaemonInput>.Continuation) async throws -> any Channel {
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
                    return channel.pipeline.addHandler(ClientConnectionHandler(id: id, sink: sink))
                }
            }
            .bind(unixDomainSocketPath: directories.heartbeatSocket, cleanupExistingSocketFile: true).get()
        chmod(directories.heartbeatSocket, 0o660)
        if let clusterGroup = getgrnam(group) { chown(directories.heartbeatSocket, 0, clusterGroup.pointee.gr_gid) }
        return channel
    }
}
