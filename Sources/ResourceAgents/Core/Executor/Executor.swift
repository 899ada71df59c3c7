import DequeModule

/// The node's operation executor as a pure state machine: one operation at a time per resource with a FIFO
/// queue behind it, start delays, recurring operations re-armed an interval after they complete, merging of
/// duplicates, cancellation, stop-implies-cancel and the last result per operation key.
///
/// It runs no process and reads no clock: the shell feeds `Event`s stamped with monotonic time and carries
/// out the `Directive`s (start or kill an agent, arm a timer, deliver a result, answer a request).
public struct Executor: Sendable {
    /// Inputs: client requests and what happened in the world.
    public enum Event: Sendable, Hashable {
        /// A client registers (or re-registers, replacing) a resource.
        case registerRequested(ResourceDefinition, request: RequestID)
        /// A client removes a resource; an operation in flight completes first.
        case unregisterRequested(resource: String, request: RequestID, at: Duration)
        /// A client asks for an operation.
        case executeRequested(OperationRequest, from: ClientID, request: RequestID, at: Duration)
        /// A client cancels an operation by key.
        case cancelRequested(OperationKey, request: RequestID, at: Duration)
        /// An agent process finished (or was killed).
        case agentFinished(CallID, AgentRun, at: Duration)
        /// A timer armed by `scheduleTimer` fired.
        case timerFired(TimerToken, at: Duration)
    }

    /// Outputs for the shell to carry out, in order.
    public enum Directive: Sendable, Hashable {
        /// Answer a request.
        case reply(RequestID, Reply)
        /// Run the agent; report `agentFinished` with the same call id. The shell enforces the timeout.
        case startAgent(CallID, AgentInvocation)
        /// Kill the agent's whole process group; `agentFinished` follows.
        case killAgent(CallID)
        /// Report `timerFired(token)` after the delay; stale tokens are ignored, so timers need no cancelling.
        case scheduleTimer(TimerToken, after: Duration)
        /// Send a result to one client, or to every subscriber when `client` is nil.
        case deliver(OperationResult, to: ClientID?)
    }

    /// The answer to a request.
    public enum Reply: Sendable, Hashable {
        /// Accepted; operations carry their call id.
        case accepted(CallID?)
        /// Refused, with the reason.
        case rejected(ExecutorError)
    }

    var resources: [String: ResourceState] = [:]
    var operations: [CallID: OperationState] = [:]
    var recurring: [OperationKey: CallID] = [:]
    var history: [String: [OperationKey: OperationResult]] = [:]
    var nextCallID: Int64 = 1
    var nextTimer: UInt64 = 1

    /// Makes an empty executor.
    public init() {}

    /// Feeds one event and returns what to do.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .registerRequested(let definition, let request):
            return register(definition, request: request)
        case .unregisterRequested(let resource, let request, let now):
            return unregister(resource, request: request, at: now)
        case .executeRequested(let operation, let client, let request, let now):
            return execute(operation, from: client, request: request, at: now)
        case .cancelRequested(let key, let request, let now):
            return cancel(key, request: request, at: now)
        case .agentFinished(let callID, let run, let now):
            return agentFinished(callID, run: run, at: now)
        case .timerFired(let token, let now):
            return timerFired(token, at: now)
        }
    }

    // MARK: Queries

    /// The registered resources, sorted by id.
    public var registeredResources: [ResourceDefinition] {
        resources.values.map(\.definition).sorted { $0.id < $1.id }
    }

    /// A registered resource's definition, or nil.
    public func definition(of resource: String) -> ResourceDefinition? { resources[resource]?.definition }

    /// The last result of each operation of a resource, sorted by key.
    public func history(of resource: String) -> [OperationResult] {
        (history[resource] ?? [:]).values.sorted { $0.key < $1.key }
    }

    /// The recurring operations currently scheduled, sorted by key.
    public var recurringOperations: [OperationKey] { recurring.keys.sorted() }

    /// How many operations exist (queued, delayed, running or waiting for their next run).
    public var operationCount: Int { operations.count }

    /// The call id of the operation running for a resource, if any.
    public func runningOperation(of resource: String) -> CallID? { resources[resource]?.running }
}

/// Identifies a client request so the shell can route the reply.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// The number.
    public var rawValue: UInt64
    /// Wraps a number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The number.
    public var description: String { String(rawValue) }
}

/// Identifies one armed timer; a fired token that no longer matches its operation is ignored.
public struct TimerToken: Sendable, Hashable {
    /// The operation the timer belongs to.
    public var callID: CallID
    /// Distinguishes re-armings of the same operation.
    public var generation: UInt64
    /// Makes a token.
    public init(callID: CallID, generation: UInt64) {
        self.callID = callID
        self.generation = generation
    }
}

/// Why the executor refused a request.
public enum ExecutorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No resource with that id is registered.
    case unknownResource(String)
    /// No operation with that key exists.
    case noSuchOperation(OperationKey)
    /// The agent's standard is not supported.
    case unsupportedStandard(AgentStandard)
    /// The request itself was malformed.
    case invalidRequest(String)

    /// A message naming what was wrong.
    public var description: String {
        switch self {
        case .unknownResource(let id): "no resource '\(id)' is registered"
        case .noSuchOperation(let key): "no operation \(key) exists"
        case .unsupportedStandard(let standard): "resource class '\(standard)' is not supported by this executor"
        case .invalidRequest(let message): "invalid request: \(message)"
        }
    }
}

struct ResourceState: Sendable {
    var definition: ResourceDefinition
    var running: CallID?
    var queue: Deque<CallID> = []
    var isUnregistering = false
}

struct OperationState: Sendable {
    enum Phase: Sendable, Hashable {
        case delayed(TimerToken, since: Duration)
        case queued(since: Duration)
        case running(since: Duration, queuedFor: Duration)
        case waitingInterval(TimerToken)
    }
    var request: OperationRequest
    var origin: ClientID
    var phase: Phase
    var lastReported: ReportedState?
    var isCancelling = false
}

struct ReportedState: Sendable, Hashable {
    var exitCode: OCFExitCode
    var status: ExecutionStatus
}
