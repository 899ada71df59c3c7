import Messaging
import NIOCore
import NIOPosix

/// Why a client call failed.
public enum HeartbeatClientError: Error, CustomStringConvertible, Sendable {
    /// The daemon's socket could not be reached.
    case cannotConnect(path: String, reason: String)
    /// The daemon refused (for example: permission denied).
    case refused(String)
    /// The daemon closed the connection.
    case closed
    /// The daemon sent bytes that are not an event.
    case malformed(String)

    public var description: String {
        switch self {
        case .cannotConnect(let path, let reason): "cannot connect to the heartbeat daemon at \(path): \(reason)"
        case .refused(let reason): "the heartbeat daemon refused: \(reason)"
        case .closed: "the heartbeat daemon closed the connection"
        case .malformed(let reason): "malformed event from the heartbeat daemon: \(reason)"
        }
    }
}

/// The Swift client library of the heartbeat daemon: join named groups, send in agreed order, and receive
/// ordered messages and view/quorum events as an `AsyncSequence`.
///
/// ```swift
/// try await HeartbeatClient.withConnection(socketPath: directories.heartbeatSocket, name: "my-service") { c in
///     try await c.join("workers")
///     for try await event in c.events {
///         if case .view(let view) = event { print(view.quorum.isQuorate) }
///     }
/// }
/// ```
public enum HeartbeatClient {
    /// Connects, says hello, runs `body` with the connection, and closes it when `body` returns.
    public static func withConnection<Result: Sendable>(
        socketPath: String, name: String,
        _ body: (HeartbeatConnection) async throws -> Result
    ) async throws -> Result {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HeartbeatClientError.cannotConnect(path: socketPath, reason: "\(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = HeartbeatConnection(outbound: outbound, events: HeartbeatEvents(inbound: inbound))
            try await connection.write(.hello(name: name, pid: UInt32(bitPattern: getpid())))
            return try await body(connection)
        }
    }

    /// Connects, reads the daemon's status and disconnects (what `crm_node` and the status tool do).
    public static func status(socketPath: String) async throws -> DaemonStatus {
        try await withConnection(socketPath: socketPath, name: "status") { connection in
            var iterator = connection.events.makeAsyncIterator()
            while let event = try await iterator.next() {
                switch event {
                case .status(let status): return status
                case .failure(let reason): throw HeartbeatClientError.refused(reason)
                default: continue
                }
            }
            throw HeartbeatClientError.closed
        }
    }
}

/// One open connection to the daemon.
public struct HeartbeatConnection: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Everything the daemon sends, in order: status answers, views, group changes and messages. Iterate once.
    public let events: HeartbeatEvents

    func write(_ request: ClientRequest) async throws {
        try await outbound.write(ClientFraming.frame(request.encoded))
    }

    /// Joins a named group; a `.groupChanged` event follows once the join is ordered.
    public func join(_ group: String) async throws { try await write(.join(group: group)) }

    /// Leaves a named group.
    public func leave(_ group: String) async throws { try await write(.leave(group: group)) }

    /// Multicasts `payload` to a group this connection joined, in agreed order.
    public func send(_ payload: ByteBuffer, to group: String) async throws {
        try await write(.send(group: group, payload: payload))
    }

    /// Asks for the daemon's status; it arrives as a `.status` event.
    public func requestStatus() async throws { try await write(.queryStatus) }
}

/// The daemon's events as an `AsyncSequence`.
public struct HeartbeatEvents: AsyncSequence, Sendable {
    public typealias Element = ClientEvent
    let inbound: NIOAsyncChannelInboundStream<ByteBuffer>

    /// Iterates the events.
    public func makeAsyncIterator() -> Iterator { Iterator(inner: inbound.makeAsyncIterator()) }

    /// Reassembles framed events from the socket's byte chunks.
    public struct Iterator: AsyncIteratorProtocol {
        var inner: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var buffer = ByteBuffer()

        /// The next event, or `nil` when the daemon closed the connection.
        public mutating func next() async throws -> ClientEvent? {
            while true {
                do {
                    if var body = try ClientFraming.nextBody(from: &buffer) {
                        return try ClientEvent.decode(&body)
                    }
                } catch {
                    throw HeartbeatClientError.malformed("\(error)")
                }
                guard var chunk = try await inner.next() else { return nil }
                buffer.discardReadBytes()
                buffer.writeBuffer(&chunk)
            }
        }
    }
}
