import CRM
import Membership
import Messaging

extension ReplicationSimulation {
    /// Crashes a node, restarts one, splits the cluster or heals it; a new view follows a few steps later.
    mutating func injectFault() {
        let alive = allNodes.filter { nodes[$0]?.replica != nil }
        let dead = allNodes.filter { nodes[$0]?.replica == nil }
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where alive.count > 1:
            let victim = alive.randomElement(using: &random)!
            nodes[victim]?.replica = nil
            nodes[victim]?.writes = []
            nodes[victim]?.viewID = nil
            log("crash \(victim)")
        case 1 where !dead.isEmpty:
            start(dead.randomElement(using: &random)!)
        case 2:
            var shuffled = allNodes
            shuffled.shuffle(using: &random)
            let cut = Int.random(in: 1..<nodeCount, using: &random)
            components = [Array(shuffled[..<cut]).sorted(), Array(shuffled[cut...]).sorted()]
            log("partition \(components)")
        default:
            components = [allNodes]
            log("heal")
        }
        viewChangeIn = Int.random(in: 0...20, using: &random)
    }

    /// Ends the current views: each group of nodes that stays together delivers the same prefix of its old
    /// view (virtual synchrony), then every connected component of live nodes installs a new view.
    mutating func installViews() {
        viewChangeIn = nil
        for component in components {
            let members = component.filter { nodes[$0]?.replica != nil }
            guard !members.isEmpty else { continue }
            flushOldViews(of: members)
            epoch += 1
            let id = ViewID(epoch: epoch, coordinator: members[0])
            let view = ControllerView(
                id: id, members: members, isQuorate: members.count >= majority, durabilityQuorum: majority)
            views[id] = ViewLog(view: view)
            log("install \(view)")
            for member in members {
                nodes[member]?.viewID = id
                nodes[member]?.delivered = 0
                feed(member, .viewInstalled(view))
            }
        }
    }

    /// Members coming from the same old view deliver the same prefix of it, at least what any of them has.
    mutating func flushOldViews(of members: [NodeID]) {
        var byOldView: [ViewID: [NodeID]] = [:]
        for member in members { if let old = nodes[member]?.viewID { byOldView[old, default: []].append(member) } }
        for (old, group) in byOldView.sorted(by: { $0.key < $1.key }) {
            guard let length = views[old]?.messages.count else { continue }
            let floor = group.compactMap { nodes[$0]?.delivered }.max() ?? 0
            let cutoff = Int.random(in: floor...max(floor, length), using: &random)
            // Deliver round-robin so responses sent during the flush land after the cutoff, as in a real flush.
            for member in group {
                while let delivered = nodes[member]?.delivered, delivered < cutoff, nodes[member]?.viewID == old {
                    deliverNext(to: member)
                }
            }
        }
    }

    /// Safety after every step: one DC per view (checked as elections are reported) and no acknowledged
    /// update missing from a DC of a quorate view once it holds the job.
    mutating func checkSafety() {
        for node in allNodes {
            guard let replica = nodes[node]?.replica, replica.isDC, let view = replica.view, view.isQuorate else {
                continue
            }
            for (token, version) in acknowledged.sorted(by: { $0.key < $1.key })
            where !replica.document.contains(token) {
                violations.append(
                    "lost update: DC \(node) of quorate \(view) lacks \(token) acknowledged at \(version); "
                        + "it holds \(replica.document.version) \(replica.lineage)")
                return
            }
        }
    }

    /// After the heal: one view, one DC, every replica equal and holding every acknowledged update.
    mutating func checkConvergence() {
        let replicas = allNodes.compactMap { nodes[$0]?.replica }
        let dcs = replicas.filter(\.isDC)
        if dcs.count != 1 { violations.append("after the heal there are \(dcs.count) DCs") }
        guard let reference = dcs.first?.document else { return }
        for replica in replicas where replica.document != reference {
            violations.append(
                "replica \(replica.node) holds \(replica.document.version), the DC \(reference.version)")
        }
        for token in acknowledged.keys.sorted() where !reference.contains(token) {
            violations.append("acknowledged \(token) is missing after the heal")
        }
    }
}
