import Foundation
import Synchronization

/// One long-lived thread that spawns children under `setpriv --pdeathsig KILL`. Linux sends the
/// parent-death signal when the spawning *thread* ends, so spawning from a concurrency pool thread (which
/// may retire when idle) could kill a healthy child; this thread lives until `finish()`, called once every
/// child it spawned is gone.
public final class SpawnThread: Sendable {
    private struct Request: Sendable {
        let command: DaemonCommand
        let environment: [String: String]
        let output: String?
        let reply: @Sendable (Result<Int32, SpawnError>) -> Void
    }

    private let queue = Mutex<(requests: [Request], finished: Bool)>(([], false))
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the thread.
    public init() {
        let thread = Thread { [self] in loop() }
        thread.name = "ha-spawn"
        thread.start()
    }

    /// Spawns `command` on the thread (its own process group, stdin /dev/null, output appended to `output`).
    public func spawn(
        _ command: DaemonCommand, environment: [String: String], output: String?
    ) -> Result<Int32, SpawnError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<Int32, SpawnError>?>(nil)
        let request = Request(command: command, environment: environment, output: output) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        let accepted = queue.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.requests.append(request)
            return true
        }
        guard accepted else { return .failure(SpawnError(path: command.path, errno: ESHUTDOWN)) }
        wake.signal()
        done.wait()
        return result.withLock { $0 } ?? .failure(SpawnError(path: command.path, errno: EIO))
    }

    /// Ends the thread (call once the children it spawned have exited).
    public func finish() {
        queue.withLock { $0.finished = true }
        wake.signal()
    }

    private func loop() {
        while true {
            wake.wait()
            let (requests, finished) = queue.withLock { state in
                defer { state.requests = [] }
                return (state.requests, state.finished)
            }
            for request in requests {
                request.reply(DaemonProcess.spawn(request.command, environment: request.environment, output: request.output))
            }
            if finished { return }
        }
    }
}
