extension Scheduler {
    /// Whether unclean nodes can be fenced now.
    var canFence: Bool { options.fencingEnabled && (hasQuorum || options.noQuorumPolicy == "ignore") }

    /// Fences unclean nodes, orders implied stops after fencing and starts after all fencing; shuts nodes down.
    mutating func createFencingAndShutdown() {
        for node in nodes.indices where nodes[node].isUnclean && options.fencingEnabled {
            let uname = nodes[node].uname
            let id = action(
                owner: "stonith-\(uname)-\(options.fencingAction)", resource: nil, task: "stonith", node: node,
                element: .clusterEvent, optional: false, runnable: canFence)
            actions[id].meta = [("CRM_meta_stonith_action", options.fencingAction)]
            actions[id].downed = [node]
            actions[id].reason = nodes[node].fenceReason
            fencingActions.append(id)
            for stop in actions.indices where actions[stop].task == "stop" && actions[stop].node == node {
                // Fencing devices' implied stops are not ordered after the fencing (as Pacemaker).
                if let resource = actions[stop].resource, resources[resource].resourceClass == "stonith" { continue }
                order(id, stop, [.impliesThen, .runnableLeft])
                var ancestor = actions[stop].resource.flatMap { resources[$0].parent }
                while let parent = ancestor {
                    for collectiveStop in actions(of: parent, task: "stop") { order(id, collectiveStop, [.optional]) }
                    ancestor = resources[parent].parent
                }
            }
        }
        if let dc = dcNode, let dcFencing = fencingActions.first(where: { actions[$0].node == dc }) {
            for other in fencingActions where other != dcFencing { order(other, dcFencing, [.optional]) }
        }
        if !options.concurrentFencing {
            let chain = fencingActions.filter { actions[$0].node != dcNode }
            for (position, fencing) in chain.enumerated() where position > 0 { order(chain[position - 1], fencing, [.optional]) }
        }
        if !fencingActions.isEmpty {
            for index in resources.indices where resources[index].kind == .primitive && resources[index].requires != "nothing" {
                for start in actions(of: index, task: "start") {
                    for fencing in fencingActions { order(fencing, start, [.optional]) }
                }
            }
        }
        for node in nodes.indices where nodes[node].isShutdown && nodes[node].isOnline && !nodes[node].isUnclean {
            let id = action(
                owner: "do_shutdown-\(nodes[node].uname)", resource: nil, task: "do_shutdown", node: node,
                element: .clusterEvent, optional: false)
            actions[id].meta = [("CRM_meta_op_no_wait", "true")]
            actions[id].downed = [node]
            shutdownActions.append(id)
            for stop in actions.indices where actions[stop].task == "stop" && actions[stop].node == node {
                // Unmanaged resources are left alone; a blocked one blocks the shutdown.
                if let resource = actions[stop].resource, !resources[resource].isManaged && !resources[resource].isBlocked {
                    continue
                }
                order(stop, id, [.optional, .runnableLeft])
            }
        }
        if let dc = dcNode, let dcShutdown = shutdownActions.first(where: { actions[$0].node == dc }) {
            for other in shutdownActions where other != dcShutdown { order(other, dcShutdown, [.optional]) }
        }
        if let dc = dcNode, let dcFencing = fencingActions.first(where: { actions[$0].node == dc }) {
            for other in shutdownActions { order(other, dcFencing, [.optional]) }
        }
    }
}
