import Launcher
import Messaging
import Testing

/// The supervisor core: events in, directives out; no process, no clock.
@Suite("NodeSupervisor")
struct NodeSupervisorTests {
    typealias Daemon = NodeSupervisor.Daemon

    /// Directives without the log lines.
    static func actions(_ directives: [NodeSupervisor.Directive]) -> [NodeSupervisor.Directive] {
        directives.filter { if case .log = $0 { false } else { true } }
    }

    static func at(_ milliseconds: Int64) -> Instant { Instant(nanoseconds: milliseconds * 1_000_000) }

    /// A supervisor with all three daemons started and ready (pids 101, 102, 103) at t = 10 ms.
    static func running() -> NodeSupervisor {
        var supervisor = NodeSupervisor()
        _ = supervisor.handle(.startRequested(at: at(0)))
        for (offset, daemon) in Daemon.allCases.enumerated() {
            _ = supervisor.handle(.spawned(daemon, pid: Int32(101 + offset), at: at(1)))
            _ = supervisor.handle(.becameReady(daemon, at: at(2)))
        }
        return supervisor
    }

    @Test func startsEachDaemonOnlyOnceTheOneBeforeItIsReady() {
        var supervisor = NodeSupervisor()
        #expect(Self.actions(supervisor.handle(.startRequested(at: Self.at(0)))) == [.spawn(.heartbeat)])
        #expect(Self.actions(supervisor.handle(.spawned(.heartbeat, pid: 7, at: Self.at(1)))) == [.checkReadiness(.heartbeat)])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(20)))) == [.checkReadiness(.heartbeat)])
        #expect(Self.actions(supervisor.handle(.becameReady(.heartbeat, at: Self.at(30)))) == [.spawn(.lrmd)])
        _ = supervisor.handle(.spawned(.lrmd, pid: 8, at: Self.at(31)))
        #expect(Self.actions(supervisor.handle(.becameReady(.lrmd, at: Self.at(40)))) == [.spawn(.crmd)])
        _ = supervisor.handle(.spawned(.crmd, pid: 9, at: Self.at(41)))
        _ = supervisor.handle(.becameReady(.crmd, at: Self.at(42)))
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(60)))) == [])
        #expect(supervisor.pid(of: .crmd) == 9)
    }

    @Test func crashedDaemonRestartsAfterADoublingBoundedDelay() {
        var supervisor = Self.running()
        var now: Int64 = 1000
        var delays: [Int64] = []
        for _ in 0..<7 {
            _ = supervisor.handle(.exited(.lrmd, .signalled(9), at: Self.at(now)))
            let crashedAt = now
            // crmd requires lrmd: it is stopped, and starts again only after lrmd.
            if let crmd = supervisor.pid(of: .crmd) { _ = supervisor.handle(.exited(.crmd, .exited(0), at: Self.at(now))); _ = crmd }
            while Self.actions(supervisor.handle(.tick(at: Self.at(now)))) != [.spawn(.lrmd)] { now += 10 }
            delays.append(now - crashedAt)
            _ = supervisor.handle(.spawned(.lrmd, pid: 202, at: Self.at(now)))
            #expect(Self.actions(supervisor.handle(.becameReady(.lrmd, at: Self.at(now)))) == [.spawn(.crmd)])
            _ = supervisor.handle(.spawned(.crmd, pid: 303, at: Self.at(now)))
            _ = supervisor.handle(.becameReady(.crmd, at: Self.at(now)))
            now += 100
        }
        #expect(delays == [250, 500, 1000, 2000, 4000, 8000, 8000])
    }

    @Test func crashAfterAStableRunRestartsWithTheFirstDelay() {
        var supervisor = Self.running()
        _ = supervisor.handle(.exited(.heartbeat, .exited(1), at: Self.at(100)))
        #expect(supervisor.crashes[.heartbeat] == 1)
        _ = supervisor.handle(.tick(at: Self.at(400)))
        _ = supervisor.handle(.spawned(.heartbeat, pid: 500, at: Self.at(400)))
        _ = supervisor.handle(.becameReady(.heartbeat, at: Self.at(410)))
        _ = supervisor.handle(.exited(.heartbeat, .exited(1), at: Self.at(60_000)))
        #expect(supervisor.crashes[.heartbeat] == 1)
        #expect(supervisor.states[.heartbeat] == .down(restartAt: Self.at(60_250)))
    }

    @Test func heartbeatCrashRestartsCrmdButNotLRMD() {
        var supervisor = Self.running()
        let directives = Self.actions(supervisor.handle(.exited(.heartbeat, .signalled(9), at: Self.at(100))))
        #expect(directives == [.signal(.crmd, pid: 103, .terminate)])
        #expect(supervisor.pid(of: .lrmd) == 102)
        _ = supervisor.handle(.exited(.crmd, .exited(0), at: Self.at(120)))
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(200)))) == [])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(350)))) == [.spawn(.heartbeat)])
        _ = supervisor.handle(.spawned(.heartbeat, pid: 600, at: Self.at(351)))
        #expect(Self.actions(supervisor.handle(.becameReady(.heartbeat, at: Self.at(360)))) == [.spawn(.crmd)])
    }

    @Test func stopsInReverseOrderWaitingForEach() {
        var supervisor = Self.running()
        #expect(Self.actions(supervisor.handle(.stopRequested(at: Self.at(100)))) == [.signal(.crmd, pid: 103, .terminate)])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(200)))) == [])
        #expect(
            Self.actions(supervisor.handle(.exited(.crmd, .exited(0), at: Self.at(300))))
                == [.signal(.lrmd, pid: 102, .terminate)])
        #expect(
            Self.actions(supervisor.handle(.exited(.lrmd, .exited(0), at: Self.at(400))))
                == [.signal(.heartbeat, pid: 101, .terminate)])
        #expect(Self.actions(supervisor.handle(.exited(.heartbeat, .exited(0), at: Self.at(500)))) == [.finish(exitStatus: 0)])
        #expect(supervisor.phase == .finished)
    }

    @Test func daemonIgnoringSIGTERMIsKilledAfterTheStopTimeout() {
        var supervisor = Self.running()
        _ = supervisor.handle(.stopRequested(at: Self.at(100)))
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(30_000)))) == [])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(30_101)))) == [.signal(.crmd, pid: 103, .kill)])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(40_000)))) == [])
        #expect(
            Self.actions(supervisor.handle(.exited(.crmd, .signalled(9), at: Self.at(40_001))))
                == [.signal(.lrmd, pid: 102, .terminate)])
    }

    @Test func secondStopRequestKillsEverythingStillRunning() {
        var supervisor = Self.running()
        _ = supervisor.handle(.stopRequested(at: Self.at(100)))
        let directives = Self.actions(supervisor.handle(.stopRequested(at: Self.at(200))))
        #expect(
            directives == [
                .signal(.crmd, pid: 103, .kill), .signal(.lrmd, pid: 102, .kill), .signal(.heartbeat, pid: 101, .kill),
            ])
    }

    @Test func noRestartsWhileStopping() {
        var supervisor = Self.running()
        _ = supervisor.handle(.stopRequested(at: Self.at(100)))
        let directives = Self.actions(supervisor.handle(.exited(.heartbeat, .signalled(9), at: Self.at(150))))
        #expect(directives == [])
        _ = supervisor.handle(.exited(.crmd, .exited(0), at: Self.at(200)))
        #expect(Self.actions(supervisor.handle(.exited(.lrmd, .exited(0), at: Self.at(300)))) == [.finish(exitStatus: 0)])
    }

    @Test func configurationErrorStopsTheNodeWithItsStatus() {
        var supervisor = NodeSupervisor()
        _ = supervisor.handle(.startRequested(at: Self.at(0)))
        _ = supervisor.handle(.spawned(.heartbeat, pid: 7, at: Self.at(1)))
        #expect(Self.actions(supervisor.handle(.exited(.heartbeat, .exited(6), at: Self.at(5)))) == [.finish(exitStatus: 6)])
    }

    @Test func daemonNeverReadyIsKilledAndRestarted() {
        var supervisor = NodeSupervisor()
        _ = supervisor.handle(.startRequested(at: Self.at(0)))
        _ = supervisor.handle(.spawned(.heartbeat, pid: 7, at: Self.at(0)))
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(15_001)))) == [.signal(.heartbeat, pid: 7, .kill)])
        _ = supervisor.handle(.exited(.heartbeat, .signalled(9), at: Self.at(15_010)))
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(15_100)))) == [])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(15_260)))) == [.spawn(.heartbeat)])
    }

    @Test func stopBeforeStartFinishesAtOnce() {
        var supervisor = NodeSupervisor()
        #expect(supervisor.handle(.stopRequested(at: Self.at(0))) == [.finish(exitStatus: 0)])
    }

    @Test func spawnFailureCountsAsACrash() {
        var supervisor = NodeSupervisor()
        _ = supervisor.handle(.startRequested(at: Self.at(0)))
        #expect(Self.actions(supervisor.handle(.spawnFailed(.heartbeat, reason: "ENOENT", at: Self.at(0)))) == [])
        #expect(Self.actions(supervisor.handle(.tick(at: Self.at(251)))) == [.spawn(.heartbeat)])
    }
}
