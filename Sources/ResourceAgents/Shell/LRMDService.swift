import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// How an lrmd instance is set up.
public struct LRMDConfiguration: Sendable {
    /// The Unix socket path (`<run-dir>/lrmd.sock`).
    public var socketPath: String
    /// Where agents are found.
    public var locator: AgentLocator
    /// The environment every agent gets besides its parameters.
    public var settings: AgentEnvironmentSettings
    /// Who may connect.
    public var peerPolicy: PeerPolicy
    /// Bytes of stdout and stderr kept per operation.
    public var maximumOutputBytes: Int

    /// Makes a configuration for a run directory; the socket is `<runDirectory>/lrmd.sock`.
    public init(
        runDirectory: String, locator: AgentLocator = AgentLocator(), settings: AgentEnvironmentSettings = .init(),
        peerPolicy: PeerPolicy = .standard(), maximumOutputBytes: Int = 64 * 1024
    ) {
        socketPath = "\(runDirectory)/lrmd.sock"
        self.locator = locator
        self.settings = settings
        self.peerPolicy = peerPolicy
        self.maximumOutputBytes = maximumOutputBytes
    }
}

/// The lrmd daemon as a service: listens on its Unix socket and runs an `Executor` on one event loop, which
/// owns every connection, timer and the executor itself, so a request is handled where it arrives. Survives
/// client disconnects and bad requests. On graceful shutdown it kills the process groups of agents still
/// running, closes the socket and removes its file.
public final class LRMDService: Service, Sendable {
    let configuration: LRMDConfiguration
    let logger: Logger
    let clientCounter = Atomic<UInt64>(1)
    let ready: Mutex<[CheckedContinuation<Void, Never>]?> = Mutex([])

    /// Makes the service; nothing happens until `run()`.
    public init(configuration: LRMDConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Returns once the socket is listening (for tests and embedders that connect right after starting).
    public func waitUntilListening() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isReady = ready.withLock { waiting -> Bool in
                guard waiting != nil else { return true }
                waiting?.append(continuation)
                return false
            }
            if isReady { continuation.resume() }
        }
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let supervisor = try ProcessSupervisor(maximumOutputBytes: configuration.maximumOutputBytes)
        let runner = AgentRunner(
            locator: configuration.locator, settings: configuration.settings, supervisor: supervisor)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let logger = logger
        let core = try await loop.submit {
            NIOLoopBound(LRMDLoop(runner: runner, loop: loop, logger: logger), eventLoop: loop)
        }.get()
        let server = try await bind(core, on: loop)
        logger.info("lrmd listening", metadata: ["socket": "\(configuration.socketPath)"])
        for waiting in ready.withLock({ waiting in
            defer { waiting = nil }
            return waiting ?? []
        }) { waiting.resume() }
        try? await gracefulShutdown()
        try? await server.close()
        let running = try await loop.submit { core.value.shutDown() }.get()
        logger.notice("lrmd shutting down", metadata: ["running": "\(running)"])
        supervisor.shutdown()
        unlink(configuration.socketPath)
    }

    private func bind(_ core: NIOLoopBound<LRMDLoop>, on loop: any EventLoop) async throws -> any Channel {
        unlink(configuration.socketPath)
        let policy = configuration.peerPolicy
        let logger = logger
        let channel = try await ServerBootstrap(group: loop, childGroup: loop)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                let client = ClientID(self.clientCounter.wrappingAdd(1, ordering: .relaxed).oldValue)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LRMDFrameDecoder()), MessageToByteHandler(LRMDFrameEncoder()),
                        LRMDConnectionHandler(client: client, policy: policy, core: core, logger: logger),
                    ])
                }
            }
            .bind(unixDomainSocketPath: configuration.socketPath).get()
        chmod(configuration.socketPath, 0o660)
        return channel
    }
}

/// Frames in, calls on the loop's core out; checks the peer's credentials first and ignores everything from
/// a refused peer. Lives on the core's event loop.
final class LRMDConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Result<LRMDMessage, LRMDProtocolError>

    let client: ClientID
    let policy: PeerPolicy
    let core: NIOLoopBound<LRMDLoop>
    let logger: Logger
    var isAuthorized = false

    init(client: ClientID, policy: PeerPolicy, core: NIOLoopBound<LRMDLoop>, logger: Logger) {
        self.client = client
        self.policy = policy
        self.core = core
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        PeerCredentials.of(channel).whenComplete { result in
            let handler = loopBound.value
            guard case .success(let peer) = result, handler.policy.allows(peer) else {
                handler.logger.warning(
                    "lrmd refused client", metadata: ["client": "\(handler.client)", "peer": "\(result)"])
                channel.close(promise: nil)
                return
            }
            handler.isAuthorized = true
            handler.core.value.connected(handler.client, channel)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if isAuthorized { core.value.disconnected(client) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard isAuthorized else { return }
        switch unwrapInboundIn(data) {
        case .success(.request(let id, let request)): core.value.handleRequest(request, from: client, id: id)
        case .success: core.value.badMessage(from: client, .unknownType("non-request message from a client"))
        case .failure(let error): core.value.badMessage(from: client, error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("lrmd client connection error", metadata: ["client": "\(client)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
