extension Scheduler {
    /// Probes of a resource must finish before anything ordered after that resource's stop: the probe may
    /// find it active where the stop would not cover it.
    mutating func addProbeOrderingsForStops() {
        for declaration in stopDeclarations {
            let probes = resourceActions[declaration.resource, default: []].filter { actions[$0].isProbe }
            for probe in probes {
                for then in declaration.then where actions[then].resource != declaration.resource {
                    if declaration.sameNode, let node = actions[then].node, actions[probe].node != node { continue }
                    if actions[then].task == "do_shutdown", actions[probe].node != actions[then].node { continue }
                    order(probe, then, [.optional])
                }
            }
        }
        let existing = orderings
        for ordering in existing {
            let first = actions[ordering.first]
            guard first.task == "stop", let resource = first.resource else { continue }
            let then = actions[ordering.then]
            if then.resource == resource { continue }
            let probes = resourceActions[resource, default: []].filter { actions[$0].isProbe }
            for probe in probes {
                if then.task == "do_shutdown", actions[probe].node != then.node { continue }
                order(probe, ordering.then, [.optional])
            }
        }
    }
}
