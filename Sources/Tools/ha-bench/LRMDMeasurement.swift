import Logging
import NIOCore
import ResourceAgents
import ServiceLifecycle

/// Operations through a real lrmd service over its Unix socket.
struct LRMDMeasurement: Sendable {
    let locator: AgentLocator
    let settings: AgentEnvironmentSettings
    let directory: String
    let agent: AgentIdentifier
    let action: String

    /// Starts lrmd, connects a subscribed client, runs `body`, shuts lrmd down.
    func measure<T: Sendable>(_ body: (LRMDClient) async throws -> T) async throws -> T {
        var logger = Logger(label: "ha.bench.lrmd")
        logger.logLevel = .error
        let configuration = LRMDConfiguration(runDirectory: directory, locator: locator, settings: settings)
        let service = LRMDService(configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await service.waitUntilListening()
            let client = try await LRMDClient.connect(socketPath: configuration.socketPath)
            try await client.subscribe()
            try await client.register(
                ResourceDefinition(id: "bench0", agent: agent, parameters: ["state": "\(directory)/bench0"]))
            let value = try await body(client)
            await client.close()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        }
    }

    /// One operation, waited for.
    /// One operation, waited for; returns how long lrmd saw the agent run (spawn to reaping), in milliseconds.
    @discardableResult
    nonisolated(nonsending) func once(_ client: LRMDClient) async throws -> Double {
        let result = try await client.executeAndWait(
            OperationRequest(key: OperationKey(resource: "bench0", action: action)))
        try check(result)
        return lrmSeconds(result.executionTime) * 1000
    }

    /// `resources × perResource` operations queued at once; returns when all have completed.
    nonisolated(nonsending) func throughput(
        _ client: LRMDClient, resources: Int, perResource: Int
    ) async throws -> LRMTiming {
        for index in 0..<resources {
            let id = "bench\(index)"
            try await client.register(
                ResourceDefinition(id: id, agent: agent, parameters: ["state": "\(directory)/\(id)"]))
        }
        let total = resources * perResource
        var callIDs: Set<CallID> = []
        return try await LRMTiming.measure(1) {
            for round in 0..<perResource {
                for index in 0..<resources {
                    let request = OperationRequest(
                        key: OperationKey(resource: "bench\(index)", action: action), parameters: ["round": "\(round)"])
                    callIDs.insert(try await client.execute(request))
                }
            }
            var done = 0
            for await result in client.results where callIDs.contains(result.callID) {
                try check(result)
                done += 1
                if done == total { break }
            }
        }.scaled(to: total)
    }

    func check(_ result: OperationResult) throws {
        guard result.status == .done, result.exitCode == .notRunning || result.exitCode == .success else {
            throw LRMBenchError.operationFailed(
                "\(result.key): rc \(result.exitCode) \(result.status) \(result.exitReason)")
        }
    }
}

extension LRMTiming {
    func scaled(to count: Int) -> LRMTiming {
        LRMTiming(count: count, wall: wall, ownCPU: ownCPU, childCPU: childCPU, switches: switches)
    }
}

/// Runs the benchmark's side of the connection on the client's event loop: an actor whose executor is that
/// loop, as a loop-based client such as crmd is. A request is then written and its result taken up without a
/// thread hop in the client, so what the lrmd figures add to a bare fork/exec is lrmd's own doing.
actor LRMLoopDriver {
    nonisolated let executor: any SerialExecutor

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(loop: any EventLoop) { executor = loop.executor }

    func run(
        _ plan: LRMBenchPlan, _ measurement: LRMDMeasurement, client: LRMDClient, command: AgentCommand,
        invocation: AgentInvocation, cores: Int
    ) async throws -> LRMFigures {
        try await plan.measureAll(measurement, client: client, command: command, invocation: invocation, cores: cores)
    }
}
