import Glibc
import Membership
import Messaging
import ResourceAgents
import Synchronization

/// Runs the controller's local actions through this node's lrmd: resource operations (probes, starts, stops,
/// recurring monitors, cancels), fencing with a configured `stonith` device, and controller events that need
/// no agent. Results come back to the controller through `report`: the first result of an action as
/// `.localActionFinished`, later results of a recurring monitor (lrmd reports changes only) as
/// `.localResultReported`.
final class LocalActionRunner: Sendable {
    /// What a dispatched call waits for.
    struct Waiter: Sendable {
        var transitionID: Int
        var action: GraphAction
        var transitionKey: String
        var isRecurring: Bool
        var isFinished = false
    }

    struct State: Sendable {
        var registered: [String: ResourceAgents.ResourceDefinition] = [:]
        var waiting: [CallID: Waiter] = [:]
        /// Results that arrived before their call was recorded (the reply and the result race).
        var early: [CallID: OperationResult] = [:]
        /// Recurring operations per resource, cancelled before the resource stops.
        var recurring: [String: Set<OperationKey>] = [:]
        /// Fence devices started here: like Pacemaker's fencer, a device is "running" only where it was
        /// started, so a probe elsewhere answers 7 instead of asking the (reachable) device.
        var startedDevices: Set<String> = []
    }

    let client: LRMDClient
    let report: @Sendable (Controller.Event) -> Void
    let log: @Sendable (String) -> Void
    let state = Mutex(State())

    init(client: LRMDClient, report: @escaping @Sendable (Controller.Event) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.report = report
        self.log = log
    }

    /// Reads lrmd's results until the connection closes.
    func consumeResults() async {
        for await result in client.results { deliver(result) }
    }

    /// Runs one action; the result is reported asynchronously.
    func run(transitionID: Int, action: GraphAction, transitionKey: String, devices: [FenceDevice]) async {
        let finish: @Sendable (ActionResult) -> Void = { [report] result in
            report(.localActionFinished(transitionID: transitionID, action, transitionKey: transitionKey, result))
        }
        switch action.kind {
        case .pseudo:
            finish(ActionResult(rc: 0, completedAtEpochSeconds: Self.epochSeconds()))
        case .cluster:
            if action.operation == "stonith" {
                await fence(transitionID: transitionID, action: action, transitionKey: transitionKey, devices: devices)
            } else {
                if action.operation == "lrm_delete", let resource = action.resource {
                    try? await client.unregister(resource.longID ?? resource.id)
                }
                finish(ActionResult(rc: 0, completedAtEpochSeconds: Self.epochSeconds()))
            }
        case .resource:
            await runResourceOperation(transitionID: transitionID, action: action, transitionKey: transitionKey, finish: finish)
        }
    }

    private func runResourceOperation(
        transitionID: Int, action: GraphAction, transitionKey: String, finish: @Sendable (ActionResult) -> Void
    ) async {
        guard let resource = action.resource else {
            return finish(Self.failure(.invalid, rc: 1, "\(action.operationKey) names no resource"))
        }
        let id = resource.longID ?? resource.id
        switch action.operation {
        case "cancel":
            let operation = action.attributes["CRM_meta_operation"] ?? "monitor"
            let key = OperationKey(resource: id, action: operation, interval: action.interval)
            try? await client.cancel(key)
            _ = state.withLock { $0.recurring[id]?.remove(key) }
            return finish(ActionResult(rc: 0, completedAtEpochSeconds: Self.epochSeconds()))
        case "delete":
            try? await client.unregister(id)
            _ = state.withLock { $0.registered.removeValue(forKey: id) }
            return finish(ActionResult(rc: 0, completedAtEpochSeconds: Self.epochSeconds()))
        case "stop", "demote", "migrate_to":
            await cancelRecurring(of: id)
        default:
            break
        }
        if resource.agentClass == "stonith" {
            let isStarted = state.withLock { $0.startedDevices.contains(id) }
            if action.operation == "stop" {
                _ = state.withLock { $0.startedDevices.remove(id) }
                return finish(ActionResult(rc: 0, completedAtEpochSeconds: Self.epochSeconds()))
            }
            if action.operation == "monitor", !isStarted {
                return finish(ActionResult(rc: 7, completedAtEpochSeconds: Self.epochSeconds()))
            }
        }
        do {
            try await ensureRegistered(id: id, resource: resource, parameters: action.parameters)
        } catch {
            return finish(Self.failure(.notInstalled, rc: 5, "cannot register \(id) with lrmd: \(error)"))
        }
        let key = OperationKey(resource: id, action: action.operation, interval: action.interval)
        let request = OperationRequest(
            key: key, timeout: action.timeout, parameters: action.attributes, notifiesChangesOnly: key.isRecurring,
            notifiesOriginOnly: true)
        let waiter = Waiter(
            transitionID: transitionID, action: action, transitionKey: transitionKey, isRecurring: key.isRecurring)
        await execute(request, waiter: waiter, finish: finish)
        if key.isRecurring { _ = state.withLock { $0.recurring[id, default: []].insert(key) } }
    }

