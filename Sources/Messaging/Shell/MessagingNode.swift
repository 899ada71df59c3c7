#if canImport(Glibc)
    import Glibc
#endif
import Logging
import NIOCore
import NIOPosix

/// A cluster member on real UDP: the data plane (ordering, reliability, control frames) on one thread and the
/// heartbeat plane (failure detection, link health) on another, each with its own sockets on every link.
///
/// Membership drives it: it installs views (`installView`), reads peer events, and uses control frames for its
/// own protocol. Applications submit messages and receive `Delivery`s in agreed order.
public final class MessagingNode: Sendable {
    /// Callbacks, run on the node's threads: keep them short (hop elsewhere for slow work).
    public struct Handlers: Sendable {
        /// Messages and views, in agreed order (data-plane thread).
        public var onDelivery: @Sendable (Delivery) -> Void
        /// Failure-detector news: peers heard, late, suspected (heartbeat thread).
        public var onPeerEvent: @Sendable (FailureDetector.Directive) -> Void
        /// Membership's control frames: sender, channel, payload (data-plane thread).
        public var onControl: @Sendable (Member, UInt8, ByteBuffer) -> Void
        /// Builds handlers; unset ones ignore their input.
        public init(
            onDelivery: @escaping @Sendable (Delivery) -> Void = { _ in },
            onPeerEvent: @escaping @Sendable (FailureDetector.Directive) -> Void = { _ in },
            onControl: @escaping @Sendable (Member, UInt8, ByteBuffer) -> Void = { _, _, _ in }
        ) {
            self.onDelivery = onDelivery
            self.onPeerEvent = onPeerEvent
            self.onControl = onControl
        }
    }

    /// Counters for status tools and tests.
    public struct Statistics: Sendable {
        /// Dropped data-channel datagrams by reason.
        public var dataDrops: PacketDropCounters
        /// Dropped heartbeat datagrams by reason.
        public var heartbeatDrops: PacketDropCounters
        /// Deliveries handed to the application (messages and views).
        public var delivered: Int
        /// Units held for ordering and retransmission.
        public var bufferedUnits: Int
        /// The current view.
        public var view: View?
        /// Per link, the peers whose heartbeats it carries.
        public var links: [[NodeID]]
    }

    /// This member.
    public let member: Member
    let dataGroup: MultiThreadedEventLoopGroup
    let heartbeatGroup: MultiThreadedEventLoopGroup
    let data: DataPlane
    let heartbeat: HeartbeatPlane
    let linkChoices: SharedLinkChoices

    /// The data plane's event loop: code running on it may call `submitOnLoop` without a hop.
    public var dataLoop: any EventLoop { data.loop }

    private init(configuration: NodeConfiguration, handlers: Handlers, logger: Logger) throws {
        try configuration.validate()
        member = Member(node: configuration.node, incarnation: configuration.incarnation)
        let protection = try OpenSSLPacketProtection(
            keys: configuration.keys, activeKeyNumber: configuration.activeKeyNumber, encrypt: configuration.encrypt)
        dataGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        heartbeatGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        linkChoices = SharedLinkChoices()
        data = DataPlane(
            loop: dataGroup.next(), configuration: configuration, protection: protection, handlers: handlers,
            preferredLinks: linkChoices, logger: logger)
        heartbeat = HeartbeatPlane(
            loop: heartbeatGroup.next(), configuration: configuration, protection: protection, handlers: handlers,
            linkChoices: linkChoices, logger: logger)
    }

