import Foundation
import Testing

/// Multicast, broadcast and unicast between real node processes in network namespaces (created and removed by
/// `ha-bench messaging --netns`), two links per node: one link of node 3 is taken down mid-run and delivery must
/// go on over the other, complete and in one order, with per-link health showing the cut.
@Suite("Transports and link failover in network namespaces", .serialized)
struct NamespaceTransportTests {
    static var isAvailable: Bool {
        UDPIntegrationTests.benchBinary != nil && getuid() == 0
            && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
    }

    @Test(
        "delivery survives the loss of one of two links", .enabled(if: Self.isAvailable, "needs root, ip netns, ha-bench"),
        arguments: ["mcast", "bcast", "ucast"])
    func failover(transport: String) throws {
        let before = try Self.namespaces()
        let output = try Self.bench([
            "messaging", "--netns", "--transport", transport, "--links", "2", "--cut-link-after", "1", "--seconds", "3",
            "--latency-seconds", "1", "--port", "27700",
        ])
        let lines = output.split(separator: "\n").map(String.init)
        let result = lines.last { $0.hasPrefix("RESULT") } ?? ""
        #expect(result.contains("transport=\(transport)-netns links=2"), "\(output)")
        #expect(result.contains("order=consistent"), "\(output)")
        #expect(result.contains("complete=yes"), "\(output)")
        #expect(lines.contains("CUT node=3 link=0 after_s=1"), "\(output)")
        // Link health at the end: node 3 hears nobody on link 0 and both peers on link 1; they hear it only there.
        #expect(lines.contains("LINKS id=3 link0= link1=1,2"), "\(output)")
        #expect(lines.contains("LINKS id=1 link0=2 link1=2,3"), "\(output)")
        #expect(lines.contains("LINKS id=2 link0=1 link1=1,3"), "\(output)")
        #expect(try Self.namespaces() == before, "the benchmark removes its namespaces")
    }

    static func bench(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: UDPIntegrationTests.benchBinary!)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        return output
    }

    /// The benchmark's namespaces (prefix hbx) that exist now.
    static func namespaces() throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "list"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Set(output.split(separator: "\n").map { String($0.split(separator: " ")[0]) }.filter { $0.hasPrefix("hbx") })
    }
}
