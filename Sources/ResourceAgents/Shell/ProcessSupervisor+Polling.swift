import Glibc

/// One supervised child.
/// `@unchecked Sendable`: every access happens inside `ProcessSupervisor.state.withLock`.
final class ChildProcess: @unchecked Sendable {
    var process: SpawnedProcess?
    var deadline: ContinuousClock.Instant
    var started: ContinuousClock.Instant
    /// Reserved but not spawned yet; a kill meanwhile is remembered and carried out on spawning.
    var isPending = false
    var isKillRequested = false
    var output: BoundedCapture
    var errors: BoundedCapture
    var termination: ProcessTermination?
    var finishedRun: AgentRun?
    var completion: (@Sendable (AgentRun) -> Void)?

    init(process: SpawnedProcess, deadline: ContinuousClock.Instant, started: ContinuousClock.Instant, limit: Int) {
        self.process = process
        self.deadline = deadline
        self.started = started
        output = BoundedCapture(limit: limit)
        errors = BoundedCapture(limit: limit)
    }

    init(pendingWithLimit limit: Int) {
        process = nil
        deadline = .now
        started = .now
        output = BoundedCapture(limit: limit)
        errors = BoundedCapture(limit: limit)
        isPending = true
    }

    init(finished run: AgentRun) {
        process = nil
        deadline = .now
        started = .now
        output = BoundedCapture(limit: 0)
        errors = BoundedCapture(limit: 0)
        finishedRun = run
    }

    /// SIGKILLs the whole group while the leader is still unreaped, so the group id cannot have been reused.
    func killGroup(reason: ProcessTermination) {
        guard let process, termination == nil else { return }
        termination = reason
        _ = Glibc.kill(-process.pid, SIGKILL)
    }

    /// Reaps the leader if it has exited; then drains and closes the pipes and records the run.
    func reapIfExited(buffer: inout [UInt8]) {
        guard let process else { return }
        var status: Int32 = 0
        let reaped = waitpid(process.pid, &status, WNOHANG)
        guard reaped == process.pid || (reaped < 0 && errno == ECHILD) else { return }
        drain(process.standardOutput, into: &output, buffer: &buffer)
        drain(process.standardError, into: &errors, buffer: &buffer)
        for fd in [process.pidfd, process.standardOutput, process.standardError] where fd >= 0 { Glibc.close(fd) }
        self.process = nil
        let low = status & 0x7f
        let ended: ProcessTermination =
            termination ?? (low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low))
        finishedRun = AgentRun(
            termination: ended, standardOutput: output.text, standardError: errors.text,
            isTruncated: output.isTruncated || errors.isTruncated, duration: .now - started)
    }

    /// Reads what a pipe holds now (bounded per call so one chatty child cannot starve the others); at end of
    /// file the pipe is closed, so a hung-up pipe is not polled again while the process lingers.
    func read(isError: Bool, buffer: inout [UInt8]) {
        guard var process else { return }
        let fd = isError ? process.standardError : process.standardOutput
        let isOpen =
            isError
            ? drain(fd, into: &errors, buffer: &buffer, maximumReads: 4)
            : drain(fd, into: &output, buffer: &buffer, maximumReads: 4)
        guard !isOpen else { return }
        Glibc.close(fd)
        if isError { process.standardError = -1 } else { process.standardOutput = -1 }
        self.process = process
    }

    /// Reads until the pipe is empty, at end of file or after `maximumReads`; false at end of file or error.
    @discardableResult
    private func drain(_ fd: Int32, into capture: inout BoundedCapture, buffer: inout [UInt8], maximumReads: Int = 64)
        -> Bool
    {
        guard fd >= 0 else { return false }
        for _ in 0..<maximumReads {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                capture.append(buffer[0..<count])
                continue
            }
            return count < 0 && (errno == EAGAIN || errno == EINTR)
        }
        return true
    }
}

