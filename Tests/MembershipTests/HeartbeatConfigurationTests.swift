import Membership
import Messaging
import NIOCore
import Testing

@Suite("ha.cf")
struct HeartbeatConfigurationTests {
    @Test func parsesHeartbeatDirectivesAndOurs() throws {
        let text = """
            # a classic ha.cf, plus our extensions
            cluster       prod
            keepalive 500ms
            warntime  1
            deadtime  2
            initdead  10
            udpport   695
            ucast eth0 10.0.0.2
            mcast eth1 239.0.0.1 694 1 0
            bcast eth2 eth3
            autojoin none
            node alpha id=10 votes=2 addr=10.0.0.1
            node beta gamma
            nodename beta
            expected_votes 4
            two_node off
            wait_for_all on
            last_man_standing on
            last_man_standing_window 20000
            auto_tie_breaker on
            auto_tie_breaker_node 12 10
            crypto off
            logfacility local0
            """
        let configuration = try HeartbeatConfiguration.parse(text, file: "ha.cf")
        #expect(configuration.clusterName == "prod")
        #expect(configuration.timings.keepalive == .milliseconds(500))
        #expect(configuration.timings.deadtime == .seconds(2))
        #expect(configuration.timings.initdead == .seconds(10))
        #expect(configuration.udpPort == 695)
        #expect(configuration.links.count == 3)
        #expect(configuration.links[1] == .multicast(interface: "eth1", group: "239.0.0.1", port: 694, ttl: 1, loop: false))
        #expect(configuration.nodes.map(\.name) == ["alpha", "beta", "gamma"])
        #expect(configuration.nodes.map(\.id) == [NodeID(10), NodeID(2), NodeID(3)])
        #expect(configuration.node(named: "alpha")?.votes == 2)
        #expect(configuration.node(named: "alpha")?.address == "10.0.0.1")
        #expect(configuration.localNodeName == "beta")
        #expect(configuration.quorum.expectedVotes == 4)
        #expect(configuration.quorum.waitForAll == true)
        #expect(configuration.quorum.lastManStanding)
        #expect(configuration.quorum.lastManStandingWindow == .seconds(20))
        #expect(configuration.quorum.autoTieBreaker == .list([NodeID(12), NodeID(10)]))
        #expect(!configuration.isEncrypted)
        #expect(configuration.warnings.count == 1)
    }

    @Test func readsMulticastAndBroadcastMedia() throws {
        let text = "node a\nmcast eth1 224.0.0.18 694 0 1\nmcast eth1 239.255.255.255 694 255 0\nbcast eth0 eth2\n"
        let configuration = try HeartbeatConfiguration.parse(text, file: "ha.cf")
        #expect(
            configuration.links == [
                .multicast(interface: "eth1", group: "224.0.0.18", port: 694, ttl: 0, loop: true),
                .multicast(interface: "eth1", group: "239.255.255.255", port: 694, ttl: 255, loop: false),
                .broadcast(interfaces: ["eth0", "eth2"]),
            ])
    }

    @Test(arguments: [
        ("node a\nucast eth0 1.2.3.4\nfrobnicate 3", 3, "unknown directive 'frobnicate'"),
        ("node a\nucast eth0\n", 2, "usage: ucast"),
        ("node a\nbcast eth0\ndeadtime soon", 3, "not a positive time"),
        ("node a\nbcast eth0\nudpport 70000", 3, "not an integer in 1...65535"),
        ("node a\nbcast eth0\nserial /dev/ttyS0", 3, "serial links are not supported"),
        ("node a\nbcast eth0\nkeepalive 2\ndeadtime 1", 4, "must be longer than keepalive"),
        ("node a\nbcast eth0\nnode b id=x", 3, "node id must be a positive integer"),
        ("node a\nbcast eth0\nauto_tie_breaker maybe", 3, "must be on or off"),
        ("node a\nbcast eth0\ntwo_node on", 0, "two_node needs exactly two votes"),
        ("bcast eth0", 0, "no node directive"),
        ("node a a\nbcast eth0", 0, "listed twice"),
        ("node a", 0, "no medium"),
        ("node a\nmcast eth0 10.0.0.1 694 1 0", 2, "not an IPv4 multicast group"),
        ("node a\nmcast eth0 239.0.0.256 694 1 0", 2, "not an IPv4 multicast group"),
        ("node a\nmcast eth0 239.0.0.1 694 256 0", 2, "not an integer in 0...255"),
        ("node a\nmcast eth0 239.0.0.1 694 -1 0", 2, "not an integer in 0...255"),
        ("node a\nmcast eth0 239.0.0.1 694 1 2", 2, "loop must be 0 or 1"),
        ("node a\nmcast eth0 239.0.0.1 0 1 1", 2, "not an integer in 1...65534"),
        ("node a\nmcast eth0 239.0.0.1 694 1", 2, "usage: mcast"),
        ("node a\nbcast", 2, "usage: bcast"),
    ])
    func reportsErrorsWithFileAndLine(text: String, line: Int, reason: String) {
        do {
            _ = try HeartbeatConfiguration.parse(text, file: "/etc/ha.d/ha.cf")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "/etc/ha.d/ha.cf")
            #expect(error.line == line)
            #expect(error.reason.contains(reason), "\(error.reason)")
            #expect(error.description.hasPrefix("/etc/ha.d/ha.cf"))
        }
    }

    @Test func defaultsMeetTheOneSecondGoal() throws {
        let configuration = try HeartbeatConfiguration.parse("node a b c\nbcast lo", file: "ha.cf")
        let timings = configuration.timings
        // Detection takes deadtime plus at most one tick; agreement then takes one round trip.
        #expect(timings.deadtime + timings.keepalive * 2 <= .milliseconds(950))
        #expect(configuration.nodes.map(\.id) == [NodeID(1), NodeID(2), NodeID(3)])
        #expect(configuration.isEncrypted)
        #expect(configuration.clusterID == (try HeartbeatConfiguration.parse("node x\nbcast lo", file: "f")).clusterID)
    }
}

