extension Executor {
    mutating func register(_ definition: ResourceDefinition, request: RequestID) -> [Directive] {
        guard definition.agent.standard.isSupported else {
            return [.reply(request, .rejected(.unsupportedStandard(definition.agent.standard)))]
        }
        guard !definition.id.isEmpty else { return [.reply(request, .rejected(.invalidRequest("empty resource id")))] }
        if var existing = resources[definition.id] {
            existing.definition = definition
            existing.isUnregistering = false
            resources[definition.id] = existing
        } else {
            resources[definition.id] = ResourceState(definition: definition)
        }
        return [.reply(request, .accepted(nil))]
    }

    mutating func unregister(_ resource: String, request: RequestID, at now: Duration) -> [Directive] {
        guard resources[resource] != nil else { return [.reply(request, .rejected(.unknownResource(resource)))] }
        var directives: [Directive] = [.reply(request, .accepted(nil))]
        for callID in operations.keys.sorted() where operations[callID]?.request.key.resource == resource {
            guard resources[resource]?.running != callID || operations[callID]?.request.key.isRecurring == true
            else { continue }
            directives += cancelOperation(callID, at: now)
        }
        resources[resource]?.isUnregistering = true
        removeIfIdle(resource)
        return directives
    }

    mutating func execute(
        _ operation: OperationRequest, from client: ClientID, request: RequestID, at now: Duration
    ) -> [Directive] {
        let key = operation.key
        guard let state = resources[key.resource], !state.isUnregistering else {
            return [.reply(request, .rejected(.unknownResource(key.resource)))]
        }
        guard !key.action.isEmpty, operation.timeout > .zero, key.interval >= .zero, operation.startDelay >= .zero
        else { return [.reply(request, .rejected(.invalidRequest("empty action or non-positive timeout")))] }
        if let existing = recurring[key] { return [.reply(request, .accepted(existing))] }
        var directives: [Directive] = []
        if key.action == "stop" { directives += cancelRecurring(of: key.resource, at: now) }
        let callID = CallID(nextCallID)
        nextCallID += 1
        if key.isRecurring { recurring[key] = callID }
        directives.insert(.reply(request, .accepted(callID)), at: 0)
        if operation.startDelay > .zero {
            let token = makeToken(callID)
            operations[callID] = OperationState(request: operation, origin: client, phase: .delayed(token, since: now))
            directives.append(.scheduleTimer(token, after: operation.startDelay))
        } else {
            operations[callID] = OperationState(request: operation, origin: client, phase: .queued(since: now))
            resources[key.resource]?.queue.append(callID)
            directives += dispatch(key.resource, at: now)
        }
        return directives
    }

    mutating func cancel(_ key: OperationKey, request: RequestID, at now: Duration) -> [Directive] {
        let candidate =
            recurring[key]
            ?? operations.filter { $0.value.request.key == key && !$0.value.isCancelling }.keys.min()
        guard let callID = candidate else { return [.reply(request, .rejected(.noSuchOperation(key)))] }
        return [.reply(request, .accepted(callID))] + cancelOperation(callID, at: now)
    }

    mutating func agentFinished(_ callID: CallID, run: AgentRun, at now: Duration) -> [Directive] {
        guard var operation = operations[callID], case .running(let since, let queuedFor) = operation.phase,
            let resource = resources[operation.request.key.resource], resource.running == callID
        else { return [] }
        let key = operation.request.key
        resources[key.resource]?.running = nil
        let (exitCode, status, reason) = AgentOutcome.interpret(
            run, standard: resource.definition.agent.standard, action: key.action, timeout: operation.request.timeout)
        let result = OperationResult(
            key: key, callID: callID, exitCode: exitCode, status: operation.isCancelling ? .cancelled : status,
            exitReason: reason, output: run.standardOutput, startedAt: since, queueTime: queuedFor,
            executionTime: run.duration)
        var directives: [Directive] = []
        if !operation.isCancelling { history[key.resource, default: [:]][key] = result }
        let reported = ReportedState(exitCode: result.exitCode, status: result.status)
        let audience = operation.request.notifiesOriginOnly ? operation.origin : nil
        if operation.isCancelling || !key.isRecurring {
            operations[callID] = nil
            directives.append(.deliver(result, to: audience))
        } else {
            if !operation.request.notifiesChangesOnly || operation.lastReported != reported {
                directives.append(.deliver(result, to: audience))
            }
            let token = makeToken(callID)
            operation.lastReported = reported
            operation.phase = .waitingInterval(token)
            operations[callID] = operation
            directives.append(.scheduleTimer(token, after: key.interval))
        }
        removeIfIdle(key.resource)
        return directives + dispatch(key.resource, at: now)
    }

    mutating func timerFired(_ token: TimerToken, at now: Duration) -> [Directive] {
        guard var operation = operations[token.callID] else { return [] }
        switch operation.phase {
        case .delayed(token, _), .waitingInterval(token):
            operation.phase = .queued(since: now)
            operations[token.callID] = operation
            resources[operation.request.key.resource]?.queue.append(token.callID)
            return dispatch(operation.request.key.resource, at: now)
        default:
            return []
        }
    }

    // MARK: Helpers

    mutating func dispatch(_ resource: String, at now: Duration) -> [Directive] {
        guard var state = resources[resource], state.running == nil, let callID = state.queue.popFirst() else {
            return []
        }
        guard var operation = operations[callID], case .queued(let since) = operation.phase else {
            resources[resource] = state
            return dispatch(resource, at: now)
        }
        state.running = callID
        resources[resource] = state
        operation.phase = .running(since: now, queuedFor: now - since)
        operations[callID] = operation
        let request = operation.request
        let parameters = state.definition.parameters.merging(request.parameters) { _, new in new }
        let invocation = AgentInvocation(
            resource: resource, agent: state.definition.agent, action: request.key.action, parameters: parameters,
            timeout: request.timeout, interval: request.key.interval)
        return [.startAgent(callID, invocation)]
    }

    mutating func cancelRecurring(of resource: String, at now: Duration) -> [Directive] {
        recurring.filter { $0.key.resource == resource }.values.sorted().flatMap { cancelOperation($0, at: now) }
    }

    /// Cancels one operation: a running one is killed and reported when it ends; any other is reported now.
    mutating func cancelOperation(_ callID: CallID, at now: Duration) -> [Directive] {
        guard var operation = operations[callID] else { return [] }
        let key = operation.request.key
        if recurring[key] == callID { recurring[key] = nil }
        if case .running = operation.phase {
            operation.isCancelling = true
            operations[callID] = operation
            return [.killAgent(callID)]
        }
        operations[callID] = nil
        resources[key.resource]?.queue.removeAll { $0 == callID }
        let last = operation.lastReported ?? ReportedState(exitCode: .success, status: .done)
        let result = OperationResult(
            key: key, callID: callID, exitCode: last.exitCode, status: .cancelled, exitReason: "operation cancelled",
            startedAt: now)
        return [.deliver(result, to: operation.request.notifiesOriginOnly ? operation.origin : nil)]
    }

    mutating func removeIfIdle(_ resource: String) {
        guard let state = resources[resource], state.isUnregistering, state.running == nil else { return }
        guard !operations.values.contains(where: { $0.request.key.resource == resource }) else { return }
        resources[resource] = nil
        history[resource] = nil
    }

    mutating func makeToken(_ callID: CallID) -> TimerToken {
        defer { nextTimer += 1 }
        return TimerToken(callID: callID, generation: nextTimer)
    }
}
