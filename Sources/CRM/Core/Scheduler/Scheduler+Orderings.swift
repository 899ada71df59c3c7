extension Scheduler {
    static func inverse(_ task: String) -> String {
        switch task {
        case "start": return "stop"
        case "stop": return "start"
        case "promote": return "demote"
        case "demote": return "promote"
        default: return task
        }
    }

    /// Turns `rsc_order` constraints (simple and sets) into action orderings.
    mutating func applyOrderConstraints() {
        for constraint in model.orders {
            let symmetrical = constraint.symmetrical ?? (constraint.kind != "Serialize")
            if let first = constraint.first, let then = constraint.then {
                for a in constrainedResources(named: first) {
                    for b in constrainedResources(named: then) {
                        if !constraint.requireAll && resources[a].kind == .clone && constraint.firstAction == "start" {
                            orderOneOrMore(constraint.id, clone: a, then: b, thenTask: constraint.thenAction, symmetrical: symmetrical)
                            continue
                        }
                        orderPair(a, constraint.firstAction, b, constraint.thenAction, kind: constraint.kind, symmetrical: symmetrical)
                    }
                }
            }
            applyOrderSets(constraint, symmetrical: symmetrical)
        }
    }

    private mutating func applyOrderSets(_ constraint: OrderConstraint, symmetrical: Bool) {
        var previous: [Int] = []
        var previousAction = "start"
        var previousSequential = true
        for set in constraint.sets {
            let members = set.resources.flatMap { constrainedResources(named: $0) }
            let setAction = set.action ?? "start"
            let kind = set.kind.map { $0.lowercased() == "optional" ? "Optional" : ($0.lowercased() == "serialize" ? "Serialize" : "Mandatory") } ?? constraint.kind
            if set.sequential {
                for (position, member) in members.enumerated() where position > 0 {
                    orderPair(members[position - 1], setAction, member, setAction, kind: kind, symmetrical: symmetrical)
                }
            }
            if !previous.isEmpty {
                let firsts = previousSequential ? Array(previous.suffix(1)) : previous
                let thens = set.sequential ? Array(members.prefix(1)) : members
                for a in firsts {
                    for b in thens { orderPair(a, previousAction, b, setAction, kind: kind, symmetrical: symmetrical) }
                }
            }
            previous = members
            previousAction = setAction
            previousSequential = set.sequential
        }
    }

    /// Orders `first` before `then` as a constraint of the given kind, and the inverse when symmetrical.
    mutating func orderPair(_ first: Int, _ firstTask: String, _ then: Int, _ thenTask: String, kind: String, symmetrical: Bool) {
        var forward: OrderingFlags = [.optional]
        var backward: OrderingFlags = [.optional]
        switch kind {
        case "Mandatory":
            if symmetrical {
                forward = [.impliesThen]
                if firstTask == "start" || firstTask == "promote" { forward.insert(.runnableLeft) }
                backward = [.impliesFirst]
            } else {
                forward = [.asymmetrical, .runnableLeft]
            }
        case "Serialize":
            forward = [.serialize]
            backward = [.serialize]
        default: break
        }
        orderDeclared(first, firstTask, then, thenTask, forward)
        guard symmetrical else { return }
        orderDeclared(then, Self.inverse(thenTask), first, Self.inverse(firstTask), backward)
    }

    /// Orders `first`'s task before `then`'s, remembering stop orderings for probe orderings.
    mutating func orderDeclared(
        _ first: Int, _ firstTask: String, _ then: Int, _ thenTask: String, _ flags: OrderingFlags, sameNode: Bool = false
    ) {
        if resources[first].kind == .clone && resources[then].kind == .clone {
            // The dependent clone's `interleave` decides (for stops, the dependent comes first).
            let dependent = firstTask == "stop" || firstTask == "demote" ? first : then
            if resources[dependent].clone?.isInterleaved == true {
                // Instance to instance; the clones' pseudo-actions are ordered too, without reaching
                // every instance.
                orderInterleaved(first, firstTask, then, thenTask, flags)
                for a in orderingActions(first, task: firstTask, asFirst: true) {
                    for b in orderingActions(then, task: thenTask, asFirst: false) { order(a, b, flags.union(.collectiveChild)) }
                }
                return
            }
        }
        let thens = orderingActions(then, task: thenTask, asFirst: false)
        if firstTask == "stop" && resources[first].kind == .primitive {
            stopDeclarations.append(StopOrderingDeclaration(resource: first, then: thens, sameNode: sameNode))
        }
        for a in orderingActions(first, task: firstTask, asFirst: true) {
            for b in thens {
                if sameNode, let x = actions[a].node, let y = actions[b].node, x != y { continue }
                order(a, b, flags)
            }
        }
    }

    /// -INFINITY colocations: stop the one before starting the other, both ways.
    mutating func applyAntiColocationOrderings() {
        for colocation in colocations where colocation.score <= -Score.infinity {
            let dependent = colocation.originalDependent >= 0 ? colocation.originalDependent : colocation.dependent
            let primary = colocation.originalPrimary >= 0 ? colocation.originalPrimary : colocation.primary
            orderDeclared(dependent, "stop", primary, "start", [.optional, .antiColocation], sameNode: true)
            orderDeclared(primary, "stop", dependent, "start", [.optional, .antiColocation], sameNode: true)
        }
    }
}
