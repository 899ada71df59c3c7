import DequeModule
import Foundation
import Glibc
import Logging
import Messaging
import Synchronization

/// Runs a `NodeSupervisor` against real processes: spawns the daemons, reaps them, probes their sockets,
/// signals them, and feeds it a tick every `tickInterval`. Decides nothing.
///
/// Everything happens on one dedicated thread that lives until the last daemon has stopped: the daemons are
/// started under `setpriv --pdeathsig KILL`, whose "parent" is that thread, so a thread pool thread that
/// retired could never take the daemons with it.
public final class NodeLauncher: Sendable {
    /// What to run for each daemon.
    public let commands: [NodeSupervisor.Daemon: DaemonCommand]
    /// The daemons' environment.
    public let environment: [String: String]
    /// The supervisor's timing.
    public let settings: NodeSupervisor.Settings
    /// How often the supervisor is ticked (reaping, readiness, timeouts).
    public let tickInterval: Duration
    private let logger: Logger
    private let stopRequests = Atomic<Int>(0)
    private let pids = Mutex<[NodeSupervisor.Daemon: Int32]>([:])

    /// A launcher for one node's daemons.
    public init(
        commands: [NodeSupervisor.Daemon: DaemonCommand], environment: [String: String],
        settings: NodeSupervisor.Settings = .init(), tickInterval: Duration = .milliseconds(20), logger: Logger
    ) {
        self.commands = commands
        self.environment = environment
        self.settings = settings
        self.tickInterval = tickInterval
        self.logger = logger
    }

    /// Asks the launcher to stop the daemons in order (as SIGTERM does); a second request kills them.
    public func requestStop() { stopRequests.add(1, ordering: .sequentiallyConsistent) }

    /// The running daemons' pids (for tests and status).
    public var runningPIDs: [NodeSupervisor.Daemon: Int32] { pids.withLock { $0 } }

    /// Starts the daemons and watches them until they have all stopped; returns `ha start`'s exit status.
    public func run() async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.loop()) }
            thread.name = "ha-launcher"
            thread.start()
        }
    }

    private func loop() -> Int32 {
        var supervisor = NodeSupervisor(settings: settings)
        var events = Deque<NodeSupervisor.Event>([.startRequested(at: Self.now())])
        var handledStops = 0
        while true {
            while let event = events.popFirst() {
                for directive in supervisor.handle(event) {
                    if case .finish(let status) = directive { return status }
                    if let answer = perform(directive, supervisor: supervisor) { events.append(answer) }
                }
            }
            var pause = timespec(
                tv_sec: Int(tickInterval.components.seconds),
                tv_nsec: Int(tickInterval.components.attoseconds / 1_000_000_000))
            nanosleep(&pause, nil)
            let stops = stopRequests.load(ordering: .sequentiallyConsistent)
            while handledStops < stops {
                handledStops += 1
                events.append(.stopRequested(at: Self.now()))
            }
            for daemon in NodeSupervisor.Daemon.allCases {
                guard let pid = supervisor.pid(of: daemon) else { continue }
                let reaped = DaemonProcess.reap(pid)
                guard reaped.exited else { continue }
                pids.withLock { $0[daemon] = nil }
                let termination: NodeSupervisor.Termination =
                    reaped.signal == 0 ? .exited(reaped.status) : .signalled(reaped.signal)
                events.append(.exited(daemon, termination, at: Self.now()))
            }
            events.append(.tick(at: Self.now()))
        }
    }

    /// Carries out one directive; some answer with an event.
    private func perform(_ directive: NodeSupervisor.Directive, supervisor: NodeSupervisor) -> NodeSupervisor.Event? {
        switch directive {
        case .spawn(let daemon):
            guard let command = commands[daemon] else {
                return .spawnFailed(daemon, reason: "no command configured", at: Self.now())
            }
            switch DaemonProcess.spawn(command, environment: environment) {
            case .success(let pid):
                pids.withLock { $0[daemon] = pid }
                return .spawned(daemon, pid: pid, at: Self.now())
            case .failure(let error):
                return .spawnFailed(daemon, reason: error.description, at: Self.now())
            }
        case .signal(_, let pid, let signal):
            DaemonProcess.send(signal == .terminate, to: pid)
            return nil
        case .checkReadiness(let daemon):
            guard let socket = commands[daemon]?.readinessSocket else { return .becameReady(daemon, at: Self.now()) }
            return DaemonProcess.accepts(socket) ? .becameReady(daemon, at: Self.now()) : nil
        case .log(let level, let message, let metadata):
            logger.log(level: level, "\(message)", metadata: metadata)
            return nil
        case .finish:
            return nil
        }
    }

    /// The monotonic clock as the core's `Instant`.
    static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
