import Foundation
import Membership
import NIOCore
import Testing

/// `mcast` and `bcast` with real daemons: three network namespaces on a bridge, created and removed here.
@Suite("heartbeat daemons over mcast and bcast", .tags(.integration), .serialized)
struct MediaIntegrationTests {
    @Test(.enabled(if: NamespaceNetwork.isAvailable, "skipped: needs root and `ip netns`"))
    func threeDaemonsFormOneViewOverMulticast() async throws {
        try await formOneView { port in "mcast eth0 239.255.77.1 \(port) 1 0" }
    }

    @Test(.enabled(if: NamespaceNetwork.isAvailable, "skipped: needs root and `ip netns`"))
    func threeDaemonsFormOneViewOverBroadcast() async throws {
        try await formOneView { _ in "bcast eth0" }
    }

    @Test(.enabled(if: NamespaceNetwork.isAvailable, "skipped: needs root and `ip netns`"))
    func threeDaemonsFormOneViewOverMulticastAndBroadcastTogether() async throws {
        try await formOneView { port in "mcast eth0 239.255.77.2 \(port) 1 1\nbcast eth0" }
    }

    private func formOneView(media: @escaping (Int) -> String) async throws {
        let network = try NamespaceNetwork(count: 3)
        let names = (1...3).map(network.node)
        defer {
            network.tearDown()
            let left = (try? NamespaceNetwork.ip(["netns", "list"])) ?? ""
            #expect(!names.contains { left.contains($0) }, "namespaces left behind: \(left)")
        }
        let cluster = try TestCluster(addresses: (1...3).map(network.address), namespaces: names, media: media)
        defer { cluster.stopAll() }
        try cluster.startAll()
        let views = await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(30))
        try #require(views != nil, "\(cluster.logs)")
        #expect(Set(views!).count == 1, "one view of 3")
        #expect(views![0].quorum.isQuorate)
        // The data plane learns its peers from the membership plane: ordered messages flow without addr=.
        let received = try await exchangeMessages(cluster, timeout: .seconds(20))
        #expect(received.count == 3 && received.allSatisfy { $0.count == 9 }, "\(received)\n\(cluster.logs)")
        #expect(Set(received).count == 1, "one agreed order: \(received)")
    }

    /// Each node's client joins a group and sends 3 messages once all 3 are in it; returns what each received.
    private func exchangeMessages(_ cluster: TestCluster, timeout: Duration) async throws -> [[String]] {
        try await withThrowingTaskGroup(of: [String]?.self) { group in
            for index in 0..<3 {
                let socket = cluster.directories(index).heartbeatSocket
                group.addTask {
                    try await HeartbeatClient.withConnection(socketPath: socket, name: "media\(index)") { connection in
                        try await connection.join("media")
                        var messages: [String] = []
                        var iterator = connection.events.makeAsyncIterator()
                        var sent = false
                        while messages.count < 9, let event = try await iterator.next() {
                            switch event {
                            case .groupChanged(let change) where change.members.count == 3 && !sent:
                                sent = true
                                for number in 0..<3 {
                                    try await connection.send(ByteBuffer(string: "n\(index)-\(number)"), to: "media")
                                }
                            case .message(_, _, let payload): messages.append(String(buffer: payload))
                            default: break
                            }
                        }
                        return messages
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            var all: [[String]] = []
            for try await messages in group {
                guard let messages else { break }
                all.append(messages)
                if all.count == 3 { break }
            }
            group.cancelAll()
            return all
        }
    }

    @Test func unknownInterfaceIsAConfigurationError() throws {
        for medium in ["bcast nosuchif0", "mcast nosuchif0 239.1.2.3 694 1 0"] {
            let cluster = try TestCluster(addresses: ["127.0.0.1"], media: { _ in medium })
            let directories = cluster.directories(0)
            if medium.hasPrefix("mcast") {
                let text = try String(contentsOfFile: directories.haCF, encoding: .utf8)
                try text.replacingOccurrences(of: " 694 ", with: " \(cluster.port) ")
                    .write(toFile: directories.haCF, atomically: true, encoding: .utf8)
            }
            let result = try cluster.runCapturingErrors("heartbeat", ["--config", directories.config, "--check"])
            #expect(result.status == 6, "\(medium): \(result.errors)")
            #expect(result.errors.contains("no IPv4 interface named nosuchif0"), "\(result.errors)")
        }
    }
}
