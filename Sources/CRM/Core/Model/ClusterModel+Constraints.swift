import XML

extension ClusterModel {
    mutating func parseConstraints(_ section: XMLElement, _ references: inout ReferenceIndex) throws(SchedulerError) {
        for original in section.children {
            let element = references.resolve(original)
            let id = element[attribute: "id"] ?? ""
            let sets = try Self.resourceSets(element, references)
            switch element.name {
            case "rsc_location":
                var rules: [Rule] = []
                for rule in element.children(named: "rule") { rules.append(try references.parseRule(rule)) }
                var resources = element[attribute: "rsc"].map { [$0] } ?? []
                resources += sets.flatMap(\.resources)
                locations.append(
                    LocationConstraint(
                        id: id, resources: resources, pattern: element[attribute: "rsc-pattern"],
                        role: element[attribute: "role"].flatMap { ResourceRole(name: $0) },
                        node: element[attribute: "node"], score: element[attribute: "score"].flatMap { Score.parse($0) },
                        rules: rules, discovery: element[attribute: "resource-discovery"]))
            case "rsc_colocation":
                colocations.append(try Self.colocation(element, id: id, sets: sets))
            case "rsc_order":
                orders.append(Self.order(element, id: id, sets: sets))
            case "rsc_ticket":
                guard let ticket = element[attribute: "ticket"] else {
                    throw .invalid(element: "rsc_ticket", id: id, reason: "no ticket attribute")
                }
                tickets.append(
                    TicketConstraint(
                        id: id, ticket: ticket, resource: element[attribute: "rsc"],
                        role: element[attribute: "rsc-role"].flatMap { ResourceRole(name: $0) },
                        lossPolicy: element[attribute: "loss-policy"] ?? "stop", sets: sets))
            default:
                throw .unsupported(element: element.name, id: id, reason: "unknown constraint type")
            }
        }
    }

    private static func resourceSets(_ element: XMLElement, _ references: ReferenceIndex) throws(SchedulerError) -> [ResourceSet] {
        var sets: [ResourceSet] = []
        for original in element.children(named: "resource_set") {
            let set = references.resolve(original)
            sets.append(
                ResourceSet(
                    id: set[attribute: "id"] ?? "",
                    resources: set.children(named: "resource_ref").compactMap { $0[attribute: "id"] },
                    sequential: set[attribute: "sequential"].map { isTrue($0) } ?? true,
                    requireAll: set[attribute: "require-all"].map { isTrue($0) } ?? true,
                    role: set[attribute: "role"].flatMap { ResourceRole(name: $0) }, action: set[attribute: "action"],
                    score: set[attribute: "score"].flatMap { Score.parse($0) }, kind: set[attribute: "kind"],
                    ordering: set[attribute: "ordering"]))
        }
        return sets
    }

    private static func colocation(_ element: XMLElement, id: String, sets: [ResourceSet]) throws(SchedulerError)
        -> ColocationConstraint
    {
        guard let scoreText = element[attribute: "score"], let score = Score.parse(scoreText) else {
            throw .invalid(element: "rsc_colocation", id: id, reason: "missing or unreadable score")
        }
        return ColocationConstraint(
            id: id, dependent: element[attribute: "rsc"], primary: element[attribute: "with-rsc"], score: score,
            dependentRole: element[attribute: "rsc-role"].flatMap { ResourceRole(name: $0) },
            primaryRole: element[attribute: "with-rsc-role"].flatMap { ResourceRole(name: $0) },
            nodeAttribute: element[attribute: "node-attribute"] ?? "#uname",
            influence: element[attribute: "influence"].map { isTrue($0) }, sets: sets)
    }

    private static func order(_ element: XMLElement, id: String, sets: [ResourceSet]) -> OrderConstraint {
        var kind = element[attribute: "kind"] ?? ""
        if kind.isEmpty {
            if let score = element[attribute: "score"].flatMap({ Score.parse($0) }), score == 0 {
                kind = "Optional"
            } else {
                kind = "Mandatory"
            }
        }
        switch kind.lowercased() {
        case "optional": kind = "Optional"
        case "serialize": kind = "Serialize"
        default: kind = "Mandatory"
        }
        let firstAction = element[attribute: "first-action"] ?? "start"
        return OrderConstraint(
            id: id, first: element[attribute: "first"], then: element[attribute: "then"], firstAction: firstAction,
            thenAction: element[attribute: "then-action"] ?? firstAction, kind: kind,
            symmetrical: element[attribute: "symmetrical"].map { isTrue($0) }, sets: sets,
            requireAll: element[attribute: "require-all"].map { isTrue($0) } ?? true)
    }
}
