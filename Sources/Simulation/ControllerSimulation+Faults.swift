import CRM
import Membership
import Messaging

extension ControllerSimulation {
    var majority: Int { names.count / 2 + 1 }

    /// Crashes, isolates, restarts or heals; the survivors see a new view after a detection delay.
    mutating func injectFault() {
        let alive = allNodes.filter { nodes[$0]?.controller != nil }
        let dead = allNodes.filter { nodes[$0]?.controller == nil }
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where alive.count > 1:
            kill(alive.randomElement(using: &random)!)
        case 1 where alive.count > 1:
            let victim = alive.randomElement(using: &random)!
            components = [allNodes.filter { $0 != victim }, [victim]]
            log("isolate \(names[victim]!)")
        case 2 where !dead.isEmpty:
            start(dead.randomElement(using: &random)!)
        default:
            components = [allNodes]
            log("heal partition")
        }
        viewChangeAt = now + milliseconds(200...800, &random)
    }

    /// Every connected group of live nodes flushes its old views (same prefix for those moving together)
    /// and installs a new view.
    mutating func installViews() {
        viewChangeAt = nil
        for component in components {
            let members = component.filter { nodes[$0]?.controller != nil }
            guard !members.isEmpty else { continue }
            var byOldView: [ViewID: [NodeID]] = [:]
            for member in members { if let old = nodes[member]?.viewID { byOldView[old, default: []].append(member) } }
            for (old, group) in byOldView.sorted(by: { $0.key < $1.key }) {
                let length = views[old]?.messages.count ?? 0
                let floor = group.compactMap { nodes[$0]?.delivered }.max() ?? 0
                let cutoff = Int.random(in: floor...max(floor, length), using: &random)
                for member in group {
                    while let delivered = nodes[member]?.delivered, delivered < cutoff, nodes[member]?.viewID == old {
                        deliver(to: member)
                    }
                }
            }
            epoch += 1
            let view = ControllerView(
                id: ViewID(epoch: epoch, coordinator: members[0]), members: members,
                isQuorate: members.count >= majority, durabilityQuorum: majority)
            views[view.id] = (view, [])
            log("install \(view)")
            for member in members {
                nodes[member]?.viewID = view.id
                nodes[member]?.delivered = 0
            }
            for member in members { feed(member, .viewInstalled(view)) }
        }
    }

    /// At most one DC per view; no primitive active on two nodes.
    mutating func checkSafety() {
        var dcs: [ViewID: [NodeID]] = [:]
        for node in allNodes {
            guard let controller = nodes[node]?.controller, controller.isDC, let view = controller.replication.view
            else { continue }
            dcs[view.id, default: []].append(node)
        }
        for (view, list) in dcs where list.count > 1 {
            violations.append("view \(view) has DCs \(list)")
        }
        for (resource, where_) in running.sorted(by: { $0.key < $1.key }) where where_.count > 1 {
            violations.append("\(resource) is active on \(where_.sorted().map { names[$0]! })")
        }
    }

    /// After settling: every configured primitive runs exactly once (liveness of recovery).
    public func activeCount(of resource: String) -> Int { running[resource]?.count ?? 0 }
}
