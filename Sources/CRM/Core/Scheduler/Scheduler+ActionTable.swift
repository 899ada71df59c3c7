extension Scheduler {
    /// Finds or creates an action; flags of an existing action are left alone.
    @discardableResult
    mutating func action(
        owner: String, resource: Int?, task: String, intervalMs: Int = 0, node: Int?, element: SchedulerAction.Element,
        optional: Bool, runnable: Bool = true, pseudo: Bool = false
    ) -> Int {
        let key = ActionKey(owner: owner, task: task, intervalMs: intervalMs, node: node ?? -1)
        if let existing = actionIndex[key] {
            if !optional { actions[existing].flags.remove(.optional) }
            return existing
        }
        var flags: ActionFlags = []
        if optional { flags.insert(.optional) }
        if runnable { flags.insert(.runnable) }
        if pseudo { flags.insert(.pseudo) }
        let operationKey: String
        switch element {
        case .clusterEvent: operationKey = owner
        default: operationKey = "\(owner)_\(task)_\(intervalMs)"
        }
        let index = actions.count
        actions.append(
            SchedulerAction(
                id: index, element: element, resource: resource, task: task, intervalMs: intervalMs, node: node,
                key: operationKey, flags: flags))
        actionIndex[key] = index
        if let resource { resourceActions[resource, default: []].append(index) }
        return index
    }

    func findAction(owner: String, task: String, intervalMs: Int = 0, node: Int?) -> Int? {
        actionIndex[ActionKey(owner: owner, task: task, intervalMs: intervalMs, node: node ?? -1)]
    }

    /// Every action of a resource with the given task (any node).
    func actions(of resource: Int, task: String) -> [Int] {
        resourceActions[resource, default: []].filter { actions[$0].task == task }
    }

    mutating func order(_ first: Int?, _ then: Int?, _ flags: OrderingFlags) {
        guard let first, let then, first != then else { return }
        let ordering = SchedulerOrdering(first: first, then: then, flags: flags)
        if orderingSet.insert(ordering).inserted { orderings.append(ordering) }
    }

    /// Orders every `firstTask` action of one resource before every `thenTask` action of another.
    mutating func orderResources(_ first: Int, _ firstTask: String, _ then: Int, _ thenTask: String, _ flags: OrderingFlags) {
        for a in actions(of: first, task: firstTask) {
            for b in actions(of: then, task: thenTask) { order(a, b, flags) }
        }
    }

    mutating func noteResourceAction(_ action: Int) {
        guard let resource = actions[action].resource else { return }
        if !resourceActions[resource, default: []].contains(action) { resourceActions[resource, default: []].append(action) }
    }
}
