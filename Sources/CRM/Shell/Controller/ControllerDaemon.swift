import Glibc
import Membership
import Messaging
import ResourceAgents
import ServiceLifecycle

/// What one crmd needs to know at start.
public struct ControllerDaemonConfiguration: Sendable {
    /// This node.
    public var node: NodeID
    /// Node names by id (ha.cf's `node` lines).
    public var names: [NodeID: String]
    /// ha.cf's cluster name, recorded by the DC as `cluster-name`.
    public var clusterName: String
    /// Holds `heartbeat.sock`, `lrmd.sock`, `crmd.sock` and `crmd.log`.
    public var runDirectory: String
    /// Holds the replica (`cib/`).
    public var stateDirectory: String
    /// Debounce between a change and the policy run.
    public var policyDelay: Duration
    /// How long to wait at start for heartbeat and lrmd sockets to accept connections.
    public var connectTimeout: Duration
    /// Whether to append log lines to `<run-dir>/crmd.log` as well as standard error.
    public var logsToFile: Bool
    /// The lowest level logged.
    public var logLevel: ControllerEventLog.Level
    /// How long a clean shutdown (the DC stopping this node's resources) may take before the crmd stops anyway.
    public var shutdownTimeout: Duration

    /// A configuration from ha.cf for the node named `localNodeName`.
    public init(
        configuration: HeartbeatConfiguration, localNodeName: String, runDirectory: String, stateDirectory: String,
        policyDelay: Duration = .milliseconds(20), connectTimeout: Duration = .seconds(30), logsToFile: Bool = true,
        logLevel: ControllerEventLog.Level = .notice, shutdownTimeout: Duration = .seconds(60)
    ) throws(ControllerDaemonError) {
        guard let local = configuration.node(named: localNodeName) else {
            throw .notConfigured("node '\(localNodeName)' is not among ha.cf's nodes")
        }
        node = local.id
        names = Dictionary(configuration.nodes.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        clusterName = configuration.clusterName
        self.runDirectory = runDirectory
        self.stateDirectory = stateDirectory
        self.policyDelay = policyDelay
        self.connectTimeout = connectTimeout
        self.logsToFile = logsToFile
        self.logLevel = logLevel
        self.shutdownTimeout = shutdownTimeout
    }

    /// The heartbeat daemon's client socket.
    public var heartbeatSocket: String { runDirectory + "/heartbeat.sock" }
    /// lrmd's socket.
    public var lrmdSocket: String { runDirectory + "/lrmd.sock" }
    /// The crmd's own socket.
    public var socketPath: String { runDirectory + "/crmd.sock" }
    /// The crmd's log file.
    public var logPath: String { runDirectory + "/crmd.log" }
    /// This node's name.
    public var nodeName: String { names[node] ?? "\(node)" }
    /// Nodes an acknowledged update must be on disk at: a majority of the configured nodes.
    public var durabilityQuorum: Int { ControllerViewTracker.majority(of: names.count) }
}

/// Why the crmd could not start or had to stop.
public enum ControllerDaemonError: Error, CustomStringConvertible, Sendable {
    /// The configuration does not allow a start (LSB exit 6).
    case notConfigured(String)
    /// A daemon it depends on is not reachable or went away.
    case dependencyLost(String)
    /// The replica on disk cannot be loaded.
    case storage(String)

    public var description: String {
        switch self {
        case .notConfigured(let why): "not configured: \(why)"
        case .dependencyLost(let why): why
        case .storage(let why): why
        }
    }
}

/// An input of the crmd's event loop.
enum ControllerInput: Sendable {
    case heartbeat(ClientEvent)
    case heartbeatClosed(String)
    case lrmdClosed
    case event(Controller.Event)
    case request(CRMDRequest, CRMDPeer, @Sendable (CRMDResponse) -> Void)
    case persistFailed(String)
    case shutdownRequested
    case shutdownTimedOut
}

/// The crmd as a service: connects the pure `Controller` to the local heartbeat (process group `crmd`), the
/// local lrmd, the replica on disk, timers, the policy engine and the crmd socket. One task owns the
/// controller and handles every input in order; I/O runs beside it and reports back as inputs.
public final class ControllerDaemon: Service, Sendable {
    /// The configuration.
    public let configuration: ControllerDaemonConfiguration
    /// The log.
    public let log: ControllerEventLog

