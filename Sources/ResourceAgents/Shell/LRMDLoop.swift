import Logging
import Metrics
import NIOCore
import NIOPosix

/// The state of one running lrmd: the executor core plus the I/O bookkeeping around it (clients, pending
/// replies, process handles, timers, the meta-data cache). Confined to one event loop: every method runs there.
final class LRMDLoop {
    struct Client {
        var channel: any Channel
        var isSubscribed = false
    }

    let runner: AgentRunner
    let loop: any EventLoop
    let logger: Logger
    let start = ContinuousClock.now
    var executor = Executor()
    var clients: [ClientID: Client] = [:]
    var pendingReplies: [RequestID: (ClientID, UInt64)] = [:]
    var processes: [CallID: ProcessSupervisor.Handle] = [:]
    var timers: [TimerToken: Scheduled<Void>] = [:]
    var metadataCache: [AgentIdentifier: String] = [:]
    var nextRequest: UInt64 = 1
    var isShutDown = false

    init(runner: AgentRunner, loop: any EventLoop, logger: Logger) {
        self.runner = runner
        self.loop = loop
        self.logger = logger
    }

    var now: Duration { ContinuousClock.now - start }

    /// With at most this many agents running, spawn on the loop itself (one hop less per operation); beyond
    /// it, on the thread pool, so a busy loop never stalls in posix_spawn while timers and clients wait.
    static let inlineSpawnLimit = 2
    var bound: NIOLoopBound<LRMDLoop> { NIOLoopBound(self, eventLoop: loop) }

    func connected(_ client: ClientID, _ channel: any Channel) {
        clients[client] = Client(channel: channel)
        logger.debug("lrmd client connected", metadata: ["client": "\(client)"])
    }

    func disconnected(_ client: ClientID) {
        clients[client] = nil
        logger.debug("lrmd client disconnected", metadata: ["client": "\(client)"])
    }

    func badMessage(from client: ClientID, _ error: LRMDProtocolError) {
        logger.warning("lrmd bad request", metadata: ["client": "\(client)", "error": "\(error)"])
        send(.response(id: 0, .failure(error.description)), to: client)
    }

    /// Kills every running agent's process group and forgets timers; returns how many agents were running.
    func shutDown() -> Int {
        isShutDown = true
        for timer in timers.values { timer.cancel() }
        timers = [:]
        for handle in processes.values { runner.supervisor.kill(handle) }
        return processes.count
    }

    func handleRequest(_ request: LRMDRequest, from client: ClientID, id: UInt64) {
        guard !isShutDown else { return send(.response(id: id, .failure("lrmd is shutting down")), to: client) }
        let locator = runner.locator
        switch request {
        case .register(let definition):
            perform(executor.handle(.registerRequested(definition, request: track(client, id))))
        case .unregister(let resource):
            perform(executor.handle(.unregisterRequested(resource: resource, request: track(client, id), at: now)))
        case .execute(let operation):
            perform(executor.handle(.executeRequested(operation, from: client, request: track(client, id), at: now)))
        case .cancel(let key):
            perform(executor.handle(.cancelRequested(key, request: track(client, id), at: now)))
        case .history(let resource):
            if let resource, executor.definition(of: resource) == nil {
                send(.response(id: id, .failure(ExecutorError.unknownResource(resource).description)), to: client)
            } else {
                let resources = resource.map { [$0] } ?? executor.registeredResources.map(\.id)
                send(.response(id: id, .results(resources.flatMap { executor.history(of: $0) })), to: client)
            }
        case .listResources: send(.response(id: id, .resources(executor.registeredResources)), to: client)
        case .listStandards: send(.response(id: id, .names(locator.standards.map(\.rawValue))), to: client)
        case .listProviders(let agentType):
            send(.response(id: id, .names(locator.providers(of: agentType))), to: client)
        case .listAgents(let standard, let provider):
            send(.response(id: id, .names(locator.agents(of: standard, provider: provider))), to: client)
        case .metadata(let agent): fetchMetadata(agent, client: client, id: id)
        case .subscribe:
            clients[client]?.isSubscribed = true
            send(.response(id: id, .ok), to: client)
        }
    }

    func fetchMetadata(_ agent: AgentIdentifier, client: ClientID, id: UInt64) {
        if let cached = metadataCache[agent] { return send(.response(id: id, .metadata(cached)), to: client) }
        let bound = bound
        MetadataFetcher.fetch(agent, runner: runner) { result in
            bound.loop.execute {
                let core = bound.value
                switch result {
                case .success(let text):
                    core.metadataCache[agent] = text
                    core.send(.response(id: id, .metadata(text)), to: client)
                case .failure(let failure):
                    core.send(.response(id: id, .failure(failure.message)), to: client)
                }
            }
        }
    }

    func track(_ client: ClientID, _ id: UInt64) -> RequestID {
        defer { nextRequest += 1 }
        let request = RequestID(nextRequest)
        pendingReplies[request] = (client, id)
        return request
    }

    func agentFinished(_ callID: CallID, _ run: AgentRun) {
        processes[callID] = nil
        perform(executor.handle(.agentFinished(callID, run, at: now)))
    }

    func timerFired(_ token: TimerToken) {
        timers[token] = nil
        guard !isShutDown else { return }
        perform(executor.handle(.timerFired(token, at: now)))
    }

