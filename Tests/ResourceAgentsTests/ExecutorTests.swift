import Testing

@testable import ResourceAgents

/// Drives an `Executor` with events and records its directives; no process, no clock.
struct ExecutorHarness {
    var executor = Executor()
    var nextRequest: UInt64 = 1
    let client = ClientID(1)

    static let dummy = try! AgentIdentifier(parsing: "ocf:heartbeat:Dummy")

    mutating func request() -> RequestID {
        defer { nextRequest += 1 }
        return RequestID(nextRequest)
    }

    mutating func register(_ id: String, agent: AgentIdentifier = dummy) -> [Executor.Directive] {
        executor.handle(.registerRequested(ResourceDefinition(id: id, agent: agent), request: request()))
    }

    mutating func execute(
        _ resource: String, _ action: String, interval: Duration = .zero, at now: Duration = .zero,
        startDelay: Duration = .zero, changesOnly: Bool = false
    ) -> [Executor.Directive] {
        let key = OperationKey(resource: resource, action: action, interval: interval)
        let operation = OperationRequest(key: key, startDelay: startDelay, notifiesChangesOnly: changesOnly)
        return executor.handle(.executeRequested(operation, from: client, request: request(), at: now))
    }

    mutating func finish(_ callID: CallID, rc: Int32 = 0, at now: Duration = .zero) -> [Executor.Directive] {
        executor.handle(.agentFinished(callID, AgentRun(termination: .exited(rc)), at: now))
    }
}

extension Array where Element == Executor.Directive {
    var started: [CallID] {
        compactMap { if case .startAgent(let callID, _) = $0 { callID } else { nil } }
    }
    var invocations: [AgentInvocation] {
        compactMap { if case .startAgent(_, let invocation) = $0 { invocation } else { nil } }
    }
    var delivered: [OperationResult] {
        compactMap { if case .deliver(let result, _) = $0 { result } else { nil } }
    }
    var timers: [(TimerToken, Duration)] {
        compactMap { if case .scheduleTimer(let token, let delay) = $0 { (token, delay) } else { nil } }
    }
    var killed: [CallID] {
        compactMap { if case .killAgent(let callID) = $0 { callID } else { nil } }
    }
    var replies: [Executor.Reply] {
        compactMap { if case .reply(_, let reply) = $0 { reply } else { nil } }
    }
}

@Suite struct ExecutorTests {
    @Test func operationsOfOneResourceRunOneAtATimeInOrder() {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let first = harness.execute("d1", "start")
        let second = harness.execute("d1", "monitor")
        #expect(first.started == [CallID(1)])
        #expect(second.started.isEmpty)
        #expect(second.replies == [.accepted(CallID(2))])
        let afterFirst = harness.finish(CallID(1), at: .milliseconds(10))
        #expect(afterFirst.delivered.map(\.exitCode) == [.success])
        #expect(afterFirst.started == [CallID(2)])
        #expect(afterFirst.invocations.first?.action == "monitor")
    }

    @Test func differentResourcesRunConcurrently() {
        var harness = ExecutorHarness()
        _ = harness.register("a")
        _ = harness.register("b")
        #expect(harness.execute("a", "start").started.count == 1)
        #expect(harness.execute("b", "start").started.count == 1)
    }

    @Test func recurringOperationIsRearmedAnIntervalAfterCompletion() {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let started = harness.execute("d1", "monitor", interval: .seconds(10))
        let callID = try! #require(started.started.first)
        let finished = harness.finish(callID, rc: 0, at: .seconds(2))
        #expect(finished.delivered.count == 1)
        let timer = try! #require(finished.timers.first)
        #expect(timer.1 == .seconds(10))
        let rerun = harness.executor.handle(.timerFired(timer.0, at: .seconds(12)))
        #expect(rerun.started == [callID])
    }

    @Test func duplicateRecurringOperationIsMerged() {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let first = harness.execute("d1", "monitor", interval: .seconds(5))
        let duplicate = harness.execute("d1", "monitor", interval: .seconds(5))
        #expect(duplicate.replies == first.replies.filter { if case .accepted = $0 { true } else { false } })
        #expect(duplicate.started.isEmpty)
        #expect(harness.executor.recurringOperations.count == 1)
    }