@Suite("Membership wire format")
struct MembershipWireTests {
    @Test func everyMessageRoundTrips() {
        let me = MemberInfo(member: Member(node: NodeID(1), incarnation: Incarnation(7)), name: "alpha")
        let other = MemberInfo(member: Member(node: NodeID(2), incarnation: Incarnation(9)), name: "béta")
        let state = QuorumState(expectedVotes: 3, isWaitingForAll: true)
        let status = QuorumStatus(isQuorate: true, totalVotes: 2, quorum: 2, state: state, isTieBroken: false)
        let messages: [MembershipMessage] = [
            .announce(Announce(sender: me, viewID: nil, hears: [other.member], highestEpoch: 4)),
            .announce(Announce(sender: me, viewID: ViewID(epoch: 3, coordinator: NodeID(1)), hears: [], highestEpoch: 4)),
            .propose(Proposal(id: ViewID(epoch: 5, coordinator: NodeID(1)), coordinator: me, members: [me, other],
                              lowersExpectedVotesTo: 2)),
            .accept(Acceptance(id: ViewID(9), sender: other.member, quorumState: state, highestEpoch: 5)),
            .reject(Rejection(id: ViewID(9), sender: other.member, highestEpoch: 6)),
            .commit(MembershipView(id: ViewID(epoch: 5, coordinator: NodeID(1)), members: [other, me], quorum: status)),
            .leave(me.member),
        ]
        for message in messages {
            var bytes = message.encoded
            #expect((try? MembershipMessage.decode(&bytes)) == message)
        }
    }

    @Test func truncatedAndGarbageBytesAreErrorsNotCrashes() {
        let me = MemberInfo(member: Member(node: NodeID(1), incarnation: Incarnation(7)), name: "alpha")
        let full = MembershipMessage.propose(
            Proposal(id: ViewID(1), coordinator: me, members: [me])).encoded
        for length in 0..<full.readableBytes {
            var prefix = full.getSlice(at: 0, length: length)!
            #expect(throws: MembershipWireError.self) { try MembershipMessage.decode(&prefix) }
        }
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            var bytes = ByteBufferAllocatorShim.random(count: Int.random(in: 0...64, using: &generator), using: &generator)
            _ = try? MembershipMessage.decode(&bytes)
        }
    }

    @Test func duplicateMembersInACommitAreRefused() {
        var bytes = ByteBufferAllocatorShim.commitWithDuplicateMember()
        #expect(throws: MembershipWireError.invalid(field: "members")) { try MembershipMessage.decode(&bytes) }
    }
}
