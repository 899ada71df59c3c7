import Dispatch
import Synchronization

/// Runs one agent action: finds the agent, builds its command and environment, and hands it to the
/// supervisor. Used by lrmd for every operation and by `crm_resource --force-*` directly.
public struct AgentRunner: Sendable {
    /// Where agents are found.
    public let locator: AgentLocator
    /// What every agent's environment holds besides the resource's parameters.
    public let settings: AgentEnvironmentSettings
    /// The process supervisor that runs and reaps them.
    public let supervisor: ProcessSupervisor

    /// Makes a runner; `settings.ocfRoot` is taken from the locator.
    public init(locator: AgentLocator, settings: AgentEnvironmentSettings = .init(), supervisor: ProcessSupervisor) {
        self.locator = locator
        var settings = settings
        settings.ocfRoot = locator.ocfRoot
        self.settings = settings
        self.supervisor = supervisor
    }

    /// Starts the invocation and returns a handle to wait for or kill. A missing agent yields a finished
    /// `notFound` run; fence-agent `stop` (nothing to run) yields success.
    public func spawn(_ invocation: AgentInvocation) -> ProcessSupervisor.Handle {
        let handle = supervisor.reserve()
        spawn(invocation, reserved: handle)
        return handle
    }

    /// Starts the invocation for a handle from `supervisor.reserve()` (lrmd calls this off its event loop).
    public func spawn(_ invocation: AgentInvocation, reserved handle: ProcessSupervisor.Handle) {
        switch plan(invocation) {
        case .run(let command): supervisor.spawn(command, timeout: invocation.timeout, reserved: handle)
        case .finished(let run): supervisor.complete(handle, with: run)
        }
    }

    enum Plan {
        case run(AgentCommand)
        case finished(AgentRun)
    }

    func plan(_ invocation: AgentInvocation) -> Plan {
        guard invocation.agent.standard.isSupported else {
            let message = "resource class '\(invocation.agent.standard)' is not supported"
            return .finished(AgentRun(termination: .spawnFailed(errno: 95, message: message)))
        }
        guard invocation.programAction != nil else { return .finished(AgentRun(termination: .exited(0))) }
        guard let path = locator.path(for: invocation.agent) else { return .finished(AgentRun(termination: .notFound)) }
        return .run(invocation.command(path: path, settings: settings))
    }

    /// Runs the invocation to completion and interprets the result as Pacemaker would.
    nonisolated(nonsending) public func run(_ invocation: AgentInvocation) async -> AgentActionResult {
        let run = await supervisor.wait(spawn(invocation))
        let (code, status, reason) = AgentOutcome.interpret(
            run, standard: invocation.agent.standard, action: invocation.action, timeout: invocation.timeout)
        return AgentActionResult(exitCode: code, status: status, exitReason: reason, run: run)
    }
}

/// One interpreted agent run.
public struct AgentActionResult: Sendable, Hashable {
    /// The normalised exit code.
    public var exitCode: OCFExitCode
    /// How the execution went.
    public var status: ExecutionStatus
    /// The exit reason (agent's or executor's).
    public var exitReason: String
    /// The raw run, with output.
    public var run: AgentRun
}

extension ProcessSupervisor {
    /// Registers a run that finished without a process (missing agent, nothing to do), so callers can treat
    /// every outcome through `wait`.
    public func finished(_ run: AgentRun) -> Handle {
        let handle = reserve()
        complete(handle, with: run)
        return handle
    }
}

extension AgentRunner {
    /// Runs the invocation and blocks the calling thread until it ends, for synchronous command-line tools
    /// (`crm_resource --force-*`). Never call it from a Swift concurrency task or an event loop.
    public func runBlocking(_ invocation: AgentInvocation) -> AgentActionResult {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Mutex<AgentRun?>(nil)
        supervisor.onExit(spawn(invocation)) { run in
            box.withLock { $0 = run }
            semaphore.signal()
        }
        semaphore.wait()
        let run = box.withLock { $0 } ?? AgentRun(termination: .spawnFailed(errno: 0, message: "no result"))
        let (code, status, reason) = AgentOutcome.interpret(
            run, standard: invocation.agent.standard, action: invocation.action, timeout: invocation.timeout)
        return AgentActionResult(exitCode: code, status: status, exitReason: reason, run: run)
    }
}
