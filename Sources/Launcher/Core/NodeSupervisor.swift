import Logging
import Messaging

/// Decides when `ha start` starts, restarts and stops a node's daemons. Reads no clock and spawns nothing:
/// the shell feeds process events and ticks, and carries out the directives.
///
/// Start: the daemons start one after the other in `Daemon.allCases` order (heartbeat, lrmd, crmd), each only
/// once every daemon before it runs and is ready (its socket accepts connections). A daemon that exits without
/// being asked to is restarted after a bounded, doubling backoff (reset once it has run `stableAfter`); the
/// daemons that require it (crmd requires heartbeat and lrmd) are stopped and started again after it, so
/// crmd never outlives the connections it was built on. A daemon that exits with a configuration error
/// (LSB 6, usage 64) is not restarted: the whole node stops and `ha start` exits with that status.
/// Stop: crmd, then lrmd, then heartbeat, each sent SIGTERM and waited for, SIGKILL after `stopTimeout`;
/// a second stop request kills whatever still runs at once.
public struct NodeSupervisor: Sendable {
    /// The daemons of one node, in start order.
    public enum Daemon: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
        case heartbeat, lrmd, crmd

        /// The daemons that must run for this one to be useful; it is restarted when one of them is.
        public var requirements: [Daemon] {
            switch self {
            case .heartbeat, .lrmd: return []
            case .crmd: return [.heartbeat, .lrmd]
            }
        }

