import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import ResourceAgents

/// Runs an LRMDService in-process for one test body, then shuts it down gracefully.
func withLRMD<T: Sendable>(
    policy: PeerPolicy = .standard(), locator: AgentLocator = TestSupport.locator,
    _ body: @Sendable (String, String) async throws -> T
) async throws -> T {
    let directory = TestSupport.temporaryDirectory("lrmd")
    defer { TestSupport.removeTree(directory) }
    var logger = Logger(label: "ha.lrmd.test")
    logger.logLevel = .warning
    let configuration = LRMDConfiguration(
        runDirectory: directory, locator: locator,
        settings: AgentEnvironmentSettings(resourceTemporaryDirectory: directory), peerPolicy: policy)
    let service = LRMDService(configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        let shutdownGroup = ServiceGroup(services: [service], logger: logger)
        group.addTask {
            try await shutdownGroup.run()
            return nil
        }
        await service.waitUntilListening()
        let value = try await body(configuration.socketPath, directory)
        await shutdownGroup.triggerGracefulShutdown()
        for try await _ in group {}
        return value
    }
}

@Suite(.tags(.integration), .serialized)
struct LRMDServiceTests {
    static let dummy = try! AgentIdentifier(parsing: "ocf:linux-ha:Dummy")

    @Test func lifecycleThroughTheSocket() async throws {
        try await withLRMD { socket, directory in
            let client = try await LRMDClient.connect(socketPath: socket)
            try await client.subscribe()
            try await client.register(
                ResourceDefinition(id: "d1", agent: Self.dummy, parameters: ["state": "\(directory)/d1"]))
            var codes: [OCFExitCode] = []
            for action in ["monitor", "start", "monitor", "stop", "monitor"] {
                let key = OperationKey(resource: "d1", action: action)
                codes.append(try await client.executeAndWait(OperationRequest(key: key)).exitCode)
            }
            #expect(codes == [.notRunning, .success, .success, .success, .notRunning])
            let history = try await client.history(of: "d1")
            #expect(history.map(\.key.description) == ["d1_monitor_0", "d1_start_0", "d1_stop_0"])
            #expect(try await client.resources().map(\.id) == ["d1"])
            #expect(try await client.names(.listStandards) == ["ocf", "lsb", "stonith"])
            #expect(try await client.names(.listProviders(agentType: "Stateful")).contains("linux-ha"))
            #expect(try await client.names(.listAgents(.ocf, provider: "linux-ha")) == ["Dummy", "Stateful"])
            let metadata = try await client.metadata(of: Self.dummy)
            #expect(try AgentMetadata(parsing: metadata).name == "Dummy")
            try await client.unregister("d1")
            await #expect(throws: LRMDClientError.self) { try await client.history(of: "d1") }
            await client.close()
        }
    }

