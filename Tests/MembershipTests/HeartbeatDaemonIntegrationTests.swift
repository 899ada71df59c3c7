import Foundation
import Membership
import Messaging
import NIOCore
import Testing

extension Tag {
    /// Tests that run real processes and sockets.
    @Tag static var integration: Self
}

@Suite("heartbeat daemons on loopback", .tags(.integration), .serialized)
struct HeartbeatDaemonIntegrationTests {
    @Test func killedNodeIsExcludedWithinDeadtimeAndOneRoundThenRejoins() async throws {
        let cluster = try TestCluster(addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        try cluster.startAll()
        let formed = await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(30))
        try #require(formed != nil, "no first view\n\(cluster.logs)")
        #expect(Set(formed!).count == 1, "all members hold the same view")
        #expect(formed![0].quorum.isQuorate)

        let killedAt = ContinuousClock.now
        cluster.kill(2)
        let survivors = await cluster.waitForViews(at: [0, 1], members: [0, 1], timeout: .seconds(5))
        let elapsed = ContinuousClock.now - killedAt
        try #require(survivors != nil, "survivors never agreed\n\(cluster.logs)")
        #expect(Set(survivors!).count == 1)
        #expect(survivors![0].quorum.isQuorate, "2 of 3 votes keep quorum")
        // Defaults: deadtime 600 ms, plus up to one keepalive tick, plus one round of agreement.
        let timings = MembershipTimings()
        #expect(elapsed <= timings.deadtime + timings.keepalive + timings.consensusTimeout, "took \(elapsed)")

        try cluster.start(2)
        let rejoined = await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(10))
        try #require(rejoined != nil, "no rejoin\n\(cluster.logs)")
        let incarnations = Set(rejoined!.map { $0.info(of: NodeID(3))!.member.incarnation })
        #expect(incarnations.count == 1)
        #expect(incarnations.first != formed![0].info(of: NodeID(3))!.member.incarnation, "a restart is a new member")
    }

    @Test func toolsReportMembershipAndQuorum() async throws {
        let cluster = try TestCluster(addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        try cluster.startAll()
        try #require(await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(30)) != nil)
        let runDir = ["--run-dir", cluster.directories(1).run]
        #expect(try cluster.run("crm_node", ["-n"] + runDir) == (0, "node2\n"))
        #expect(try cluster.run("crm_node", ["-i"] + runDir) == (0, "2\n"))
        #expect(try cluster.run("crm_node", ["-q"] + runDir) == (0, "1\n"))
        #expect(try cluster.run("crm_node", ["-N", "3"] + runDir) == (0, "node3\n"))
        #expect(try cluster.run("crm_node", ["-p"] + runDir) == (0, "node1 node2 node3\n"))
        #expect(try cluster.run("crm_node", ["-l"] + runDir) == (0, "1 node1 member\n2 node2 member\n3 node3 member\n"))
        let xml = try cluster.run("crm_node", ["-q", "--output-as", "xml"] + runDir)
        #expect(xml.output.contains("<cluster-info quorum=\"1\"/>") && xml.output.contains("<status code=\"0\""))
        let status = try cluster.run("ha-status", runDir)
        #expect(status.status == 0 && status.output.contains("Quorate:          Yes"), "\(status.output)")

        cluster.kill(2)
        cluster.kill(1)
        try #require(await cluster.waitForViews(at: [0], members: [0], timeout: .seconds(5)) != nil)
        let alone = ["--run-dir", cluster.directories(0).run]
        #expect(try cluster.run("crm_node", ["-q"] + alone) == (0, "0\n"))
        #expect(try cluster.run("crm_node", ["-l"] + alone).output == "1 node1 member\n2 node2 lost\n3 node3 lost\n")
        #expect(try cluster.run("ha-status", alone).status == 2, "not quorate: exit 2")
        #expect(try cluster.run("crm_node", ["-q"] + runDir).status == 102, "daemon gone: 102")
    }

    @Test func groupMessagesArriveInOneOrderEverywhere() async throws {
        let cluster = try TestCluster(addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        try cluster.startAll()
        try #require(await cluster.waitForViews(at: [0, 1, 2], members: [0, 1, 2], timeout: .seconds(30)) != nil)
        let received = try await withThrowingTaskGroup(of: [String].self) { group in
            for index in 0..<3 {
                let socket = cluster.directories(index).heartbeatSocket
                group.addTask {
                    try await HeartbeatClient.withConnection(socketPath: socket, name: "test\(index)") { connection in
                        try await connection.join("orders")
                        var messages: [String] = []
                        var iterator = connection.events.makeAsyncIterator()
                        var sent = false
                        while messages.count < 30, let event = try await iterator.next() {
                            switch event {
                            case .groupChanged(let change) where change.members.count == 3 && !sent:
                                sent = true
                                for number in 0..<10 {
                                    try await connection.send(ByteBuffer(string: "n\(index)-\(number)"), to: "orders")
                                }
                            case .message(_, _, let payload): messages.append(String(buffer: payload))
                            default: break
                            }
                        }
                        return messages
                    }
                }
            }
            var all: [[String]] = []
            for try await messages in group { all.append(messages) }
            return all
        }
        #expect(received.count == 3)
        #expect(received.allSatisfy { $0.count == 30 })
        #expect(Set(received.map { $0 }).count == 1, "one agreed order: \(received)")
        for index in 0..<3 {
            let own = received[0].filter { $0.hasPrefix("n\(index)-") }
            #expect(own == (0..<10).map { "n\(index)-\($0)" }, "FIFO per sender")
        }
    }

    @Test func badConfigurationExitsWithFileAndLine() throws {
        let cluster = try TestCluster(addresses: ["127.0.0.1"], extraDirectives: "deadtime never")
        let directories = cluster.directories(0)
        let result = try cluster.runCapturingErrors("heartbeat", ["--config", directories.config, "--check"])
        #expect(result.status == 6)
        #expect(result.errors.contains("\(directories.haCF):"), "\(result.errors)")
        #expect(result.errors.contains("not a positive time"))
        chmod(directories.authkeys, 0o644)
        try "cluster x\nnode a addr=127.0.0.1\nnodename a\n".write(toFile: directories.haCF, atomically: true, encoding: .utf8)
        let unsafe = try cluster.runCapturingErrors("heartbeat", ["--config", directories.config, "--check"])
        #expect(unsafe.status == 6 && unsafe.errors.contains("chmod 600"), "\(unsafe.errors)")
    }
}

extension TestCluster {
    func runCapturingErrors(_ tool: String, _ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaries + "/" + tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
