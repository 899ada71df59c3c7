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

/// The lrmd daemon as a service: listens on its Unix socket, feeds requests and agent completions to an
/// `Executor` and carries out its directives. Survives client disconnects and bad requests. On graceful
/// shutdown it kills the process groups of agents still running, closes the socket and removes its file.
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
        let runner = AgentRunner(locator: configuration.locator, settings: configuration.settings, supervisor: supervisor)
        let (inputs, continuation) = AsyncStream.makeStream(of: LRMDInput.self)
        let server = try await bind(continuation)
        logger.info("lrmd listening", metadata: ["socket": "\(configuration.socketPath)"])
        for waiting in ready.withLock({ waiting in defer { waiting = nil }; return waiting ?? [] }) { waiting.resume() }
        await withDiscardingTaskGroup { group in
            var loop = LRMDLoop(runner: runner, inputs: continuation, logger: logger)
            for await input in inputs.cancelOnGracefulShutdown() {
                loop.handle(input, group: &group)
            }
            logger.notice("lrmd shutting down", metadata: ["running": "\(supervisor.activeCount)"])
            supervisor.shutdown()
            group.cancelAll()
        }
        continuation.finish()
        try? await server.close()
        unlink(configuration.socketPath)
    }

    private func bind(_ inputs: AsyncStream<LRMDInput>.Continuation) async throws -> any Channel {
        unlink(configuration.socketPath)
        let policy = configuration.peerPolicy
        let logger = logger
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                let client = ClientID(self.clientCounter.wrappingAdd(1, ordering: .relaxed).oldValue)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LRMDFrameDecoder()), MessageToByteHandler(LRMDFrameEncoder()),
                        LRMDConnectionHandler(client: client, policy: policy, inputs: inputs, logger: logger),
                    ])
                }
            }
            .bind(unixDomainSocketPath: configuration.socketPath).get()
        chmod(configuration.socketPath, 0o660)
        return channel
    }
}

/// What the service loop reacts to.
enum LRMDInput: Sendable {
    case connected(ClientID, any Channel)
    case disconnected(ClientID)
    case request(ClientID, id: UInt64, LRMDRequest)
    case badMessage(ClientID, LRMDProtocolError)
    case agentFinished(CallID, AgentRun)
    case timerFired(TimerToken)
    case metadataFetched(AgentIdentifier, Result<String, MetadataFailure>, client: ClientID, id: UInt64)
}

struct MetadataFailure: Error, Sendable {
    var message: String
}

/// Frames in, inputs out; checks the peer's credentials first and drops everything from a refused peer.
final class LRMDConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Result<LRMDMessage, LRMDProtocolError>

    let client: ClientID
    let policy: PeerPolicy
    let inputs: AsyncStream<LRMDInput>.Continuation
    let logger: Logger
    let isAuthorized = Atomic<Bool>(false)

    init(client: ClientID, policy: PeerPolicy, inputs: AsyncStream<LRMDInput>.Continuation, logger: Logger) {
        self.client = client
        self.policy = policy
        self.inputs = inputs
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        PeerCredentials.of(channel).whenComplete { [self] result in
            guard case .success(let peer) = result, policy.allows(peer) else {
                logger.warning("lrmd refused client", metadata: ["client": "\(client)", "peer": "\(result)"])
                channel.close(promise: nil)
                return
            }
            isAuthorized.store(true, ordering: .relaxed)
            inputs.yield(.connected(client, channel))
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if isAuthorized.load(ordering: .relaxed) { inputs.yield(.disconnected(client)) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard isAuthorized.load(ordering: .relaxed) else { return }
        switch unwrapInboundIn(data) {
        case .success(.request(let id, let request)): inputs.yield(.request(client, id: id, request))
        case .success: inputs.yield(.badMessage(client, .unknownType("non-request message from a client")))
        case .failure(let error): inputs.yield(.badMessage(client, error))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("lrmd client connection error", metadata: ["client": "\(client)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
