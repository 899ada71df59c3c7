import Logging
import ResourceAgents
import ServiceLifecycle

/// Operations through a real lrmd service over its Unix socket.
struct LRMDMeasurement {
    struct Figures {
        var sequentialCount: Int
        var sequentialMean: Double
        var resources: Int
        var throughputCount: Int
        var opsPerSecond: Double
        var cpuPerOperation: Double
    }

    let locator: AgentLocator
    let settings: AgentEnvironmentSettings
    let directory: String
    let agent: AgentIdentifier
    let action: String

    func measure(sequential: Int, resources: Int, perResource: Int) async throws -> Figures {
        var logger = Logger(label: "ha.bench.lrmd")
        logger.logLevel = .error
        let configuration = LRMDConfiguration(runDirectory: directory, locator: locator, settings: settings)
        let service = LRMDService(configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        return try await withThrowingTaskGroup(of: Figures?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            await service.waitUntilListening()
            let client = try await LRMDClient.connect(socketPath: configuration.socketPath)
            try await client.subscribe()
            let figures = try await run(client, sequential: sequential, resources: resources, perResource: perResource)
            await client.close()
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return figures
        }
    }

    func run(_ client: LRMDClient, sequential: Int, resources: Int, perResource: Int) async throws -> Figures {
        for index in 0..<resources {
            let id = "bench\(index)"
            try await client.register(ResourceDefinition(id: id, agent: agent, parameters: ["state": "\(directory)/\(id)"]))
        }
        let key = OperationKey(resource: "bench0", action: action)
        let start = ContinuousClock.now
        for _ in 0..<sequential { try check(await client.executeAndWait(OperationRequest(key: key))) }
        let sequentialElapsed = seconds(ContinuousClock.now - start)

        let total = resources * perResource
        let cpuBefore = processCPUSeconds(children: false)
        let throughputStart = ContinuousClock.now
        var callIDs: Set<CallID> = []
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
        let throughputElapsed = seconds(ContinuousClock.now - throughputStart)
        let cpu = processCPUSeconds(children: false) - cpuBefore
        return Figures(
            sequentialCount: sequential, sequentialMean: sequentialElapsed / Double(sequential) * 1000,
            resources: resources, throughputCount: total, opsPerSecond: Double(total) / throughputElapsed,
            cpuPerOperation: cpu / Double(total) * 1000)
    }

    func check(_ result: OperationResult) throws {
        guard result.status == .done, result.exitCode == .notRunning || result.exitCode == .success else {
            throw BenchError.operationFailed("\(result.key): rc \(result.exitCode) \(result.status) \(result.exitReason)")
        }
    }
}
