extension Scheduler {
    /// Creates a clone's pseudo-actions (start, running, stop, stopped) and orders its instances' actions
    /// between them (one after another when `ordered`).
    mutating func createCloneActions(_ clone: Int) {
        let id = resources[clone].id
        var pseudo: [String: Int] = [:]
        for task in ["start", "running", "stop", "stopped"] {
            let action = action(owner: id, resource: clone, task: task, node: nil, element: .pseudoEvent, optional: true, pseudo: true)
            var context = RuleContext(now: now)
            context.operationName = task
            context.operationIntervalMs = 0
            let defaults = Self.evaluate(model.operationDefaults, context: context, laterSetsWin: true)
            let timeout = defaults["timeout"].flatMap(DurationText.milliseconds) ?? 20_000
            actions[action].meta = cloneMeta(clone, instance: nil) + [("CRM_meta_timeout", String(timeout))]
            pseudo[task] = action
        }
        order(pseudo["stopped"], pseudo["start"], [.optional])
        order(pseudo["start"], pseudo["running"], [.runnableLeft])
        order(pseudo["stop"], pseudo["stopped"], [.runnableLeft])
        let isOrdered = resources[clone].clone?.isOrdered ?? false
        var previous: Int?
        for instance in resources[clone].children {
            for start in memberActions(instance, task: "start", asFirst: false) {
                order(pseudo["start"], start, [.runnableLeft, .collectiveChild])
            }
            for started in memberActions(instance, task: "start", asFirst: true) {
                order(started, pseudo["running"], [.optional, .collectiveChild])
            }
            for stop in memberActions(instance, task: "stop", asFirst: false) {
                order(pseudo["stop"], stop, [.collectiveChild])
            }
            for stopped in memberActions(instance, task: "stop", asFirst: true) {
                order(stopped, pseudo["stopped"], [.optional, .collectiveChild])
            }
            // The instance's probes go before the clone counts as stopped (even with no stop to run).
            if resources[instance].kind == .primitive, let stopped = pseudo["stopped"] {
                stopDeclarations.append(StopOrderingDeclaration(resource: instance, then: [stopped], sameNode: false))
            }
            if isOrdered, let previous {
                orderResources(previous, "start", instance, "start", [.optional])
                orderResources(instance, "stop", previous, "stop", [.optional])
            }
            previous = instance
        }
    }

    /// Probes an anonymous clone once per node where no instance's history is known: the instance
    /// active there, else the one assigned there, else the first.
    mutating func createAnonymousProbes(_ clone: Int) {
        let instances = activeInstances(clone)
        guard let first = instances.first, !options.maintenanceMode else { return }
        for node in nodes.indices {
            let state = nodes[node]
            guard state.isOnline, !state.isUnclean, !state.isMaintenance else { continue }
            let instance = instances.first { currentNodes($0).contains(node) }
                ?? instances.first { assignedNode($0) == node } ?? first
            for leaf in leaves(instance) {
                let base = resources[leaf].historyID
                let isKnown = resources[clone].children.contains { other in
                    leaves(other).contains { resources[$0].historyID == base && resources[$0].knownOn.contains(node) }
                }
                guard !isKnown, !resources[leaf].discoveryNever.contains(node) else { continue }
                if let exclusive = resources[leaf].exclusiveDiscovery, !exclusive.contains(node) { continue }
                createProbe(leaf, node: node)
            }
        }
    }

    /// `first` then `then` between two clones when `then` interleaves: each instance of `then` waits only
    /// for the instance of `first` on its own node; an instance with none there cannot start.
    mutating func orderInterleaved(_ first: Int, _ firstTask: String, _ then: Int, _ thenTask: String, _ flags: OrderingFlags) {
        let usesCurrent = thenTask == "stop" || thenTask == "demote"
        for thenInstance in resources[then].children {
            let node = usesCurrent ? currentNodes(thenInstance).first : assignedNode(thenInstance)
            let match = node.flatMap { node in
                resources[first].children.first { instance in
                    usesCurrent ? currentNodes(instance).contains(node) : assignedNode(instance) == node
                }
            }
            guard let match else {
                if !usesCurrent && node != nil && (flags.contains(.runnableLeft) || flags.contains(.impliesThen)) {
                    for start in memberActions(thenInstance, task: thenTask, asFirst: false) { actions[start].flags.remove(.runnable) }
                }
                continue
            }
            let thens = memberActions(thenInstance, task: thenTask, asFirst: false)
            for a in memberActions(match, task: firstTask, asFirst: true) {
                for b in thens { order(a, b, flags) }
            }
        }
    }

