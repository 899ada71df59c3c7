import Logging
import Messaging

extension NodeSupervisor {
    /// The restart delay after `crashes` consecutive unexpected exits: none for 0, then the first delay,
    /// doubling, bounded by `maximumRestartDelay`.
    public func restartDelay(afterCrashes crashes: Int) -> Duration {
        guard crashes > 0 else { return .zero }
        var delay = settings.restartDelay
        for _ in 1..<min(crashes, 32) where delay < settings.maximumRestartDelay { delay = delay * 2 }
        return min(delay, settings.maximumRestartDelay)
    }

    mutating func spawned(_ daemon: Daemon, pid: Int32, at now: Instant) -> [Directive] {
        guard states[daemon] == .spawning else { return [] }
        states[daemon] = .starting(pid: pid, since: now)
        return [.log(.info, "daemon started", ["daemon": "\(daemon)", "pid": "\(pid)"])] + advance(at: now)
    }

    mutating func exited(_ daemon: Daemon, _ termination: Termination, at now: Instant) -> [Directive] {
        let metadata: Logger.Metadata = ["daemon": "\(daemon)", "status": "\(termination)"]
        switch states[daemon] {
        case .stopping(_, _, _, let restart):
            let again = phase == .supervising && restart
            states[daemon] = .down(restartAt: again ? now + restartDelay(afterCrashes: crashes[daemon] ?? 0) : nil)
            return [.log(.info, "daemon stopped", metadata)] + advance(at: now)
        case .starting(_, let since), .ready(_, let since):
            if case .stopping = phase {
                states[daemon] = .down(restartAt: nil)
                return [.log(.warning, "daemon exited while the node was stopping", metadata)] + advance(at: now)
            }
            if case .exited(let status) = termination, Self.fatalExitStatuses.contains(status) {
                states[daemon] = .down(restartAt: nil)
                phase = .stopping(exitStatus: status)
                return [.log(.critical, "daemon cannot run with this configuration; stopping the node", metadata)]
                    + advance(at: now)
            }
            let log = Directive.log(.warning, "daemon exited unexpectedly", metadata)
            return [log] + crashed(daemon, at: now, upSince: since) + advance(at: now)
        default:
            return []
        }
    }

    /// Counts a crash, schedules the restart and stops the daemons that require the crashed one.
    mutating func crashed(_ daemon: Daemon, at now: Instant, upSince: Instant?) -> [Directive] {
        if let upSince, now - upSince >= settings.stableAfter { crashes[daemon] = 0 }
        let count = (crashes[daemon] ?? 0) + 1
        crashes[daemon] = count
        let delay = restartDelay(afterCrashes: count)
        states[daemon] = .down(restartAt: now + delay)
        var directives: [Directive] = [
            .log(
                .notice, "restarting daemon after a delay",
                ["daemon": "\(daemon)", "delay": "\(delay)", "crashes": "\(count)"])
        ]
        for dependent in Daemon.allCases where dependent.requirements.contains(daemon) {
            switch states[dependent] {
            case .starting(let pid, _), .ready(let pid, _):
                states[dependent] = .stopping(pid: pid, since: now, killed: false, restart: true)
                directives.append(
                    .log(.notice, "restarting a daemon with its requirement", ["daemon": "\(dependent)", "requirement": "\(daemon)"]))
                directives.append(.signal(dependent, pid: pid, .terminate))
            default:
                break
            }
        }
        return directives
    }

    mutating func stopRequested(at now: Instant) -> [Directive] {
        switch phase {
        case .idle:
            phase = .finished
            return [.finish(exitStatus: 0)]
        case .supervising:
            phase = .stopping(exitStatus: 0)
            return [.log(.notice, "stopping the node's daemons", [:])] + advance(at: now)
        case .stopping:
            var directives: [Directive] = [.log(.warning, "second stop request: killing the daemons now", [:])]
            for daemon in Daemon.allCases.reversed() {
                guard let pid = pid(of: daemon) else { continue }
                if case .stopping(_, _, true, _) = states[daemon] { continue }
                states[daemon] = .stopping(pid: pid, since: now, killed: true, restart: false)
                directives.append(.signal(daemon, pid: pid, .kill))
            }
            return directives
        case .finished:
            return []
        }
    }

    /// Moves every daemon on as far as time and the others' states allow.
    mutating func advance(at now: Instant) -> [Directive] {
        var directives = Daemon.allCases.flatMap { escalate($0, at: now) }
        switch phase {
        case .idle, .finished:
            return directives
        case .supervising:
            for daemon in Daemon.allCases { directives += supervise(daemon, at: now) }
            return directives
        case .stopping(let exitStatus):
            for daemon in Daemon.allCases.reversed() {
                switch states[daemon] {
                case .starting(let pid, _), .ready(let pid, _):
                    states[daemon] = .stopping(pid: pid, since: now, killed: false, restart: false)
                    return directives + [
                        .log(.info, "stopping daemon", ["daemon": "\(daemon)", "pid": "\(pid)"]),
                        .signal(daemon, pid: pid, .terminate),
                    ]
                case .stopping, .spawning:
                    return directives
                case .down, nil:
                    continue
                }
            }
            phase = .finished
            return directives + [.log(.notice, "every daemon has stopped", [:]), .finish(exitStatus: exitStatus)]
        }
    }

    /// Starts a due daemon once every daemon before it is ready; watches a starting one's readiness.
    private mutating func supervise(_ daemon: Daemon, at now: Instant) -> [Directive] {
        switch states[daemon] {
        case .down(let restartAt?) where restartAt <= now:
            let before = Daemon.allCases.filter { $0 < daemon }
            guard before.allSatisfy({ if case .ready = states[$0] { true } else { false } }) else { return [] }
            states[daemon] = .spawning
            return [.spawn(daemon)]
        case .starting(let pid, let since):
            guard now - since > settings.readinessTimeout else { return [.checkReadiness(daemon)] }
            crashes[daemon, default: 0] += 1
            states[daemon] = .stopping(pid: pid, since: now, killed: true, restart: true)
            return [
                .log(.error, "daemon did not become ready in time; killing it", ["daemon": "\(daemon)", "pid": "\(pid)"]),
                .signal(daemon, pid: pid, .kill),
            ]
        default:
            return []
        }
    }

    /// SIGKILL for a daemon that ignored SIGTERM for `stopTimeout`.
    private mutating func escalate(_ daemon: Daemon, at now: Instant) -> [Directive] {
        guard case .stopping(let pid, let since, false, let restart) = states[daemon], now - since > settings.stopTimeout
        else { return [] }
        states[daemon] = .stopping(pid: pid, since: since, killed: true, restart: restart)
        return [
            .log(.warning, "daemon did not stop in time; killing it", ["daemon": "\(daemon)", "pid": "\(pid)"]),
            .signal(daemon, pid: pid, .kill),
        ]
    }
}