    @Test func recurringMonitorCancelAndStopImpliesCancel() async throws {
        try await withLRMD { socket, directory in
            let client = try await LRMDClient.connect(socketPath: socket)
            try await client.subscribe()
            try await client.register(
                ResourceDefinition(id: "d1", agent: Self.dummy, parameters: ["state": "\(directory)/d1"]))
            _ = try await client.executeAndWait(OperationRequest(key: OperationKey(resource: "d1", action: "start")))
            let monitor = OperationKey(resource: "d1", action: "monitor", interval: .milliseconds(200))
            let callID = try await client.execute(OperationRequest(key: monitor))
            #expect(try await client.execute(OperationRequest(key: monitor)) == callID)  // merged
            var runs = 0
            for await result in client.results where result.callID == callID {
                runs += 1
                if runs == 3 { break }
            }
            await #expect(throws: LRMDClientError.self) {
                try await client.cancel(OperationKey(resource: "d1", action: "monitor", interval: .seconds(9)))
            }
            let stop = try await client.executeAndWait(
                OperationRequest(key: OperationKey(resource: "d1", action: "stop")))
            #expect(stop.exitCode == .success)
            try await Task.sleep(for: .milliseconds(500))
            let history = try await client.history(of: "d1")
            let lastMonitor = try #require(history.first { $0.key == monitor })
            #expect(lastMonitor.exitCode == .success)  // no monitor ran after the stop
            await client.close()
        }
    }

    @Test func daemonSurvivesBadRequestsAndDisconnects() async throws {
        try await withLRMD { socket, _ in
            // Garbage frames on a raw connection.
            let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socket).get()
            var garbage = ByteBuffer()
            garbage.writeInteger(UInt32(9))
            garbage.writeString("nonsense\n")
            garbage.writeInteger(UInt32.max)
            try? await raw.writeAndFlush(garbage)
            try? await raw.close()
            // A client that disconnects with an operation in flight.
            let leaving = try await LRMDClient.connect(socketPath: socket)
            try await leaving.register(ResourceDefinition(id: "s", agent: Self.dummy, parameters: ["op_sleep": "1"]))
            _ = try await leaving.execute(OperationRequest(key: OperationKey(resource: "s", action: "monitor")))
            await leaving.close()
            // Still serving.
            let client = try await LRMDClient.connect(socketPath: socket)
            #expect(try await client.names(.listStandards).count == 3)
            await #expect(throws: LRMDClientError.self) {
                try await client.execute(OperationRequest(key: OperationKey(resource: "nope", action: "start")))
            }
            await client.close()
        }
    }

    @Test func executeAndWaitIsRefusedOrEndsWithTheConnection() async throws {
        try await withLRMD { socket, _ in
            let client = try await LRMDClient.connect(socketPath: socket)
            let unknown = OperationRequest(key: OperationKey(resource: "nope", action: "start"))
            await #expect(throws: LRMDClientError.refused("no resource 'nope' is registered")) {
                try await client.executeAndWait(unknown)
            }
            try await client.register(ResourceDefinition(id: "s", agent: Self.dummy, parameters: ["op_sleep": "5"]))
            let start = OperationRequest(key: OperationKey(resource: "s", action: "start"))
            let waiting = Task { try await client.executeAndWait(start) }
            try await Task.sleep(for: .milliseconds(300))
            await client.close()
            await #expect(throws: LRMDClientError.disconnected) { try await waiting.value }
            await #expect(throws: LRMDClientError.disconnected) {
                try await client.executeAndWait(OperationRequest(key: OperationKey(resource: "s", action: "monitor")))
            }
        }
    }

    @Test func metadataIsCachedPerAgent() async throws {
        let agents = TestSupport.temporaryDirectory("lrmd-agents")
        defer { TestSupport.removeTree(agents) }
        mkdir("\(agents)/test", 0o755)
        let script = try #require(TestSupport.readFile("\(TestSupport.repository)/agents/ocf/linux-ha/Dummy"))
        TestSupport.writeFile("\(agents)/test/Cached", script)
        let locator = AgentLocator(ocfRoot: "/usr/lib/ocf", ocfDirectories: [agents])
        try await withLRMD(locator: locator) { socket, _ in
            let client = try await LRMDClient.connect(socketPath: socket)
            let agent = try AgentIdentifier(parsing: "ocf:test:Cached")
            let first = try await client.metadata(of: agent)
            unlink("\(agents)/test/Cached")
            #expect(try await client.metadata(of: agent) == first)  // from the cache: the agent is gone
            await #expect(throws: LRMDClientError.self) {
                try await client.metadata(of: AgentIdentifier(parsing: "ocf:test:Missing"))
            }
            await client.close()
        }
    }

    @Test func peersOutsideThePolicyAreRefused() async throws {
        let nobody = PeerPolicy(allowedUsers: [], allowedGroup: nil)
        try await withLRMD(policy: nobody) { socket, _ in
            let client = try await LRMDClient.connect(socketPath: socket)
            await #expect(throws: LRMDClientError.self) { try await client.names(.listStandards) }
            await client.close()
        }
    }

    @Test func timeoutIsReportedThroughTheSocket() async throws {
        try await withLRMD { socket, directory in
            let client = try await LRMDClient.connect(socketPath: socket)
            try await client.register(
                ResourceDefinition(
                    id: "slow", agent: Self.dummy, parameters: ["op_sleep": "20", "state": "\(directory)/s"]))
            let request = OperationRequest(
                key: OperationKey(resource: "slow", action: "start"), timeout: .milliseconds(300),
                notifiesOriginOnly: true)
            let result = try await client.executeAndWait(request)
            #expect(result.status == .timedOut)
            #expect(result.exitCode == .genericError)
            await client.close()
        }
    }

    @Test func gracefulShutdownKillsRunningAgents() async throws {
        try await withLRMD { socket, directory in
            let client = try await LRMDClient.connect(socketPath: socket)
            try await client.register(
                ResourceDefinition(
                    id: "slow", agent: Self.dummy, parameters: ["op_sleep": "37", "state": "\(directory)/s"]))
            try await client.register(
                ResourceDefinition(id: "d2", agent: Self.dummy, parameters: ["state": "\(directory)/2"]))
            _ = try await client.execute(OperationRequest(key: OperationKey(resource: "slow", action: "start")))
            _ = try await client.execute(OperationRequest(key: OperationKey(resource: "slow", action: "stop")))
            try await Task.sleep(for: .milliseconds(200))
            await client.close()
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(sleepingChildren(matching: "37").isEmpty)
    }
}
