import Messaging
import Testing

@Suite("Failure detector")
struct FailureDetectorTests {
    static func at(_ milliseconds: Int64) -> Instant { Instant(nanoseconds: milliseconds * 1_000_000) }
    let peer = Member(node: NodeID(2), incarnation: Incarnation(1))

    @Test("a silent peer is reported late at warntime and suspected at deadtime")
    func silentPeerIsSuspected() {
        var detector = FailureDetector(configuration: .init(), expectedNodes: [NodeID(2)])
        _ = detector.handle(.started(at: Self.at(0)))
        #expect(detector.handle(.heartbeatReceived(from: peer, view: ViewID(0), at: Self.at(10)))
            == [.peerHeard(peer, view: ViewID(0))])
        #expect(!detector.handle(.tick(at: Self.at(200))).contains(.peerSuspected(peer)))
        #expect(detector.handle(.tick(at: Self.at(320))).contains(.peerLate(peer, silence: .milliseconds(310))))
        #expect(detector.handle(.tick(at: Self.at(520))).contains(.peerSuspected(peer)))
        #expect(detector.alivePeers.isEmpty)
    }

    @Test("heartbeats keep a peer alive and a restart is a new member")
    func heartbeatsKeepPeerAlive() {
        var detector = FailureDetector(configuration: .init(), expectedNodes: [NodeID(2)])
        _ = detector.handle(.started(at: Self.at(0)))
        for step in 0..<20 {
            _ = detector.handle(.heartbeatReceived(from: peer, view: ViewID(1), at: Self.at(Int64(step) * 100)))
            #expect(!detector.handle(.tick(at: Self.at(Int64(step) * 100 + 50))).contains(.peerSuspected(peer)))
        }
        let restarted = Member(node: NodeID(2), incarnation: Incarnation(2))
        #expect(detector.handle(.heartbeatReceived(from: restarted, view: ViewID(0), at: Self.at(2_000)))
            == [.peerHeard(restarted, view: ViewID(0))])
        #expect(detector.handle(.heartbeatReceived(from: peer, view: ViewID(1), at: Self.at(2_010))).isEmpty)
    }

    @Test("a configured node never heard is reported after initdead")
    func initdead() {
        var detector = FailureDetector(configuration: .init(), expectedNodes: [NodeID(2), NodeID(3)])
        _ = detector.handle(.started(at: Self.at(0)))
        _ = detector.handle(.heartbeatReceived(from: peer, view: ViewID(0), at: Self.at(10)))
        let directives = detector.handle(.tick(at: Self.at(2_100)))
        #expect(directives.contains(.nodeNeverHeard(NodeID(3))))
        #expect(!directives.contains(.nodeNeverHeard(NodeID(2))))
    }

    @Test("Heartbeat's timing rules are checked")
    func validation() {
        var configuration = FailureDetector.Configuration()
        configuration.deadtime = .milliseconds(100)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
