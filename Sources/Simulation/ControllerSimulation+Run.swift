import CRM
import Membership
import Messaging
import XML

extension ControllerSimulation {
    /// Runs for `duration` of virtual time with faults, then heals, restarts everyone and settles.
    public mutating func run(for duration: Duration, faultEvery: Duration = .seconds(3)) -> Bool {
        let end = now + duration
        var nextFault = now + faultEvery
        while now < end, violations.isEmpty {
            if now >= nextFault {
                injectFault()
                nextFault = now + faultEvery + milliseconds(0...1_000, &random)
            }
            step()
        }
        heal()
        let settle = now + .seconds(90)
        while now < settle, violations.isEmpty { step() }
        return violations.isEmpty
    }

    mutating func heal() {
        components = [allNodes]
        for node in allNodes where nodes[node]?.controller == nil { start(node) }
        viewChangeAt = now + .milliseconds(100)
        log("heal")
    }

    /// One unit of work: the next message, write, job or timer, advancing the clock when nothing is ready.
    mutating func step() {
        if let due = viewChangeAt, due <= now {
            installViews()
            return
        }
        let deliverable = allNodes.filter { node in
            guard let state = nodes[node], state.controller != nil, let id = state.viewID, let log = views[id] else {
                return false
            }
            return state.delivered < log.messages.count
        }
        let writable = allNodes.filter { nodes[$0]?.controller != nil && !(nodes[$0]?.writes.isEmpty ?? true) }
        let dueJobs = jobs.indices.filter { jobs[$0].due <= now }
        let dueTimers = allNodes.filter { node in nodes[node]?.timers.contains { $0 <= now } ?? false }
        let choices = deliverable.count + writable.count + dueJobs.count + dueTimers.count
        guard choices > 0 else {
            advanceClock()
            return
        }
        var pick = Int.random(in: 0..<choices, using: &random)
        if pick < deliverable.count { return deliver(to: deliverable[pick]) }
        pick -= deliverable.count
        if pick < writable.count { return finishWrite(writable[pick]) }
        pick -= writable.count
        if pick < dueJobs.count { return finishJob(at: dueJobs[pick]) }
        pick -= dueJobs.count
        let node = dueTimers[pick]
        nodes[node]?.timers.removeAll { $0 <= now }
        feed(node, .timerFired)
    }

    mutating func advanceClock() {
        var candidates = jobs.map(\.due) + allNodes.flatMap { nodes[$0]?.timers ?? [] }
        if let due = viewChangeAt { candidates.append(due) }
        let next = candidates.filter { $0 > now }.min() ?? (now + .milliseconds(10))
        now = min(next, now + .seconds(1))
    }

    mutating func deliver(to node: NodeID) {
        guard let id = nodes[node]?.viewID, let delivered = nodes[node]?.delivered,
            let entry = views[id]?.messages[delivered]
        else { return }
        nodes[node]?.delivered = delivered + 1
        feed(node, .messageDelivered(from: entry.0, entry.1))
    }

    mutating func finishWrite(_ node: NodeID) {
        guard var state = nodes[node], !state.writes.isEmpty else { return }
        let write = state.writes.removeFirst()
        state.disk = (write.snapshot, write.lineage)
        nodes[node] = state
        feed(node, .persisted(sequence: write.sequence))
    }

    mutating func feed(_ node: NodeID, _ event: Controller.Event) {
        guard var controller = nodes[node]?.controller else { return }
        let directives = controller.handle(event, at: now)
        nodes[node]?.controller = controller
        for directive in directives { carryOut(directive, at: node) }
        checkSafety()
    }

    mutating func carryOut(_ directive: Controller.Directive, at node: NodeID) {
        guard let incarnation = nodes[node]?.incarnation else { return }
        switch directive {
        case .broadcast(let message):
            guard let id = nodes[node]?.viewID else { return }
            views[id]?.messages.append((node, message))
        case .persist(let sequence, let lineage, _):
            let snapshot = nodes[node]?.controller?.replication.document.snapshot() ?? ""
            nodes[node]?.writes.append((sequence, snapshot, lineage))
        case .completeUpdate:
            break
        case .computeTransition(let cib, let version):
            jobs.append(Job(node: node, incarnation: incarnation, due: now + milliseconds(1...20, &random),
                kind: .policy(cib: cib, version: version)))
        case .executeLocally(let transitionID, let action, let key):
            startAgent(action, transitionID: transitionID, key: key, at: node, incarnation: incarnation)
        case .scheduleTimer(let at):
            nodes[node]?.timers.append(at)
        case .shutdownComplete:
            break
        case .notice(let text):
            if text.hasPrefix("transition") { counters["transitions", default: 0] += 1 }
            if text.hasPrefix("a controller update was rejected") { violations.append("\(names[node]!): \(text)") }
            log("\(names[node]!): \(text)")
        }
    }
}