    func perform(_ directives: [Executor.Directive]) {
        // Agents start first: writing a reply or a result before would only delay the agent. Nothing about the
        // agent can come back before this returns, since its end is reported through this loop.
        for case .startAgent(let callID, let invocation) in directives { startAgent(callID, invocation) }
        for directive in directives {
            switch directive {
            case .reply(let request, let reply):
                guard let (client, id) = pendingReplies.removeValue(forKey: request) else { continue }
                switch reply {
                case .accepted(let callID): send(.response(id: id, callID.map { .accepted($0) } ?? .ok), to: client)
                case .rejected(let error): send(.response(id: id, .failure(error.description)), to: client)
                }
            case .startAgent: continue
            case .killAgent(let callID):
                if let handle = processes[callID] { runner.supervisor.kill(handle) }
            case .scheduleTimer(let token, let delay):
                let bound = bound
                timers[token] = loop.scheduleTask(in: .nanoseconds(delay.wholeNanoseconds)) {
                    bound.value.timerFired(token)
                }
            case .deliver(let result, let target):
                logResult(result)
                if let target {
                    send(.result(result), to: target)
                } else {
                    for (client, state) in clients where state.isSubscribed { send(.result(result), to: client) }
                }
            }
        }
    }

    func startAgent(_ callID: CallID, _ invocation: AgentInvocation) {
        guard !isShutDown else { return }  // queued work is dropped at shutdown, never started
        let handle = runner.supervisor.reserve()
        processes[callID] = handle
        let bound = bound
        runner.supervisor.onExit(handle) { run in
            bound.loop.execute { bound.value.agentFinished(callID, run) }
        }
        if processes.count <= Self.inlineSpawnLimit {
            runner.spawn(invocation, reserved: handle)  // a quiet loop can afford to block briefly
        } else {
            // posix_spawn blocks until the child has exec'd, which takes long on a loaded machine.
            let runner = runner
            NIOThreadPool.singleton.submit { _ in runner.spawn(invocation, reserved: handle) }
        }
    }

    func logResult(_ result: OperationResult) {
        Timer(label: "ha.lrmd.agent.duration", dimensions: [("action", result.key.action)])
            .recordNanoseconds(result.executionTime.wholeNanoseconds)
        Counter(label: "ha.lrmd.operations", dimensions: [("status", result.status.description)]).increment()
        guard result.status != .done && result.status != .cancelled || logger.logLevel <= .debug else { return }
        let metadata: Logger.Metadata = [
            "resource": "\(result.key.resource)", "operation": "\(result.key)", "rc": "\(result.exitCode.rawValue)",
            "status": "\(result.status)", "call": "\(result.callID)",
        ]
        if result.status == .done || result.status == .cancelled {
            logger.debug("operation finished", metadata: metadata)
        } else {
            logger.error("operation failed to execute", metadata: metadata)
        }
    }

    func send(_ message: LRMDMessage, to client: ClientID) {
        clients[client]?.channel.writeAndFlush(message, promise: nil)
    }
}

extension NIOLoopBound {
    /// The loop the value is bound to.
    var loop: any EventLoop { eventLoop }
}

extension Duration {
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Fetches an agent's meta-data: OCF and fence agents print it; LSB meta-data is made from the script's
/// `### BEGIN INIT INFO` header. Text that does not parse as meta-data is refused.
public enum MetadataFetcher {
    /// Calls `completion` (on the supervisor's thread, or at once) with the meta-data text or why it failed.
    static func fetch(
        _ agent: AgentIdentifier, runner: AgentRunner,
        completion: @escaping @Sendable (Result<String, MetadataFailure>) -> Void
    ) {
        if agent.standard == .lsb {
            guard let path = runner.locator.path(for: agent), let script = FileReader.read(path, maximumBytes: 1 << 20)
            else { return completion(.failure(MetadataFailure(message: "agent \(agent) is not installed"))) }
            return completion(.success(LSBMetadata.synthesize(name: agent.type, script: script)))
        }
        let invocation = AgentInvocation(resource: agent.type, agent: agent, action: "meta-data", timeout: .seconds(30))
        runner.supervisor.onExit(runner.spawn(invocation)) { run in
            completion(interpret(run, agent: agent, invocation: invocation))
        }
    }

    static func interpret(_ run: AgentRun, agent: AgentIdentifier, invocation: AgentInvocation) -> Result<
        String, MetadataFailure
    > {
        let (code, status, reason) = AgentOutcome.interpret(
            run, standard: agent.standard, action: invocation.action, timeout: invocation.timeout)
        guard status == .done, code == .success else {
            let why = reason.isEmpty ? "\(code)" : reason
            return .failure(MetadataFailure(message: "meta-data of \(agent) failed: \(status): \(why)"))
        }
        do {
            _ = try AgentMetadata(parsing: run.standardOutput, source: agent.description)
        } catch {
            return .failure(MetadataFailure(message: "meta-data of \(agent): \(error)"))
        }
        return .success(run.standardOutput)
    }

    /// Fetches and checks meta-data without lrmd (for tools that run agents directly).
    public static func metadata(of agent: AgentIdentifier, runner: AgentRunner) async -> Result<String, any Error> {
        await withCheckedContinuation { continuation in
            fetch(agent, runner: runner) { continuation.resume(returning: $0.mapError { $0 as any Error }) }
        }
    }
}

struct MetadataFailure: Error, Sendable {
    var message: String
}