    private func execute(_ request: OperationRequest, waiter: Waiter, finish: @Sendable (ActionResult) -> Void) async {
        let callID: CallID
        do {
            callID = try await client.execute(request)
        } catch {
            return finish(Self.failure(.error, rc: 1, "lrmd refused \(request.key): \(error)"))
        }
        let early = state.withLock { state -> OperationResult? in
            state.waiting[callID] = waiter
            return state.early.removeValue(forKey: callID)
        }
        if let early { deliver(early) }
    }

    private func fence(transitionID: Int, action: GraphAction, transitionKey: String, devices: [FenceDevice]) async {
        let finish: @Sendable (ActionResult) -> Void = { [report] result in
            report(.localActionFinished(transitionID: transitionID, action, transitionKey: transitionKey, result))
        }
        guard let target = action.node, let device = devices.first(where: { $0.canFence(target) }) else {
            return finish(Self.failure(.noFenceDevice, rc: 1, "no fence device can fence \(action.node ?? "?")"))
        }
        let resource = GraphResource(id: device.id, agentClass: "stonith", type: device.type)
        do {
            try await ensureRegistered(id: device.id, resource: resource, parameters: device.parameters)
        } catch {
            return finish(Self.failure(.notInstalled, rc: 5, "cannot register fence device \(device.id): \(error)"))
        }
        let fenceAction = action.attributes["CRM_meta_stonith_action"] ?? "reboot"
        let timeout = action.attributes["CRM_meta_timeout"].flatMap { Int($0) }.map { Duration.milliseconds($0) }
        let request = OperationRequest(
            key: OperationKey(resource: device.id, action: fenceAction), timeout: timeout ?? .seconds(60),
            parameters: ["port": target, "nodename": target], notifiesOriginOnly: true)
        log("fencing \(target) with \(device.id) (\(device.type) \(fenceAction))")
        await execute(
            request,
            waiter: Waiter(transitionID: transitionID, action: action, transitionKey: transitionKey, isRecurring: false),
            finish: finish)
    }

    private func ensureRegistered(id: String, resource: GraphResource, parameters: [String: String]) async throws {
        guard let standard = AgentStandard(rawValue: resource.agentClass) else {
            throw LRMDClientError.refused("unknown resource class '\(resource.agentClass)'")
        }
        let definition = ResourceAgents.ResourceDefinition(
            id: id, agent: try AgentIdentifier(standard: standard, provider: resource.provider, type: resource.type),
            parameters: parameters)
        if state.withLock({ $0.registered[id] == definition }) { return }
        try await client.register(definition)
        state.withLock { $0.registered[id] = definition }
    }

    private func cancelRecurring(of resource: String) async {
        let keys = state.withLock { $0.recurring.removeValue(forKey: resource) ?? [] }
        for key in keys.sorted() { try? await client.cancel(key) }
    }

    /// Routes one lrmd result to the call that waits for it.
    func deliver(_ result: OperationResult) {
        let event = state.withLock { state -> Controller.Event? in
            guard var waiter = state.waiting[result.callID] else {
                state.early[result.callID] = result
                if state.early.count > 256, let oldest = state.early.keys.min() { state.early[oldest] = nil }
                return nil
            }
            let converted = Self.convert(result)
            if waiter.isRecurring {
                if result.status == .cancelled {
                    state.waiting[result.callID] = nil
                    return nil
                }
                if waiter.isFinished { return .localResultReported(waiter.action, converted) }
                waiter.isFinished = true
                state.waiting[result.callID] = waiter
            } else {
                state.waiting[result.callID] = nil
            }
            if waiter.action.operation == "start", waiter.action.resource?.agentClass == "stonith", converted.rc == 0,
                converted.status == .done, let resource = waiter.action.resource
            {
                state.startedDevices.insert(resource.longID ?? resource.id)
            }
            return .localActionFinished(
                transitionID: waiter.transitionID, waiter.action, transitionKey: waiter.transitionKey, converted)
        }
        if let event { report(event) }
    }

    static func convert(_ result: OperationResult) -> ActionResult {
        let status: ActionResult.Status
        switch result.status {
        case .pending, .done: status = .done
        case .cancelled: status = .cancelled
        case .timedOut: status = .timedOut
        case .notSupported: status = .notSupported
        case .error, .hardError, .fatalError: status = .error
        case .notInstalled: status = .notInstalled
        case .notConnected: status = .notConnected
        case .invalid: status = .invalid
        case .noFenceDevice: status = .noFenceDevice
        case .noSecrets: status = .noSecrets
        }
        return ActionResult(
            rc: Int(result.exitCode.normalized.rawValue), status: status, callID: Int(result.callID.rawValue),
            exitReason: result.exitReason, executionMilliseconds: Int(result.executionTime.wholeMilliseconds),
            queueMilliseconds: Int(result.queueTime.wholeMilliseconds), completedAtEpochSeconds: epochSeconds())
    }

    static func failure(_ status: ActionResult.Status, rc: Int, _ reason: String) -> ActionResult {
        ActionResult(rc: rc, status: status, exitReason: reason, completedAtEpochSeconds: epochSeconds())
    }

    static func epochSeconds() -> Int { Int(time(nil)) }
}
