import Foundation
import Logging
import Messaging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Collects one node's deliveries and the peers its failure detector heard.
final class Recorder: Sendable {
    let messages = Mutex<[String]>([])
    let views = Mutex<[View]>([])
    let heard = Mutex<[NodeID: Incarnation]>([:])

    var handlers: MessagingNode.Handlers {
        MessagingNode.Handlers(
            onDelivery: { delivery in
                switch delivery {
                case .message(let from, let payload, _):
                    self.messages.withLock { $0.append("\(from.node):\(String(buffer: payload))") }
                case .view(let view):
                    self.views.withLock { $0.append(view) }
                }
            },
            onPeerEvent: { event in
                if case .peerHeard(let member, _) = event { self.heard.withLock { $0[member.node] = member.incarnation } }
            })
    }
}

/// Real nodes on 127.0.0.x, each on its own threads and sockets.
struct LoopbackNodes {
    var nodes: [MessagingNode] = []
    var recorders: [Recorder] = []

    static func start(count: Int, port: Int, extraPeer: SocketAddress? = nil) async throws -> LoopbackNodes {
        var result = LoopbackNodes()
        let key = try ClusterKey(bytes: Array(repeating: 7, count: 32))
        for index in 1...count {
            var peers: [NodeID: SocketAddress] = [:]
            for peer in 1...count where peer != index {
                peers[NodeID(UInt32(peer))] = try SocketAddress(ipAddress: "127.0.0.\(peer)", port: port)
            }
            if index == 1, let extraPeer { peers[NodeID(99)] = extraPeer }
            let configuration = NodeConfiguration(
                node: NodeID(UInt32(index)), clusterName: "test",
                links: [.init(bind: try SocketAddress(ipAddress: "127.0.0.\(index)", port: port), kind: .unicast(peers: peers))],
                keys: [1: key], activeKeyNumber: 1)
            let recorder = Recorder()
            result.recorders.append(recorder)
            result.nodes.append(
                try await MessagingNode.start(configuration: configuration, handlers: recorder.handlers, logger: Logger(label: "test")))
        }
        return result
    }

    /// Waits until everyone heard everyone, then installs one view of all (the bench's static membership).
    func installStaticView() async throws {
        let count = nodes.count
        try await waitUntil("every node hears every other") {
            recorders.allSatisfy { $0.heard.withLock { $0.count } >= count - 1 }
        }
        let members = nodes.map(\.member)
        for node in nodes { node.installView(View(id: ViewID(1), members: members)) }
        try await waitUntil("view installed") { recorders.allSatisfy { !$0.views.withLock { $0 }.isEmpty } }
    }

    func shutdown() async {
        for node in nodes { try? await node.shutdown() }
    }
}

func waitUntil(_ what: String, seconds: Double = 10, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

@Suite("UDP on loopback", .serialized)
struct UDPIntegrationTests {
    @Test("three real nodes deliver every message in one order")
    func threeNodesAgree() async throws {
        let cluster = try await LoopbackNodes.start(count: 3, port: 27_400)
        defer { Task { await cluster.shutdown() } }
        try await cluster.installStaticView()
        for round in 0..<100 {
            for node in cluster.nodes { try await node.submit(ByteBuffer(string: "m\(round)")).get() }
        }
        try await waitUntil("all delivered") { cluster.recorders.allSatisfy { $0.messages.withLock { $0.count } == 300 } }
        let first = cluster.recorders[0].messages.withLock { $0 }
        for recorder in cluster.recorders { #expect(recorder.messages.withLock { $0 } == first) }
        await cluster.shutdown()
    }

    @Test("a fuzzer's random, truncated, bit-flipped and replayed datagrams are dropped; the node keeps delivering")
    func fuzzedNodeKeepsDelivering() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let capture = Capture()
        let fuzzerAddress = try SocketAddress(ipAddress: "127.0.0.9", port: 27_510)
        let fuzzer = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(capture)
                }
            }
            .bind(to: fuzzerAddress).get()
        let cluster = try await LoopbackNodes.start(count: 2, port: 27_500, extraPeer: fuzzerAddress)
        try await cluster.installStaticView()
        for index in 0..<50 { try await cluster.nodes[0].submit(ByteBuffer(string: "before\(index)")).get() }
        try await waitUntil("captured traffic") { capture.captured.withLock { $0.count } >= 5 }
        let target = try SocketAddress(ipAddress: "127.0.0.2", port: 27_500)
        var generator = SystemRandomNumberGenerator()
        let samples = capture.captured.withLock { $0 }
        for round in 0..<2_000 {
            var packet = samples[round % samples.count]
            switch round % 4 {
            case 0: packet = ByteBuffer(bytes: (0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255) })
            case 1: packet = packet.getSlice(at: 0, length: Int.random(in: 0..<packet.readableBytes, using: &generator))!
            case 2:
                let offset = Int.random(in: 0..<packet.readableBytes, using: &generator)
                packet.setInteger((packet.getInteger(at: offset, as: UInt8.self) ?? 0) ^ 0x04, at: offset)
            default: break  // an exact replay
            }
            try await fuzzer.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet))
        }
        for index in 0..<50 { try await cluster.nodes[0].submit(ByteBuffer(string: "after\(index)")).get() }
        try await waitUntil("delivered after fuzzing") {
            cluster.recorders[1].messages.withLock { $0.count } == 100
        }
        let statistics = try await cluster.nodes[1].statistics()
        #expect(statistics.dataDrops.total >= 1_000)
        #expect(cluster.recorders[1].messages.withLock { $0 } == cluster.recorders[0].messages.withLock { $0 })
        await cluster.shutdown()
        try await fuzzer.close()
        try await group.shutdownGracefully()
    }

    @Test("ha-bench messaging runs three node processes to a consistent RESULT", .enabled(if: Self.benchBinary != nil))
    func benchProcesses() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.benchBinary!)
        process.arguments = ["messaging", "--nodes", "3", "--seconds", "1", "--latency-seconds", "1", "--port", "27600"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let result = output.split(separator: "\n").last { $0.hasPrefix("RESULT") } ?? ""
        #expect(result.contains("order=consistent"), "\(output)")
        #expect(result.contains("complete=yes"), "\(output)")
        #expect(process.terminationStatus == 0)
    }

    static var benchBinary: String? {
        let path = FileManager.default.currentDirectoryPath + "/.build/debug/ha-bench"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

/// Keeps a copy of every datagram the fuzzer's socket receives (real sealed packets from node 1).
final class Capture: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let captured = Mutex<[ByteBuffer]>([])
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        captured.withLock { if $0.count < 200 { $0.append(envelope.data) } }
    }
}
