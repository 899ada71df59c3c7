import ArgumentParser
import Foundation
import Membership
import Messaging
import NIOCore
import Synchronization

/// `ha-bench membership`: detection-plus-agreement after `kill -9`, rejoin, and merge after a healed partition,
/// for several cluster sizes, idle and under message load; plus an optional soak counting false suspicions.
struct MembershipBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "membership",
        abstract: "Time view agreement after kill -9, rejoin and partition heal; count false suspicions under load",
        discussion: """
            Runs real heartbeat daemons (the executable next to this one) on 127.0.0.x, or in network namespaces \
            on a bridge with --netns (needed for true partitions; without it a partition is a SIGSTOP of the node). \
            Each repetition prints `RESULT mode=killtest nodes=N load=on|off rep=R detect_ms=… rejoin_ms=… \
            merge_ms=…`; --soak S prints `RESULT mode=soak … false_suspicions=…`. See Docs/Benchmarks/membership.md.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Cluster sizes") var nodes: [Int] = [3, 5, 8]
    @Option(name: .long, help: "Repetitions per size") var reps = 3
    @Flag(name: .long, help: "Also measure under full message load") var load = false
    @Option(name: .long, help: "Soak: seconds under full load on the first size, counting view changes (0: none)")
    var soak = 0
    @Flag(name: .long, help: "Run the nodes in network namespaces (root) so partitions are real")
    var netns = false
    @Option(name: .long, help: "Message size of the load, bytes") var size = 1024

    func validate() throws {
        guard nodes.allSatisfy({ (2...9).contains($0) }) else { throw ValidationError("--nodes values must be 2...9") }
        guard reps > 0, soak >= 0, (16...60_000).contains(size) else { throw ValidationError("bad --reps, --soak or --size") }
    }

    func run() async throws { try await benchmark() }

    /// Runs every measurement the options ask for.
    func benchmark() async throws {
        let heartbeat = try sibling("heartbeat")
        for count in nodes {
            for loaded in load ? [false, true] : [false] {
                try await measure(count: count, loaded: loaded, heartbeat: heartbeat)
            }
        }
        if soak > 0, let count = nodes.first {
            try await runSoak(count: count, heartbeat: heartbeat)
        }
    }

    private func measure(count: Int, loaded: Bool, heartbeat: String) async throws {
        let bed = try BenchCluster(count: count, heartbeat: heartbeat, netns: netns)
        defer { bed.tearDown() }
        try await bed.formed()
        let generator = loaded ? LoadGenerator(cluster: bed.cluster, nodes: Array(0..<(count - 1)), size: size) : nil
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let generator { group.addTask { try await generator.run() } }
            if generator != nil { try await Task.sleep(for: .seconds(1)) }
            for rep in 1...reps {
                let detect = try await bed.killLast()
                let rejoin = try await bed.restartLast()
                let merge = try await bed.partitionAndHealLast()
                let rate = generator.map { " load_msgs_per_s=\($0.rate())" } ?? ""
                print(
                    "RESULT mode=killtest nodes=\(count) load=\(loaded ? "on" : "off") rep=\(rep) detect_ms=\(detect)"
                        + " rejoin_ms=\(rejoin) merge_ms=\(merge) partition=\(netns ? "netns" : "sigstop")\(rate)")
                fflush(nil)
            }
            generator?.stop()
            try await group.waitForAll()
        }
    }

    private func runSoak(count: Int, heartbeat: String) async throws {
        let bed = try BenchCluster(count: count, heartbeat: heartbeat, netns: netns)
        defer { bed.tearDown() }
        let initial = try await bed.formed()
        let generator = LoadGenerator(cluster: bed.cluster, nodes: Array(0..<count), size: size)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await generator.run() }
            try await Task.sleep(for: .seconds(soak))
            generator.stop()
            try await group.waitForAll()
        }
        var changes = 0
        for index in 0..<count {
            let view = await bed.cluster.status(index)?.view
            if view?.id != initial.id { changes += 1 }
        }
        print(
            "RESULT mode=soak nodes=\(count) seconds=\(soak) size=\(size) delivered=\(generator.delivered())"
                + " msgs_per_s=\(generator.delivered() / max(soak, 1)) false_suspicions=\(generator.viewChanges())"
                + " nodes_with_new_view=\(changes)")
    }

    private func sibling(_ name: String) throws -> String {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("cannot find \(name) next to ha-bench (build it: swift build -c release)")
        }
        return path
    }
}

/// Keeps every chosen node's group busy: each client keeps a window of its own messages in flight and counts
/// deliveries and view changes.
final class LoadGenerator: Sendable {
    let cluster: LocalCluster.Sockets
    let nodes: [Int]
    let size: Int
    private let state = Mutex<(stopped: Bool, delivered: Int, views: Int, started: ContinuousClock.Instant)>(
        (false, 0, 0, .now))

    init(cluster: LocalCluster, nodes: [Int], size: Int) {
        self.cluster = cluster.sockets
        self.nodes = nodes
        self.size = size
    }

    func stop() { state.withLock { $0.stopped = true } }
    func delivered() -> Int { state.withLock { $0.delivered } }
    func viewChanges() -> Int { state.withLock { $0.views } }
    func rate() -> Int {
        state.withLock { value in
            let elapsed = ContinuousClock.now - value.started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return Int(Double(value.delivered) / max(seconds, 0.001))
        }
    }

    func run() async throws {
        state.withLock { $0.started = .now }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in nodes {
                let socket = cluster.paths[index]
                group.addTask { try await self.drive(socket: socket, node: index) }
            }
            try await group.waitForAll()
        }
    }

    private func drive(socket: String, node: Int) async throws {
        let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
        try await HeartbeatClient.withConnection(socketPath: socket, name: "load\(node)") { connection in
            try await connection.join("bench-load")
            var inFlight = 0
            var iterator = connection.events.makeAsyncIterator()
            try await fill(connection, payload, &inFlight)
            while let event = try await iterator.next() {
                if state.withLock({ $0.stopped }) { return }
                switch event {
                case .message(_, let from, _):
                    if node == nodes.first { state.withLock { $0.delivered += 1 } }
                    if from.member.node == NodeID(UInt32(node + 1)) { inFlight -= 1 }
                case .failure:
                    // Flow control: wait a moment for deliveries, as cpg-bench does on CS_ERR_TRY_AGAIN.
                    inFlight -= 1
                    try await Task.sleep(for: .milliseconds(1))
                case .view:
                    // Nothing is killed while the generator runs a soak: any view change is a false suspicion.
                    if node == nodes.first { state.withLock { $0.views += 1 } }
                default: break
                }
                try await fill(connection, payload, &inFlight)
            }
        }
    }

    private func fill(_ connection: HeartbeatConnection, _ payload: ByteBuffer, _ inFlight: inout Int) async throws {
        while inFlight < 64 {
            try await connection.send(payload, to: "bench-load")
            inFlight += 1
        }
    }
}
