import Logging
import NIOCore

/// The state of one running lrmd: the executor core plus the I/O bookkeeping around it (clients, pending
/// replies, process handles, the meta-data cache). Lives inside `LRMDService.run`'s task group.
struct LRMDLoop {
    struct Client {
        var channel: any Channel
        var isSubscribed = false
    }

    let runner: AgentRunner
    let inputs: AsyncStream<LRMDInput>.Continuation
    let logger: Logger
    let start = ContinuousClock.now
    var executor = Executor()
    var clients: [ClientID: Client] = [:]
    var pendingReplies: [RequestID: (ClientID, UInt64)] = [:]
    var processes: [CallID: ProcessSupervisor.Handle] = [:]
    var metadataCache: [AgentIdentifier: String] = [:]
    var nextRequest: UInt64 = 1

    init(runner: AgentRunner, inputs: AsyncStream<LRMDInput>.Continuation, logger: Logger) {
        self.runner = runner
        self.inputs = inputs
        self.logger = logger
    }

    var now: Duration { ContinuousClock.now - start }

    mutating func handle(_ input: LRMDInput, group: inout DiscardingTaskGroup) {
        switch input {
        case .connected(let client, let channel):
            clients[client] = Client(channel: channel)
            logger.debug("lrmd client connected", metadata: ["client": "\(client)"])
        case .disconnected(let client):
            clients[client] = nil
            logger.debug("lrmd client disconnected", metadata: ["client": "\(client)"])
        case .request(let client, let id, let request):
            handleRequest(request, from: client, id: id, group: &group)
        case .badMessage(let client, let error):
            logger.warning("lrmd bad request", metadata: ["client": "\(client)", "error": "\(error)"])
            send(.response(id: 0, .failure(error.description)), to: client)
        case .agentFinished(let callID, let run):
            processes[callID] = nil
            perform(executor.handle(.agentFinished(callID, run, at: now)), group: &group)
        case .timerFired(let token):
            perform(executor.handle(.timerFired(token, at: now)), group: &group)
        case .metadataFetched(let agent, let result, let client, let id):
            switch result {
            case .success(let text):
                metadataCache[agent] = text
                send(.response(id: id, .metadata(text)), to: client)
            case .failure(let failure):
                send(.response(id: id, .failure(failure.message)), to: client)
            }
        }
    }

    mutating func handleRequest(_ request: LRMDRequest, from client: ClientID, id: UInt64, group: inout DiscardingTaskGroup) {
        let locator = runner.locator
        switch request {
        case .register(let definition):
            perform(executor.handle(.registerRequested(definition, request: track(client, id))), group: &group)
        case .unregister(let resource):
            perform(executor.handle(.unregisterRequested(resource: resource, request: track(client, id), at: now)), group: &group)
        case .execute(let operation):
            let event = Executor.Event.executeRequested(operation, from: client, request: track(client, id), at: now)
            perform(executor.handle(event), group: &group)
        case .cancel(let key):
            perform(executor.handle(.cancelRequested(key, request: track(client, id), at: now)), group: &group)
        case .history(let resource):
            let resources = resource.map { [$0] } ?? executor.registeredResources.map(\.id)
            if let resource, executor.definition(of: resource) == nil {
                send(.response(id: id, .failure(ExecutorError.unknownResource(resource).description)), to: client)
            } else {
                send(.response(id: id, .results(resources.flatMap { executor.history(of: $0) })), to: client)
            }
        case .listResources: send(.response(id: id, .resources(executor.registeredResources)), to: client)
        case .listStandards: send(.response(id: id, .names(locator.standards.map(\.rawValue))), to: client)
        case .listProviders(let agentType): send(.response(id: id, .names(locator.providers(of: agentType))), to: client)
        case .listAgents(let standard, let provider):
            send(.response(id: id, .names(locator.agents(of: standard, provider: provider))), to: client)
        case .metadata(let agent): fetchMetadata(agent, client: client, id: id, group: &group)
        case .subscribe:
            clients[client]?.isSubscribed = true
            send(.response(id: id, .ok), to: client)
        }
    }

    mutating func fetchMetadata(_ agent: AgentIdentifier, client: ClientID, id: UInt64, group: inout DiscardingTaskGroup) {
        if let cached = metadataCache[agent] {
            send(.response(id: id, .metadata(cached)), to: client)
            return
        }
        let runner = runner
        let inputs = inputs
        group.addTask {
            let result = await MetadataFetcher.fetch(agent, runner: runner)
            inputs.yield(.metadataFetched(agent, result, client: client, id: id))
        }
    }

    mutating func track(_ client: ClientID, _ id: UInt64) -> RequestID {
        defer { nextRequest += 1 }
        let request = RequestID(nextRequest)
        pendingReplies[request] = (client, id)
        return request
    }

    mutating func perform(_ directives: [Executor.Directive], group: inout DiscardingTaskGroup) {
        for directive in directives {
            switch directive {
            case .reply(let request, let reply):
                guard let (client, id) = pendingReplies.removeValue(forKey: request) else { continue }
                switch reply {
                case .accepted(let callID): send(.response(id: id, callID.map { .accepted($0) } ?? .ok), to: client)
                case .rejected(let error): send(.response(id: id, .failure(error.description)), to: client)
                }
            case .startAgent(let callID, let invocation):
                let handle = runner.spawn(invocation)
                processes[callID] = handle
                let inputs = inputs
                runner.supervisor.onExit(handle) { inputs.yield(.agentFinished(callID, $0)) }
            case .killAgent(let callID):
                if let handle = processes[callID] { runner.supervisor.kill(handle) }
            case .scheduleTimer(let token, let delay):
                let inputs = inputs
                group.addTask {
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    inputs.yield(.timerFired(token))
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

    func logResult(_ result: OperationResult) {
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

/// Fetches an agent's meta-data: OCF and fence agents print it; LSB meta-data is made from the script's
/// `### BEGIN INIT INFO` header. Text that does not parse as meta-data is refused.
public enum MetadataFetcher {
    static func fetch(_ agent: AgentIdentifier, runner: AgentRunner) async -> Result<String, MetadataFailure> {
        if agent.standard == .lsb {
            guard let path = runner.locator.path(for: agent), let script = FileReader.read(path, maximumBytes: 1 << 20)
            else { return .failure(MetadataFailure(message: "agent \(agent) is not installed")) }
            return .success(LSBMetadata.synthesize(name: agent.type, script: script))
        }
        let invocation = AgentInvocation(resource: agent.type, agent: agent, action: "meta-data", timeout: .seconds(30))
        let result = await runner.run(invocation)
        guard result.status == .done, result.exitCode == .success else {
            let reason = result.exitReason.isEmpty ? "\(result.exitCode)" : result.exitReason
            return .failure(MetadataFailure(message: "meta-data of \(agent) failed: \(result.status): \(reason)"))
        }
        do {
            _ = try AgentMetadata(parsing: result.run.standardOutput, source: agent.description)
        } catch {
            return .failure(MetadataFailure(message: "meta-data of \(agent): \(error)"))
        }
        return .success(result.run.standardOutput)
    }

    /// Fetches and parses meta-data without lrmd (for tools that run agents directly).
    public static func metadata(of agent: AgentIdentifier, runner: AgentRunner) async -> Result<String, any Error> {
        await fetch(agent, runner: runner).mapError { $0 as any Error }
    }
}
