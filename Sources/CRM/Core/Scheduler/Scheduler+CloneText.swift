extension Scheduler {
    /// A clone in the status text, as Pacemaker shows it: a unique clone's instances one per line; an
    /// anonymous clone's healthy instances folded into "Started: [ nodes ]" and "Stopped: [ nodes ]", the
    /// unusual ones (failed, unmanaged, orphaned, on several nodes) listed on their own.
    func cloneLines(_ clone: Int, revised: Bool, done: Set<Int>, failed: Set<Int>) -> [String] {
        let resource = resources[clone]
        let isUnique = resource.clone?.isUnique ?? false
        let childName = resource.children.first.map { first in
            let id = resources[first].id
            return id.split(separator: ":").dropLast().joined(separator: ":")
        } ?? ""
        var lines = ["    * Clone Set: \(resource.id) [\(childName)]\(isUnique ? " (unique)" : ""):"]
        var started: Set<Int> = []
        var occupied: Set<Int> = []
        for instance in resource.children {
            let members = leaves(instance)
            let placements = members.map { displayedNodes($0, revised: revised, done: done) }
            for placement in placements { occupied.formUnion(placement) }
            if placements.allSatisfy(\.isEmpty) && (!isUnique || resources[instance].isOrphan) { continue }
            if !isUnique && isPlainInstance(members, placements: placements, revised: revised, failed: failed) {
                if let node = placements.first?.first { started.insert(node) }
                continue
            }
            if resources[instance].kind == .group {
                lines.append("      * Resource Group: \(resources[instance].id):")
                for member in members {
                    lines.append("        " + resourceLine(member, revised: revised, done: done, failed: failed))
                }
            } else {
                lines.append("      " + resourceLine(instance, revised: revised, done: done, failed: failed))
            }
        }
        guard !isUnique else { return lines }
        func names(_ list: [Int]) -> String { list.map { nodes[$0].uname }.sorted().joined(separator: " ") }
        if !started.isEmpty { lines.append("      * Started: [ \(names(Array(started))) ]") }
        let stopped = nodes.indices.filter { !occupied.contains($0) }
        if !stopped.isEmpty { lines.append("      * Stopped: [ \(names(stopped)) ]") }
        return lines
    }

    /// An instance shown only as a node name: every member managed, healthy and on the same single node.
    private func isPlainInstance(_ members: [Int], placements: [[Int]], revised: Bool, failed: Set<Int>) -> Bool {
        let healthy = members.allSatisfy { member in
            let state = resources[member]
            let failedThere = revised && resourceActions[member, default: []].contains { failed.contains($0) }
            return !state.isOrphan && state.isManaged && (revised || !state.isFailed) && !failedThere
        }
        return healthy && placements.allSatisfy { $0.count == 1 } && Set(placements.compactMap(\.first)).count == 1
    }
}
