import CRM
import Membership
import Messaging
import XML

extension ControllerSimulation {
    /// The fixed "now" the simulated policy engine runs at (epoch seconds).
    static let policyEpoch = 1_700_000_000

    mutating func startAgent(
        _ action: GraphAction, transitionID: Int, key: String, at node: NodeID, incarnation: UInt64
    ) {
        // Starts do not hang: a timed-out start sets the fail count to INFINITY (start-failure-is-fatal), after
        // which a group member may rightly stay stopped, and the liveness check could not tell that apart.
        let mayHang = action.kind == .resource && action.operation != "start"
        if mayHang, Double.random(in: 0..<1, using: &random) < hangRate {
            // The agent hangs; lrmd kills it at its timeout and reports the timeout.
            counters["hung", default: 0] += 1
            log("\(names[node]!): \(action.operationKey) hangs")
            jobs.append(Job(node: node, incarnation: incarnation, due: now + action.timeout,
                kind: .timedOut(transitionID: transitionID, action, key: key)))
            return
        }
        let delay = action.operation == "stonith" ? milliseconds(100...300, &random) : milliseconds(2...60, &random)
        jobs.append(Job(node: node, incarnation: incarnation, due: now + delay,
            kind: .action(transitionID: transitionID, action, key: key)))
    }

    mutating func finishJob(at index: Int) {
        let job = jobs.remove(at: index)
        guard nodes[job.node]?.controller != nil, nodes[job.node]?.incarnation == job.incarnation else { return }
        switch job.kind {
        case .policy(let cib, let version):
            schedule(cib, version: version, at: job.node)
        case .timedOut(let transitionID, let action, let key):
            var result = ActionResult(rc: 1, status: .timedOut, completedAtEpochSeconds: Self.policyEpoch)
            result.callID = nextCall(on: job.node)
            feed(job.node, .localActionFinished(transitionID: transitionID, action, transitionKey: key, result))
        case .action(let transitionID, let action, let key):
            var result = perform(action, on: job.node)
            guard nodes[job.node]?.controller != nil else { return }
            result.callID = nextCall(on: job.node)
            feed(job.node, .localActionFinished(transitionID: transitionID, action, transitionKey: key, result))
        }
    }

    /// lrmd numbers its calls; the policy engine orders a resource's history by them.
    mutating func nextCall(on node: NodeID) -> Int {
        nodes[node]?.calls += 1
        return nodes[node]?.calls ?? 0
    }

    mutating func schedule(_ cib: String, version: CIBVersion, at node: NodeID) {
        do {
            let document = try XMLDocument.parse(cib, source: "<simulated CIB>")
            let result = try PolicyEngine.schedule(cib: document.root, now: Self.policyEpoch)
            let graph = try ExecutableGraph.parse(result.graph.xml(), source: "<simulated graph>")
            log("\(names[node]!): graph with \(graph.synapses.count) synapses for \(version)")
            feed(node, .graphComputed(graph, version: version))
        } catch {
            violations.append("the policy engine failed on the replicated CIB: \(error)")
        }
    }

    /// What the agent does to the world, and what it answers.
    mutating func perform(_ action: GraphAction, on node: NodeID) -> ActionResult {
        let now = ActionResult(rc: 0, completedAtEpochSeconds: Self.policyEpoch)
        if action.kind == .cluster {
            if action.operation == "stonith", let victimName = action.node,
                let victim = names.first(where: { $0.value == victimName })?.key
            {
                counters["fenced", default: 0] += 1
                log("\(names[node]!) fences \(victimName)")
                if nodes[victim]?.controller != nil || running.values.contains(where: { $0.contains(victim) }) {
                    kill(victim)
                    viewChangeAt = viewChangeAt ?? (self.now + .milliseconds(50))
                }
            }
            return now
        }
        guard let resource = action.resource.map({ $0.longID ?? $0.id }) else { return now }
        var result = now
        switch action.operation {
        case "start":
            let others = (running[resource] ?? []).subtracting([node])
            if !others.isEmpty {
                violations.append(
                    "\(resource) started on \(names[node]!) while active on \(others.sorted().map { names[$0]! })")
            }
            running[resource, default: []].insert(node)
        case "stop":
            running[resource]?.remove(node)
        case "monitor":
            result.rc = running[resource]?.contains(node) == true ? 0 : 7
        default:
            break
        }
        log("\(names[node]!) \(action.operationKey) rc=\(result.rc)")
        return result
    }
}