    /// Binds every link's data and heartbeat sockets and starts heartbeats and ticks.
    public static func start(
        configuration: NodeConfiguration, handlers: Handlers, logger: Logger
    ) async throws -> MessagingNode {
        let node = try MessagingNode(configuration: configuration, handlers: handlers, logger: logger)
        do {
            try await node.bindAll()
        } catch {
            try? await node.shutdown()
            throw error
        }
        node.heartbeat.start()
        let data = node.data
        _ = data.loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(5)) { _ in
            data.tick()
        }
        return node
    }

    private func bindAll() async throws {
        for (index, link) in data.configuration.links.enumerated() {
            let plane = data
            let dataChannel = try await UDPLink.bind(
                link, port: link.bind.port ?? 0, on: data.loop,
                datagramCapacity: data.configuration.maximumPacketSize + 64, batch: 32
            ) { bytes, from in
                plane.received(bytes, from: from, link: index)
            } readComplete: {
                plane.flushOutbox()
            }
            let heartbeatPlane = heartbeat
            let heartbeatChannel = try await UDPLink.bind(
                link, port: (link.bind.port ?? 0) + 1, on: heartbeat.loop, datagramCapacity: 512, batch: 4
            ) {
                bytes, from in heartbeatPlane.received(bytes, from: from, link: index)
            } readComplete: {}
            try await data.loop.submit { plane.channels.append(dataChannel) }.get()
            try await heartbeat.loop.submit { heartbeatPlane.channels.append(heartbeatChannel) }.get()
        }
    }

    /// Multicasts `payload` to the group in agreed order; fails with `SubmitError.tryAgain` when the window is full.
    public func submit(_ payload: ByteBuffer) -> EventLoopFuture<Void> {
        let plane = data
        return data.loop.submit { try plane.submit(payload) }
    }

    /// As `submit`, from code already running on `dataLoop` (no thread hop; for high-rate producers).
    public func submitOnLoop(_ payload: ByteBuffer) throws(GroupMessaging.SubmitError) {
        try data.submit(payload)
    }

    /// Calls `callback` on `dataLoop` once the window has room again (call from `dataLoop`).
    public func whenWritableOnLoop(_ callback: @escaping @Sendable () -> Void) {
        data.whenWritable(callback)
    }

    /// Installs a view decided by Membership (see Docs/Protocols/Messaging.md for the contract).
    public func installView(_ view: View) {
        let plane = data
        heartbeat.currentView.withLock { $0 = view.id }
        data.loop.execute {
            plane.perform(plane.core.handle(.viewInstalled(view)))
            plane.flushOutbox()
        }
    }

    /// Sends an unordered, unreliable control frame (Membership's protocol) to `destination`.
    public func sendControl(channel: UInt8, payload: ByteBuffer, to destination: Destination) {
        let plane = data
        data.loop.execute { plane.enqueue([.control(channel: channel, payload: payload)], to: destination) }
    }

    /// Current counters.
    public func statistics() async throws -> Statistics {
        let plane = data
        let heartbeatPlane = heartbeat
        let heartbeatDrops = try await heartbeat.loop.submit { heartbeatPlane.reader.drops }.get()
        let links = linkChoices.linkStatus
        return try await data.loop.submit {
            Statistics(
                dataDrops: plane.reader.drops, heartbeatDrops: heartbeatDrops, delivered: plane.delivered,
                bufferedUnits: plane.core.bufferedUnits, view: plane.core.currentView, links: links)
        }.get()
    }

    /// The core's one-line state summary (no payloads, no keys), for debugging and status tools.
    public func stateSummary() -> EventLoopFuture<String> {
        let plane = data
        return data.loop.submit { plane.core.stateSummary + " outbox=\(plane.outbox.count) waiters=\(plane.writableWaiters.count)" }
    }

    /// Closes every socket and stops both threads.
    public func shutdown() async throws {
        heartbeat.stop()
        let plane = data
        let heartbeatPlane = heartbeat
        let dataChannels = try await data.loop.submit { plane.channels }.get()
        let heartbeatChannels = try await heartbeat.loop.submit { heartbeatPlane.channels }.get()
        for channel in dataChannels + heartbeatChannels { try? await channel.close() }
        try await dataGroup.shutdownGracefully()
        try await heartbeatGroup.shutdownGracefully()
    }
}