    @Test func changesOnlyReportsWhenResultChanges() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let callID = try #require(
            harness.execute("d1", "monitor", interval: .seconds(1), changesOnly: true).started.first)
        var reported: [OCFExitCode] = []
        for (step, rc) in [0, 0, 0, 7, 7].enumerated() {
            let directives = harness.finish(callID, rc: Int32(rc), at: .seconds(Int64(step * 2)))
            reported += directives.delivered.map(\.exitCode)
            let token = try #require(directives.timers.first?.0)
            _ = harness.executor.handle(.timerFired(token, at: .seconds(Int64(step * 2 + 1))))
        }
        #expect(reported == [.success, .notRunning])
    }

    @Test func cancellingARunningOperationKillsItAndReportsCancelled() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let callID = try #require(harness.execute("d1", "monitor", interval: .seconds(1)).started.first)
        let key = OperationKey(resource: "d1", action: "monitor", interval: .seconds(1))
        let cancel = harness.executor.handle(.cancelRequested(key, request: harness.request(), at: .zero))
        #expect(cancel.killed == [callID])
        let finished = harness.executor.handle(.agentFinished(callID, AgentRun(termination: .killed), at: .zero))
        #expect(finished.delivered.map(\.status) == [.cancelled])
        #expect(finished.timers.isEmpty)
        #expect(harness.executor.operationCount == 0)
    }

    @Test func cancellingAWaitingRecurringOperationReportsAtOnceAndStopsIt() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let callID = try #require(harness.execute("d1", "monitor", interval: .seconds(1)).started.first)
        let token = try #require(harness.finish(callID, rc: 7).timers.first?.0)
        let key = OperationKey(resource: "d1", action: "monitor", interval: .seconds(1))
        let cancel = harness.executor.handle(.cancelRequested(key, request: harness.request(), at: .zero))
        #expect(cancel.delivered.map(\.status) == [.cancelled])
        #expect(cancel.delivered.map(\.exitCode) == [.notRunning])
        #expect(harness.executor.handle(.timerFired(token, at: .seconds(1))).isEmpty)
    }

    @Test func cancellingAnUnknownOperationIsAnError() {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        _ = harness.execute("d1", "monitor", interval: .seconds(1))
        let key = OperationKey(resource: "d1", action: "monitor", interval: .seconds(2))
        let cancel = harness.executor.handle(.cancelRequested(key, request: harness.request(), at: .zero))
        #expect(cancel.replies == [.rejected(.noSuchOperation(key))])
    }

    @Test func stopCancelsRecurringOperationsFirst() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let monitor = try #require(harness.execute("d1", "monitor", interval: .seconds(1)).started.first)
        _ = harness.finish(monitor)
        let stop = harness.execute("d1", "stop")
        #expect(stop.delivered.map(\.status) == [.cancelled])
        #expect(stop.invocations.map(\.action) == ["stop"])
        #expect(harness.executor.recurringOperations.isEmpty)
    }

    @Test func startDelayHoldsTheOperationAndCanBeCancelled() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let delayed = harness.execute("d1", "start", startDelay: .seconds(6))
        #expect(delayed.started.isEmpty)
        let token = try #require(delayed.timers.first)
        #expect(token.1 == .seconds(6))
        let key = OperationKey(resource: "d1", action: "start")
        let cancel = harness.executor.handle(.cancelRequested(key, request: harness.request(), at: .seconds(1)))
        #expect(cancel.delivered.map(\.status) == [.cancelled])
        #expect(harness.executor.handle(.timerFired(token.0, at: .seconds(6))).started.isEmpty)
    }

    @Test func unknownResourceAndUnsupportedClassAreRejected() throws {
        var harness = ExecutorHarness()
        #expect(harness.execute("nope", "start").replies == [.rejected(.unknownResource("nope"))])
        let systemd = try AgentIdentifier(parsing: "systemd:sshd")
        #expect(harness.register("s", agent: systemd).replies == [.rejected(.unsupportedStandard(.systemd))])
    }

    @Test func unregisterWaitsForTheOperationInFlight() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let start = try #require(harness.execute("d1", "start").started.first)
        _ = harness.executor.handle(.unregisterRequested(resource: "d1", request: harness.request(), at: .zero))
        #expect(harness.executor.definition(of: "d1") != nil)
        #expect(harness.finish(start).delivered.count == 1)
        #expect(harness.executor.definition(of: "d1") == nil)
    }

    @Test func historyKeepsTheLastResultPerOperationKey() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        _ = harness.finish(try #require(harness.execute("d1", "monitor").started.first), rc: 7)
        _ = harness.finish(try #require(harness.execute("d1", "start").started.first), rc: 0)
        _ = harness.finish(try #require(harness.execute("d1", "monitor").started.first), rc: 0)
        let history = harness.executor.history(of: "d1")
        #expect(history.map(\.key.description) == ["d1_monitor_0", "d1_start_0"])
        #expect(history.first?.exitCode == .success)
        #expect(history.first?.callID == CallID(3))
    }

    @Test func timeoutIsReportedAsErrorWithTimedOutStatus() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let callID = try #require(harness.execute("d1", "start").started.first)
        let run = AgentRun(termination: .timedOut(after: .seconds(20)))
        let result = try #require(
            harness.executor.handle(.agentFinished(callID, run, at: .seconds(20))).delivered.first)
        #expect(result.exitCode == .genericError)
        #expect(result.status == .timedOut)
    }

    @Test func queueTimeIsMeasuredFromRequestToStart() throws {
        var harness = ExecutorHarness()
        _ = harness.register("d1")
        let first = try #require(harness.execute("d1", "start", at: .zero).started.first)
        _ = harness.execute("d1", "monitor", at: .milliseconds(100))
        let next = harness.finish(first, at: .milliseconds(400))
        let second = try #require(next.started.first)
        let result = try #require(harness.finish(second, at: .milliseconds(500)).delivered.first)
        #expect(result.queueTime == .milliseconds(300))
    }
}
