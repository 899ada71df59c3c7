extension Scheduler {
    /// Applies `rsc_ticket` constraints: without the ticket (or with it in standby) resources cannot run;
    /// `loss-policy` decides what happens to ones already running.
    mutating func applyTickets() {
        for constraint in model.tickets {
            if let role = constraint.role, role == .promoted || role == .unpromoted { continue }
            var targets = constraint.resource.map { primitives(named: $0) } ?? []
            targets += constraint.sets.flatMap { set in set.resources.flatMap { primitives(named: $0) } }
            let state = model.ticketStates[constraint.ticket] ?? TicketState(granted: false, standby: false)
            guard !state.granted || state.standby else { continue }
            for target in targets { loseTicket(target, policy: state.granted ? "stop" : constraint.lossPolicy) }
        }
    }

    private mutating func loseTicket(_ index: Int, policy: String) {
        let running = resources[index].runningOn
        switch policy.lowercased() {
        case "fence" where !running.isEmpty:
            for node in running { fence(node, reason: "deadman ticket was lost") }
        case "freeze" where !running.isEmpty:
            for node in nodes.indices where !running.contains(node) { addLocation(index, node: node, score: -Score.infinity) }
            return
        default: break
        }
        for node in nodes.indices { addLocation(index, node: node, score: -Score.infinity) }
    }
}
