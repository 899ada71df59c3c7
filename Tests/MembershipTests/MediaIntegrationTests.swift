import Foundation
import Membership
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