    /// Keeps a clone's pseudo-actions in step with its instances: start/stop are required when an
    /// instance's is; "running" cannot happen when no instance is or can become active.
    mutating func updateCloneFlags() -> Bool {
        var changed = false
        for clone in resources.indices where resources[clone].kind == .clone {
            let instances = resources[clone].children
            for (pseudo, task) in [("start", "start"), ("running", "start"), ("stop", "stop"), ("stopped", "stop")] {
                guard let id = actions(of: clone, task: pseudo).first else { continue }
                let instanceActions = instances.flatMap { memberActions($0, task: task, asFirst: false) }
                if actions[id].isOptional
                    && instanceActions.contains(where: { !actions[$0].isOptional && (actions[$0].isRunnable || actions[$0].isPseudo) })
                {
                    actions[id].flags.remove(.optional)
                    changed = true
                }
            }
            // "running" can happen when some instance will be up: its start (required or not) can run.
            if let running = actions(of: clone, task: "running").first, actions[running].isRunnable {
                let willRun = instances.contains { instance in
                    leaves(instance).allSatisfy { leaf in actions(of: leaf, task: "start").contains { actions[$0].isRunnable } }
                }
                if !willRun {
                    actions[running].flags.remove(.runnable)
                    changed = true
                }
            }
        }
        return changed
    }

    /// An instance's actions for `task` (for a cloned group, its pseudo-action; as "first", start and
    /// stop mean "running" and "stopped"), without creating any.
    func memberActions(_ instance: Int, task: String, asFirst: Bool) -> [Int] {
        guard resources[instance].kind != .primitive else { return actions(of: instance, task: task) }
        var effective = task
        if asFirst && task == "start" { effective = "running" }
        if asFirst && task == "stop" { effective = "stopped" }
        return actions(of: instance, task: effective)
    }

    /// `require-all="false"` after a clone: `then` may start once any one instance is (or can become)
    /// active, through a `clone-one-or-more:<constraint>` pseudo-action; stopping stays symmetrical.
    mutating func orderOneOrMore(_ constraintID: String, clone: Int, then: Int, thenTask: String, symmetrical: Bool) {
        let name = "clone-one-or-more:\(constraintID)"
        let pseudo = action(owner: name, resource: clone, task: name, node: nil, element: .pseudoEvent, optional: false, pseudo: true)
        actions[pseudo].key = name
        for instance in resources[clone].children {
            for start in memberActions(instance, task: "start", asFirst: true) { order(start, pseudo, [.optional, .oneOrMore]) }
        }
        for start in orderingActions(then, task: thenTask, asFirst: false) { order(pseudo, start, [.runnableLeft]) }
        guard symmetrical else { return }
        orderDeclared(then, Self.inverse(thenTask), clone, "stop", [.impliesFirst])
    }

    /// A one-or-more pseudo-action can happen when some instance of its clone will be up.
    mutating func updateOneOrMoreFlags() -> Bool {
        var changed = false
        for clone in resources.indices where resources[clone].kind == .clone {
            for pseudo in resourceActions[clone, default: []]
            where actions[pseudo].task.hasPrefix("clone-one-or-more:") && actions[pseudo].isRunnable {
                let willRun = resources[clone].children.contains { instance in
                    leaves(instance).allSatisfy { leaf in actions(of: leaf, task: "start").contains { actions[$0].isRunnable } }
                }
                if !willRun {
                    actions[pseudo].flags.remove(.runnable)
                    changed = true
                }
            }
        }
        return changed
    }
}
