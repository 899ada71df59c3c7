import NIOCore
import NIOPosix
import Synchronization

/// A connection to lrmd: requests with replies, and a stream of operation results. crmd and lrmadmin use it.
public final class LRMDClient: Sendable {
    /// Every result delivered to this client (after `subscribe()`), newest 1024 kept if nobody reads.
    public let results: AsyncStream<OperationResult>
    let channel: any Channel
    let handler: LRMDClientHandler

    init(channel: any Channel, handler: LRMDClientHandler, results: AsyncStream<OperationResult>) {
        self.channel = channel
        self.handler = handler
        self.results = results
    }

    /// Connects to the lrmd socket at `socketPath`.
    public static func connect(socketPath: String) async throws -> LRMDClient {
        let (results, continuation) = AsyncStream.makeStream(
            of: OperationResult.self, bufferingPolicy: .bufferingNewest(1024))
        let handler = LRMDClientHandler(results: continuation)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LRMDFrameDecoder()), MessageToByteHandler(LRMDFrameEncoder()), handler,
                    ])
                }
            }
            .connect(unixDomainSocketPath: socketPath).get()
        return LRMDClient(channel: channel, handler: handler, results: results)
    }

    /// The event loop the connection lives on. An actor that uses `eventLoop.executor` as its executor talks
    /// to lrmd without a thread hop: `send`, `execute` and `executeAndWait` run on the caller's executor.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Sends one request and waits for its reply. Throws `LRMDClientError.disconnected` if the connection drops.
    nonisolated(nonsending) public func send(_ request: LRMDRequest) async throws -> LRMDResponse {
        try await withCheckedThrowingContinuation { continuation in
            let id = handler.register(continuation)
            guard let id else { return }
            channel.writeAndFlush(LRMDMessage.request(id: id, request)).whenFailure { [handler] error in
                handler.fail(id, error)
            }
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }

    // MARK: Conveniences

    /// Registers (or replaces) a resource.
    public func register(_ definition: ResourceDefinition) async throws {
        try expectOK(await send(.register(definition)))
    }

    /// Removes a resource.
    public func unregister(_ resource: String) async throws {
        try expectOK(await send(.unregister(resource: resource)))
    }

    /// Subscribes to every operation result.
    public func subscribe() async throws { try expectOK(await send(.subscribe)) }

    /// Starts an operation and returns its call id.
    nonisolated(nonsending) public func execute(_ request: OperationRequest) async throws -> CallID {
        switch try await send(.execute(request)) {
        case .accepted(let callID): return callID
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    /// Starts an operation and waits for its (first) result. Needs `subscribe()` first unless the request
    /// notifies its origin only.
    /// The caller is resumed once, with the result: the reply accepting the operation is handled on the
    /// connection's event loop, which then waits for the result on the caller's behalf.
    nonisolated(nonsending) public func executeAndWait(_ request: OperationRequest) async throws -> OperationResult {
        try await withCheckedThrowingContinuation { continuation in
            guard let id = handler.registerExecution(continuation) else { return }
            channel.writeAndFlush(LRMDMessage.request(id: id, .execute(request))).whenFailure { [handler] error in
                handler.fail(id, error)
            }
        }
    }

    /// Cancels an operation by key.
    public func cancel(_ key: OperationKey) async throws {
        switch try await send(.cancel(key)) {
        case .accepted, .ok: return
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    /// The last result of each operation, of one resource or of all.
    public func history(of resource: String? = nil) async throws -> [OperationResult] {
        switch try await send(.history(resource: resource)) {
        case .results(let results): return results
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    /// A list request (standards, providers, agents).
    public func names(_ request: LRMDRequest) async throws -> [String] {
        switch try await send(request) {
        case .names(let names): return names
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    /// The registered resources.
    public func resources() async throws -> [ResourceDefinition] {
        switch try await send(.listResources) {
        case .resources(let definitions): return definitions
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    /// An agent's meta-data XML.
    public func metadata(of agent: AgentIdentifier) async throws -> String {
        switch try await send(.metadata(agent)) {
        case .metadata(let text): return text
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }

    private func expectOK(_ response: LRMDResponse) throws {
        switch response {
        case .ok, .accepted: return
        case .failure(let message): throw LRMDClientError.refused(message)
        case let other: throw LRMDClientError.unexpectedResponse("\(other)")
        }
    }
}

/// Why a client call failed.
public enum LRMDClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// lrmd refused the request; the text is its reason.
    case refused(String)
    /// The connection closed before the reply came.
    case disconnected
    /// lrmd answered with something that does not fit the request.
    case unexpectedResponse(String)

    /// A message for users.
    public var description: String {
        switch self {
        case .refused(let message): message
        case .disconnected: "connection to lrmd closed"
        case .unexpectedResponse(let text): "unexpected response from lrmd: \(text)"
        }
    }
}

/// Routes replies to waiting requests and results to the stream and to `executeAndWait` callers.
final class LRMDClientHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Result<LRMDMessage, LRMDProtocolError>

    struct State: ~Copyable {
        var nextID: UInt64 = 1
        var isClosed = false
        var pending: [UInt64: CheckedContinuation<LRMDResponse, any Error>] = [:]
        /// `executeAndWait` requests whose reply has not come yet, waiting for their operation's result.
        var pendingExecutions: [UInt64: CheckedContinuation<OperationResult, any Error>] = [:]
        var resultWaiters: [CallID: CheckedContinuation<OperationResult, any Error>] = [:]
        var recentResults: [CallID: OperationResult] = [:]
        var recentOrder: [CallID] = []
    }

    let state = Mutex(State())
    let results: AsyncStream<OperationResult>.Continuation

    init(results: AsyncStream<OperationResult>.Continuation) { self.results = results }

    func register(_ continuation: CheckedContinuation<LRMDResponse, any Error>) -> UInt64? {
        let id: UInt64? = state.withLock { state in
            guard !state.isClosed else { return nil }
            defer { state.nextID += 1 }
            state.pending[state.nextID] = continuation
            return state.nextID
        }
        if id == nil { continuation.resume(throwing: LRMDClientError.disconnected) }
        return id
    }

    /// Like `register`, for a request whose caller waits for the operation's result rather than the reply.
    func registerExecution(_ continuation: CheckedContinuation<OperationResult, any Error>) -> UInt64? {
        let id: UInt64? = state.withLock { state in
            guard !state.isClosed else { return nil }
            defer { state.nextID += 1 }
            state.pendingExecutions[state.nextID] = continuation
            return state.nextID
        }
        if id == nil { continuation.resume(throwing: LRMDClientError.disconnected) }
        return id
    }

    func fail(_ id: UInt64, _ error: any Error) {
        let (reply, execution) = state.withLock {
            ($0.pending.removeValue(forKey: id), $0.pendingExecutions.removeValue(forKey: id))
        }
        reply?.resume(throwing: error)
        execution?.resume(throwing: error)
    }

    /// The reply to an `executeAndWait` request: on acceptance the caller waits on for the result (which may
    /// already be here); anything else ends the wait.
    func executionReplied(_ continuation: CheckedContinuation<OperationResult, any Error>, _ response: LRMDResponse) {
        switch response {
        case .accepted(let callID):
            let ready: OperationResult? = state.withLock { state in
                if let result = state.recentResults.removeValue(forKey: callID) { return result }
                state.resultWaiters[callID] = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        case .failure(let message): continuation.resume(throwing: LRMDClientError.refused(message))
        case let other: continuation.resume(throwing: LRMDClientError.unexpectedResponse("\(other)"))
        }
    }

    func waitForResult(_ callID: CallID) async throws -> OperationResult {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<OperationResult, any Error>? = state.withLock { state in
                if let result = state.recentResults.removeValue(forKey: callID) { return .success(result) }
                if state.isClosed { return .failure(LRMDClientError.disconnected) }
                state.resultWaiters[callID] = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .success(.response(let id, let response)):
            let (reply, execution) = state.withLock {
                ($0.pending.removeValue(forKey: id), $0.pendingExecutions.removeValue(forKey: id))
            }
            reply?.resume(returning: response)
            if let execution { executionReplied(execution, response) }
        case .success(.result(let result)):
            results.yield(result)
            let waiter = state.withLock { state -> CheckedContinuation<OperationResult, any Error>? in
                if let waiter = state.resultWaiters.removeValue(forKey: result.callID) { return waiter }
                state.recentResults[result.callID] = result
                state.recentOrder.append(result.callID)
                if state.recentOrder.count > 256 { state.recentResults[state.recentOrder.removeFirst()] = nil }
                return nil
            }
            waiter?.resume(returning: result)
        case .success(.request), .failure:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let (pending, waiters) = state.withLock { state in
            state.isClosed = true
            defer {
                state.pending = [:]
                state.pendingExecutions = [:]
                state.resultWaiters = [:]
            }
            let waiters = Array(state.resultWaiters.values) + Array(state.pendingExecutions.values)
            return (Array(state.pending.values), waiters)
        }
        for continuation in pending { continuation.resume(throwing: LRMDClientError.disconnected) }
        for waiter in waiters { waiter.resume(throwing: LRMDClientError.disconnected) }
        results.finish()
        context.fireChannelInactive()
    }
}
