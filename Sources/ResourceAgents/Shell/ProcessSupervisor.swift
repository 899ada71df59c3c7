import Glibc
import Synchronization

/// Runs agent processes: each leads its own process group with a clean environment and only fds 0-2 open;
/// stdout and stderr are captured up to a bound; on timeout or cancellation the whole group is SIGKILLed;
/// every child is reaped. One background thread polls all children's pipes and pidfds.
public final class ProcessSupervisor: Sendable {
    /// Identifies one spawned process for `wait` and `kill`.
    public struct Handle: Sendable, Hashable {
        let id: UInt64
    }

    /// Bytes kept per stream; the rest is read and discarded so the agent never blocks on a full pipe.
    public let maximumOutputBytes: Int
    /// Whether exits are watched with pidfds (false only in tests of the waitpid-polling fallback).
    let usesPidfd: Bool

    let state: Mutex<SupervisorState>
    let wakeRead: Int32
    let wakeWrite: Int32

    /// Starts the polling thread. Ignores SIGPIPE process-wide so a closed stdin pipe cannot kill the daemon.
    public convenience init(maximumOutputBytes: Int = 256 * 1024) throws(ProcessError) {
        try self.init(maximumOutputBytes: maximumOutputBytes, usesPidfd: true)
    }

    init(maximumOutputBytes: Int, usesPidfd: Bool) throws(ProcessError) {
        guard ProcessSpawner.pidfdOpen != nil else { throw .unsupported("pidfd_open is not available (Linux 5.3+)") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .system(call: "pipe", errno: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        signal(SIGPIPE, SIG_IGN)
        self.maximumOutputBytes = maximumOutputBytes
        self.usesPidfd = usesPidfd
        wakeRead = fds[0]
        wakeWrite = fds[1]
        state = Mutex(SupervisorState())
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(
            &thread, nil,
            { context in
                let supervisor = Unmanaged<ProcessSupervisor>.fromOpaque(context!).takeRetainedValue()
                supervisor.pollLoop()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<ProcessSupervisor>.fromOpaque(context).release()
            throw .system(call: "pthread_create", errno: created)
        }
        pthread_detach(thread)
    }

    /// Stops the polling thread after killing every remaining process group. Call once, at shutdown.
    public func shutdown() {
        state.withLock { state in
            state.isShuttingDown = true
            for child in state.children.values where child.termination == nil { child.killGroup(reason: .killed) }
        }
        wake()
    }

    /// Spawns a command. A missing program or a failed exec is returned as a finished run (`notFound`,
    /// `spawnFailed`), never thrown.
    public func spawn(_ command: AgentCommand, timeout: Duration) -> Handle {
        let handle = reserve()
        spawn(command, timeout: timeout, reserved: handle)
        return handle
    }

    /// Reserves a handle for a process that `spawn(_:timeout:reserved:)` starts later, possibly on another
    /// thread: `onExit` and `kill` work on it at once (a kill before the spawn is carried out on spawning).
    /// lrmd reserves on its event loop and spawns on a thread pool, because `posix_spawn` blocks the caller
    /// until the child has exec'd, which takes long on a loaded machine.
    public func reserve() -> Handle {
        let child = ChildProcess(pendingWithLimit: maximumOutputBytes)
        return state.withLock { state in
            let handle = Handle(id: state.nextID)
            state.nextID += 1
            state.children[handle.id] = child
            return handle
        }
    }

    /// Starts the process of a reserved handle.
    public func spawn(_ command: AgentCommand, timeout: Duration, reserved handle: Handle) {
        guard !state.withLock({ $0.isShuttingDown }) else {
            let run = AgentRun(termination: .spawnFailed(errno: ESHUTDOWN, message: "supervisor is shut down"))
            return complete(handle, with: run)
        }
        let start = ContinuousClock.now
        switch ProcessSpawner.spawn(command, usesPidfd: usesPidfd) {
        case .spawned(let process):
            state.withLock { state in
                guard let child = state.children[handle.id] else {
                    _ = Glibc.kill(-process.pid, SIGKILL)  // unknown handle: never leave a process unsupervised
                    return
                }
                child.isPending = false
                child.process = process
                child.started = start
                child.deadline = start + timeout
                if child.isKillRequested || state.isShuttingDown { child.killGroup(reason: .killed) }
            }
            wake()
        case .failed(let termination):
            complete(handle, with: AgentRun(termination: termination))
        }
    }

    /// Finishes a reserved handle without a process (missing agent, nothing to run).
    public func complete(_ handle: Handle, with run: AgentRun) {
        let completion: (@Sendable (AgentRun) -> Void)? = state.withLock { state in
            guard let child = state.children[handle.id] else { return nil }
            child.isPending = false
            child.finishedRun = run
            guard let completion = child.completion else { return nil }
            state.children[handle.id] = nil
            return completion
        }
        completion?(run)
        wake()
    }

    /// Waits for a spawned process to end and returns what it did. Call once per handle (or use `onExit`).
    nonisolated(nonsending) public func wait(_ handle: Handle) async -> AgentRun {
        await withCheckedContinuation { (continuation: CheckedContinuation<AgentRun, Never>) in
            onExit(handle) { continuation.resume(returning: $0) }
        }
    }

    /// Calls `body` once when the process has ended (at once if it already has), on the supervisor's thread:
    /// `body` must be quick and must not block. Use either this or `wait`, once per handle.
    public func onExit(_ handle: Handle, _ body: @escaping @Sendable (AgentRun) -> Void) {
        let finished: AgentRun? = state.withLock { state in
            guard let child = state.children[handle.id] else {
                return AgentRun(termination: .spawnFailed(errno: 0, message: "unknown process handle"))
            }
            if let run = child.finishedRun {
                state.children[handle.id] = nil
                return run
            }
            child.completion = body
            return nil
        }
        if let finished { body(finished) }
    }

    /// Spawns and waits.
    nonisolated(nonsending) public func run(_ command: AgentCommand, timeout: Duration) async -> AgentRun {
        await wait(spawn(command, timeout: timeout))
    }

    /// Kills the process group of a running process; its run ends as `.killed`. No effect once it ended.
    public func kill(_ handle: Handle) {
        state.withLock { state in
            guard let child = state.children[handle.id], child.termination == nil, child.finishedRun == nil else {
                return
            }
            if child.isPending { child.isKillRequested = true }
            child.killGroup(reason: .killed)
        }
        wake()
    }

    /// How many processes are being supervised (running, or finished and not yet collected).
    public var activeCount: Int { state.withLock { $0.children.count } }

    func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }
}

/// Why the supervisor could not start.
public enum ProcessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed.
    case system(call: String, errno: Int32)
    /// The kernel or C library lacks something we need.
    case unsupported(String)

    /// A message naming the call and the error.
    public var description: String {
        switch self {
        case .system(let call, let number): "\(call) failed: \(String(cString: strerror(number)))"
        case .unsupported(let message): message
        }
    }
}

struct SupervisorState: ~Copyable {
    var children: [UInt64: ChildProcess] = [:]
    var nextID: UInt64 = 1
    var isShuttingDown = false
}