/// Opens one UDP socket for a link and feeds its datagrams to a plane.
enum UDPLink {
    static func bind(
        _ link: LinkConfiguration, port: Int, on loop: any EventLoop, datagramCapacity: Int, batch: Int,
        read: @escaping @Sendable (ByteBuffer, SocketAddress) -> Void,
        readComplete: @escaping @Sendable () -> Void
    ) async throws -> any Channel {
        var address = link.bind
        address.port = port
        switch link.kind {
        case .unicast:
            break
        case .multicast(let target, _, _, _), .broadcast(let target, _):
            // Group and broadcast datagrams reach only a socket bound to the wildcard address; the interface
            // binding (below) keeps each link's socket to its own network, unicast answers included.
            address = try SocketAddress(ipAddress: target.protocol == .inet6 ? "::" : "0.0.0.0", port: port)
        }
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(ChannelOptions.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(ChannelOptions.datagramVectorReadMessageCount, value: batch)
            // NIO splits one receive buffer across the vector read, so it must hold `batch` whole datagrams.
            .channelOption(
                ChannelOptions.recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(capacity: datagramCapacity * batch))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramReader(read: read, readComplete: readComplete))
                }
            }
        let channel = try await bootstrap.bind(to: address).get()
        try await configure(channel, for: link)
        return channel
    }

    private static func configure(_ channel: any Channel, for link: LinkConfiguration) async throws {
        switch link.kind {
        case .unicast:
            break
        case .broadcast(_, let interface):
            try await channel.setOption(ChannelOptions.socketOption(.so_broadcast), value: 1).get()
            if let interface { try await bindToDevice(channel, interface) }
        case .multicast(var group, let interface, let ttl, let loop):
            guard let multicast = channel as? any MulticastChannel, let options = channel as? any SocketOptionProvider
            else { throw ConfigurationError.invalid("the socket for \(group) cannot join multicast groups") }
            group.port = 0
            var device: NIONetworkDevice?
            if let interface {
                device = try System.enumerateDevices().first { $0.name == interface && $0.address?.protocol == group.protocol }
                guard device != nil else { throw ConfigurationError.invalid("mcast: no interface \(interface) for \(group)") }
                try await bindToDevice(channel, interface)
            }
            if group.protocol == .inet6 {
                try await options.setIPv6MulticastHops(CInt(ttl)).get()
                try await options.setIPv6MulticastLoop(loop ? 1 : 0).get()
            } else {
                try await options.setIPMulticastTTL(CUnsignedChar(clamping: ttl)).get()
                try await options.setIPMulticastLoop(loop ? 1 : 0).get()
                // Only the groups this socket joined (Linux otherwise delivers every group joined on the host).
                try await channel.setOption(
                    ChannelOptions.Types.SocketOption(level: .ip, name: .init(rawValue: ipMulticastAll)), value: 0
                ).get()
            }
            try await multicast.joinGroup(group, device: device).get()
        }
    }
}

extension UDPLink {
    /// Linux's IP_MULTICAST_ALL (not exported by every libc header).
    static let ipMulticastAll: CInt = 49

    /// SO_BINDTODEVICE: the socket sends and receives only through `interface` (one link per network).
    static func bindToDevice(_ channel: any Channel, _ interface: String) async throws {
        var name: (
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let bytes = Array(interface.utf8)
        guard bytes.count < 16, let options = channel as? any SocketOptionProvider else {
            throw ConfigurationError.invalid("interface name \(interface) is too long (15 bytes at most)")
        }
        withUnsafeMutableBytes(of: &name) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        try await options.unsafeSetSocketOption(
            level: .socket, name: .init(rawValue: SO_BINDTODEVICE), value: name
        ).get()
    }
}

/// Hands datagrams to a plane; frames and decodes nothing itself.
final class DatagramReader: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let read: @Sendable (ByteBuffer, SocketAddress) -> Void
    let readComplete: @Sendable () -> Void

    init(read: @escaping @Sendable (ByteBuffer, SocketAddress) -> Void, readComplete: @escaping @Sendable () -> Void) {
        self.read = read
        self.readComplete = readComplete
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        read(envelope.data, envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar: a peer is down; heartbeats handle that. Keep the socket open.
    }
}