        /// Start order.
        public static func < (lhs: Daemon, rhs: Daemon) -> Bool { lhs.order < rhs.order }
        var order: Int { Daemon.allCases.firstIndex(of: self) ?? 0 }
        /// The daemon's name.
        public var description: String { rawValue }
    }

    /// How a child process ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case signalled(Int32)

        /// `exit status N` or `signal N`.
        public var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signalled(let signal): return "signal \(signal)"
            }
        }
    }

    /// Signals the supervisor sends.
    public enum Signal: Sendable, Equatable {
        /// SIGTERM: stop gracefully.
        case terminate
        /// SIGKILL (to the daemon's whole process group).
        case kill
    }

    /// Inputs.
    public enum Event: Sendable, Equatable {
        /// `ha start` began.
        case startRequested(at: Instant)
        /// The shell spawned `daemon` as `pid`.
        case spawned(Daemon, pid: Int32, at: Instant)
        /// The shell could not spawn `daemon`.
        case spawnFailed(Daemon, reason: String, at: Instant)
        /// `daemon`'s socket accepts connections.
        case becameReady(Daemon, at: Instant)
        /// `daemon`'s process ended (it has been reaped).
        case exited(Daemon, Termination, at: Instant)
        /// SIGTERM or SIGINT reached `ha start`.
        case stopRequested(at: Instant)
        /// Time passed (the shell ticks every few milliseconds).
        case tick(at: Instant)
    }

    /// Outputs.
    public enum Directive: Sendable, Equatable {
        /// Spawn `daemon`; answer with `.spawned` or `.spawnFailed`.
        case spawn(Daemon)
        /// Send `signal` to `daemon` (process `pid`).
        case signal(Daemon, pid: Int32, Signal)
        /// See whether `daemon`'s socket accepts connections; answer with `.becameReady` when it does.
        case checkReadiness(Daemon)
        /// Log a line.
        case log(Logger.Level, String, Logger.Metadata)
        /// Every daemon has stopped: exit `ha start` with this status.
        case finish(exitStatus: Int32)
    }

    /// Timing policy.
    public struct Settings: Sendable, Equatable {
        /// The first restart delay; it doubles with each consecutive crash.
        public var restartDelay: Duration
        /// The bound on the restart delay.
        public var maximumRestartDelay: Duration
        /// A daemon that ran this long before it crashed restarts with the first delay again.
        public var stableAfter: Duration
        /// How long a starting daemon may take to accept connections before it is killed and restarted.
        public var readinessTimeout: Duration
        /// How long a daemon may take to stop after SIGTERM before it gets SIGKILL.
        public var stopTimeout: Duration

        /// Values for a real node.
        public init(
            restartDelay: Duration = .milliseconds(250), maximumRestartDelay: Duration = .seconds(8),
            stableAfter: Duration = .seconds(30), readinessTimeout: Duration = .seconds(15),
            stopTimeout: Duration = .seconds(30)
        ) {
            self.restartDelay = restartDelay
            self.maximumRestartDelay = maximumRestartDelay
            self.stableAfter = stableAfter
            self.readinessTimeout = readinessTimeout
            self.stopTimeout = stopTimeout
        }
    }

    /// What one daemon is doing.
    public enum DaemonState: Sendable, Equatable {
        /// Not running; started once `restartAt` has passed (nil: not before the node starts).
        case down(restartAt: Instant?)
        /// A spawn directive is out.
        case spawning
        /// Running, not yet accepting connections.
        case starting(pid: Int32, since: Instant)
        /// Running and ready.
        case ready(pid: Int32, since: Instant)
        /// Sent SIGTERM (and SIGKILL if `killed`) at `since`; `restart` tells whether it starts again.
        case stopping(pid: Int32, since: Instant, killed: Bool, restart: Bool)
    }

    /// Where the node as a whole is.
    public enum Phase: Sendable, Equatable {
        /// Before `startRequested`.
        case idle
        /// Starting and watching the daemons.
        case supervising
        /// Stopping them in order; `ha start` exits with `exitStatus`.
        case stopping(exitStatus: Int32)
        /// Everything stopped.
        case finished
    }

    /// Exit statuses after which a daemon is not restarted: LSB "not configured" and a usage error.
    public static let fatalExitStatuses: Set<Int32> = [6, 64]

    /// The timing policy.
    public let settings: Settings
    /// The node's phase.
    public internal(set) var phase: Phase = .idle
    /// Each daemon's state.
    public internal(set) var states: [Daemon: DaemonState]
    /// Consecutive unexpected exits per daemon (drives the backoff).
    public internal(set) var crashes: [Daemon: Int]

    /// A supervisor with every daemon down.
    public init(settings: Settings = Settings()) {
        self.settings = settings
        states = Dictionary(uniqueKeysWithValues: Daemon.allCases.map { ($0, .down(restartAt: nil)) })
        crashes = Dictionary(uniqueKeysWithValues: Daemon.allCases.map { ($0, 0) })
    }

    /// The process id of `daemon`, while it runs.
    public func pid(of daemon: Daemon) -> Int32? {
        switch states[daemon] {
        case .starting(let pid, _), .ready(let pid, _), .stopping(let pid, _, _, _): return pid
        default: return nil
        }
    }

    /// Feeds one event; returns what to do.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .startRequested(let now):
            guard phase == .idle else { return [] }
            phase = .supervising
            for daemon in Daemon.allCases { states[daemon] = .down(restartAt: now) }
            return [.log(.info, "starting the node's daemons", [:])] + advance(at: now)
        case .spawned(let daemon, let pid, let now):
            return spawned(daemon, pid: pid, at: now)
        case .spawnFailed(let daemon, let reason, let now):
            guard states[daemon] == .spawning else { return [] }
            let log = Directive.log(.error, "cannot start daemon", ["daemon": "\(daemon)", "error": "\(reason)"])
            return [log] + crashed(daemon, at: now, upSince: nil) + advance(at: now)
        case .becameReady(let daemon, let now):
            guard case .starting(let pid, let since) = states[daemon] else { return [] }
            states[daemon] = .ready(pid: pid, since: since)
            return [.log(.info, "daemon ready", ["daemon": "\(daemon)", "pid": "\(pid)"])] + advance(at: now)
        case .exited(let daemon, let termination, let now):
            return exited(daemon, termination, at: now)
        case .stopRequested(let now):
            return stopRequested(at: now)
        case .tick(let now):
            return advance(at: now)
        }
    }
}
