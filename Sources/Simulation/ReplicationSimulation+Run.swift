import CRM
import Membership
import Messaging

extension ReplicationSimulation {
    /// Runs `steps` random steps with faults, then heals everything and runs until quiet. Returns false
    /// (with `violations` filled) when an invariant broke.
    public mutating func run(steps: Int, faultRate: Double = 0.02) -> Bool {
        for _ in 0..<steps {
            step(faultRate: faultRate)
            if !violations.isEmpty { return false }
        }
        healAndSettle()
        return violations.isEmpty
    }

    /// Heals partitions, restarts crashed nodes, lets the cluster settle, then checks that updates submitted
    /// on every node commit and that all replicas agree and hold every acknowledged update.
    mutating func healAndSettle() {
        let wasSplit = components != [allNodes] || allNodes.contains { nodes[$0]?.replica == nil }
        for node in allNodes where nodes[node]?.replica == nil { start(node) }
        components = [allNodes]
        if wasSplit || Set(allNodes.map { nodes[$0]?.viewID }).count != 1 { viewChangeIn = 0 }
        settle()
        var probes: [String] = []
        for node in allNodes {
            tokenCounter += 1
            let token = "final\(tokenCounter)"
            probes.append(token)
            submit(token, at: node)
        }
        settle()
        for token in probes where acknowledged[token] == nil {
            violations.append("liveness: update \(token) was not committed after the heal")
        }
        checkConvergence()
    }

    mutating func settle() {
        var budget = 200_000
        while budget > 0, quietStep() { budget -= 1 }
        if budget == 0 { violations.append("liveness: the cluster did not settle") }
        checkSafety()
    }

    /// One step without faults; false when nothing is left to do.
    mutating func quietStep() -> Bool {
        if let countdown = viewChangeIn {
            if countdown <= 0 { installViews() } else { viewChangeIn = countdown - 1 }
            return true
        }
        let work = pendingWork()
        guard !work.isEmpty else { return false }
        perform(work[Int.random(in: 0..<work.count, using: &random)])
        checkSafety()
        return true
    }

    mutating func step(faultRate: Double) {
        let roll = Double.random(in: 0..<1, using: &random)
        if roll < faultRate {
            injectFault()
        } else if roll < faultRate + 0.05 {
            let alive = allNodes.filter { nodes[$0]?.replica != nil }
            if let node = alive.randomElement(using: &random) {
                tokenCounter += 1
                let prefix = Bool.random(using: &random) ? "c" : "s"
                submit("\(prefix)\(tokenCounter)", at: node)
            }
        } else if !quietStep() {
            return
        }
        checkSafety()
    }

    enum Work {
        case deliver(NodeID)
        case finishWrite(NodeID)
    }

    func pendingWork() -> [Work] {
        var work: [Work] = []
        for node in allNodes {
            guard let state = nodes[node], state.replica != nil else { continue }
            if let viewID = state.viewID, let log = views[viewID], state.delivered < log.messages.count {
                work.append(.deliver(node))
            }
            if !state.writes.isEmpty { work.append(.finishWrite(node)) }
        }
        return work
    }

    mutating func perform(_ work: Work) {
        switch work {
        case .deliver(let node):
            deliverNext(to: node)
        case .finishWrite(let node):
            guard var state = nodes[node], !state.writes.isEmpty else { return }
            let write = state.writes.removeFirst()
            state.disk = (write.snapshot, write.lineage)
            nodes[node] = state
            feed(node, .persisted(sequence: write.sequence))
        }
    }

    mutating func deliverNext(to node: NodeID) {
        guard var state = nodes[node], let viewID = state.viewID, let log = views[viewID],
            state.delivered < log.messages.count
        else { return }
        let (sender, message) = log.messages[state.delivered]
        state.delivered += 1
        nodes[node] = state
        feed(node, .messageDelivered(from: sender, message))
    }

    mutating func submit(_ token: String, at node: NodeID) {
        guard var state = nodes[node], state.replica != nil else { return }
        state.nextSequence += 1
        let id = UpdateID(origin: node, incarnation: state.incarnation, sequence: state.nextSequence)
        nodes[node] = state
        tokensByID[id] = token
        log("submit \(token) at \(node) as \(id)")
        feed(node, .updateSubmitted(id, body: "add:\(token)", requiresQuorum: true))
    }

    /// Hands an event to a node's core and carries out its directives.
    mutating func feed(_ node: NodeID, _ event: CIBReplication<TokenDocument>.Event) {
        guard var replica = nodes[node]?.replica else { return }
        let directives = replica.handle(event)
        nodes[node]?.replica = replica
        for directive in directives { carryOut(directive, at: node) }
    }

    mutating func carryOut(_ directive: CIBReplication<TokenDocument>.Directive, at node: NodeID) {
        switch directive {
        case .broadcast(let message):
            guard let viewID = nodes[node]?.viewID else { return }
            views[viewID]?.messages.append((node, message))
        case .persist(let sequence, let lineage, _):
            let snapshot = nodes[node]?.replica?.document.snapshot() ?? ""
            nodes[node]?.writes.append((sequence, snapshot, lineage))
        case .complete(let id, let outcome):
            record(outcome, of: id, at: node)
        case .dcElected(let dc, let viewID):
            if let previous = elected[viewID], previous != dc {
                violations.append("view \(viewID): \(node) elected \(dc) but another member elected \(previous)")
            }
            elected[viewID] = dc
            log("\(node) elected \(dc) in view \(viewID.epoch)")
        case .documentChanged:
            break
        case .replicaFault(let reason):
            log("\(node) fault: \(reason)")
        }
    }

    mutating func record(_ outcome: UpdateOutcome, of id: UpdateID, at node: NodeID) {
        let kind = "\(outcome)".split(separator: " ").first.map(String.init) ?? "?"
        outcomes[kind, default: 0] += 1
        log("\(node) answer \(id): \(outcome)")
        guard case .committed(let version) = outcome else { return }
        if let token = tokensByID[id] { acknowledged[token] = version }
    }
}