    /// A daemon; nothing happens until `run()`.
    public init(configuration: ControllerDaemonConfiguration) {
        self.configuration = configuration
        self.log = ControllerEventLog(
            node: configuration.nodeName, path: configuration.logsToFile ? configuration.logPath : nil,
            minimum: configuration.logLevel)
    }

    /// Runs until graceful shutdown, or throws when heartbeat or lrmd goes away.
    public func run() async throws {
        let store = CIBReplicaStore(stateDirectory: configuration.stateDirectory)
        let loaded: (cib: CIBDocument, lineage: CIBLineage)
        do {
            loaded = try store.load()
        } catch {
            throw ControllerDaemonError.storage("cannot load the CIB replica: \(error)")
        }
        log.notice(
            "starting node=\(configuration.nodeName) id=\(configuration.node) cib=\(loaded.cib.version) "
                + "lineage=\(loaded.lineage)")
        try await waitForSocket(configuration.heartbeatSocket, name: "heartbeat")
        try await waitForSocket(configuration.lrmdSocket, name: "lrmd")
        let lrmd: LRMDClient
        do {
            lrmd = try await LRMDClient.connect(socketPath: configuration.lrmdSocket)
            try await lrmd.subscribe()
        } catch {
            throw ControllerDaemonError.dependencyLost("cannot connect to lrmd at \(configuration.lrmdSocket): \(error)")
        }
        defer { Task { await lrmd.close() } }
        try await HeartbeatClient.withConnection(socketPath: configuration.heartbeatSocket, name: "crmd") {
            connection in
            try await self.serve(connection: connection, lrmd: lrmd, store: store, loaded: loaded)
        }
    }

    private func serve(
        connection: HeartbeatConnection, lrmd: LRMDClient, store: CIBReplicaStore,
        loaded: (cib: CIBDocument, lineage: CIBLineage)
    ) async throws {
        let (inputs, sink) = AsyncStream.makeStream(of: ControllerInput.self)
        let log = log
        let runner = LocalActionRunner(client: lrmd, report: { sink.yield(.event($0)) }, log: { log.notice($0) })
        let writer = PersistWriter(store: store)
        let server = try await CRMDSocketServer.start(
            path: configuration.socketPath, handle: { sink.yield(.request($0, $1, $2)) },
            log: { log.log(.warning, $0) })
        let controller = Controller(
            configuration: Controller.Configuration(
                node: configuration.node, incarnation: Self.incarnation(), names: configuration.names,
                policyDelay: configuration.policyDelay,
                properties: ClusterProperties(clusterName: configuration.clusterName)),
            cib: XMLReplicatedCIB(loaded.cib), lineage: loaded.lineage)
        var loop = ControllerLoop(
            controller: controller, configuration: configuration, connection: connection, runner: runner,
            writer: writer, sink: sink, log: log)
        let initialVersion = loaded.cib.version
        try await connection.join(ControllerLoop.group)
        let failure: String? = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await event in connection.events { sink.yield(.heartbeat(event)) }
                    sink.yield(.heartbeatClosed("the heartbeat daemon closed the connection"))
                } catch {
                    sink.yield(.heartbeatClosed("\(error)"))
                }
            }
            group.addTask {
                await runner.consumeResults()
                sink.yield(.lrmdClosed)
            }
            group.addTask {
                await writer.run(
                    initialVersion: initialVersion, report: { sink.yield(.event(.persisted(sequence: $0))) },
                    fail: { sink.yield(.persistFailed($0)) })
            }
            let failure: String? = await withGracefulShutdownHandler { () async -> String? in
                for await input in inputs {
                    switch await loop.handle(input) {
                    case .failure(let reason): return reason
                    case .stop: return nil
                    case nil: continue
                    }
                }
                return nil
            } onGracefulShutdown: {
                sink.yield(.shutdownRequested)
            }
            writer.stop()
            group.cancelAll()
            return failure
        }
        await server.close()
        if let failure {
            log.log(.error, "stopping: \(failure)")
            throw ControllerDaemonError.dependencyLost(failure)
        }
        log.notice("stopped")
    }

    private func waitForSocket(_ path: String, name: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.connectTimeout
        while access(path, F_OK) != 0 {
            guard clock.now < deadline else {
                throw ControllerDaemonError.dependencyLost("\(name) is not running: no socket at \(path)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A number that grows across restarts of this crmd (update ids stay unique): wall-clock microseconds.
    static func incarnation() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
    }
}