/// Keeps the first `limit` bytes of a stream and its last 4 KiB (where `ocf-exit-reason:` usually is).
struct BoundedCapture {
    let limit: Int
    var head: [UInt8] = []
    var tail: [UInt8] = []
    var isTruncated = false
    static let tailBytes = 4096

    init(limit: Int) { self.limit = limit }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        let room = max(0, limit - head.count)
        head += bytes.prefix(room)
        guard bytes.count > room else { return }
        isTruncated = true
        tail += bytes.dropFirst(room)
        if tail.count > Self.tailBytes { tail.removeFirst(tail.count - Self.tailBytes) }
    }

    var text: String {
        let headText = String(decoding: head, as: UTF8.self)
        guard isTruncated else { return headText }
        return headText + "\n[... output truncated ...]\n" + String(decoding: tail, as: UTF8.self)
    }
}

extension ProcessSupervisor {
    private enum Source {
        case wake
        case exit(UInt64)
        case output(UInt64)
        case errors(UInt64)
    }

    func pollLoop() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var descriptors: [pollfd] = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            var sources: [Source] = [.wake]
            let (timeout, isDone) = state.withLock { state in
                var nearest: ContinuousClock.Instant?
                for (id, child) in state.children {
                    guard let process = child.process else { continue }
                    descriptors.append(pollfd(fd: process.pidfd, events: Int16(POLLIN), revents: 0))
                    sources.append(.exit(id))
                    for (fd, source) in [
                        (process.standardOutput, Source.output(id)), (process.standardError, .errors(id)),
                    ]
                    where fd >= 0 {
                        descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                        sources.append(source)
                    }
                    if child.termination == nil { nearest = min(nearest ?? child.deadline, child.deadline) }
                    // Without a pidfd (pidfd_open refused), exits are found by polling waitpid every 10 ms.
                    if process.pidfd < 0 {
                        nearest = min(nearest ?? .now + .milliseconds(10), .now + .milliseconds(10))
                    }
                }
                let done =
                    state.isShuttingDown && state.children.values.allSatisfy { $0.process == nil && !$0.isPending }
                return (nearest.map { Self.milliseconds(until: $0) } ?? 1_000, done)
            }
            if isDone { break }
            _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
            let resumptions = state.withLock { state in
                handleReady(descriptors, sources, state: &state, buffer: &buffer)
            }
            for (completion, run) in resumptions { completion(run) }
        }
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    private func handleReady(
        _ descriptors: [pollfd], _ sources: [Source], state: inout SupervisorState, buffer: inout [UInt8]
    ) -> [(@Sendable (AgentRun) -> Void, AgentRun)] {
        for (descriptor, source) in zip(descriptors, sources) where descriptor.revents != 0 {
            switch source {
            case .wake:
                while Glibc.read(wakeRead, &buffer, buffer.count) > 0 {}
            case .output(let id), .errors(let id):
                let isError: Bool = if case .errors = source { true } else { false }
                state.children[id]?.read(isError: isError, buffer: &buffer)
            case .exit(let id):
                state.children[id]?.reapIfExited(buffer: &buffer)
            }
        }
        // Without a pidfd exits are found here; with one, a child whose pipes just reached end of file has most
        // likely exited too, and reaping it now saves a round of poll before its pidfd reports it.
        for child in state.children.values where child.process?.isExitLikely ?? false {
            child.reapIfExited(buffer: &buffer)
        }
        let now = ContinuousClock.now
        var resumptions: [(@Sendable (AgentRun) -> Void, AgentRun)] = []
        for (id, child) in state.children {
            if child.process != nil, child.termination == nil, now >= child.deadline {
                child.killGroup(reason: .timedOut(after: child.deadline - child.started))
            }
            if let run = child.finishedRun, let completion = child.completion {
                resumptions.append((completion, run))
                state.children[id] = nil
            }
        }
        return resumptions
    }

    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = (deadline - .now).wholeMilliseconds + 1
        return Int32(clamping: max(0, min(remaining, 1_000)))
    }
}
