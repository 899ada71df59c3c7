import XML

extension ReferenceIndex {
    /// Parses a `rule` element (following `id-ref`).
    func parseRule(_ original: XMLElement) throws(SchedulerError) -> Rule {
        let element = resolve(original)
        let id = element[attribute: "id"] ?? ""
        var expressions: [RuleExpression] = []
        for child in element.children {
            switch child.name {
            case "expression":
                let expression = resolve(child)
                expressions.append(
                    .attribute(
                        AttributeExpression(
                            attribute: expression[attribute: "attribute"] ?? "",
                            operation: expression[attribute: "operation"] ?? "eq",
                            value: expression[attribute: "value"], type: expression[attribute: "type"],
                            valueSource: expression[attribute: "value-source"] ?? "literal")))
            case "date_expression": expressions.append(.date(try dateExpression(resolve(child))))
            case "rsc_expression":
                expressions.append(
                    .resource(
                        resourceClass: child[attribute: "class"], provider: child[attribute: "provider"],
                        type: child[attribute: "type"]))
            case "op_expression":
                expressions.append(
                    .operation(
                        name: child[attribute: "name"],
                        intervalMs: child[attribute: "interval"].flatMap(DurationText.milliseconds)))
            case "rule": expressions.append(.rule(try parseRule(child)))
            default:
                throw .unsupported(element: child.name, id: child[attribute: "id"], reason: "unknown rule expression")
            }
        }
        let booleanOp = (element[attribute: "boolean-op"] ?? "and").lowercased()
        return Rule(
            id: id, score: element[attribute: "score"].flatMap { Score.parse($0) },
            scoreAttribute: element[attribute: "score-attribute"],
            role: element[attribute: "role"].flatMap { ResourceRole(name: $0) }, isAnd: booleanOp != "or",
            expressions: expressions)
    }

    private func dateExpression(_ element: XMLElement) throws(SchedulerError) -> DateExpression {
        let id = element[attribute: "id"]
        func date(_ name: String) throws(SchedulerError) -> Int? {
            guard let text = element[attribute: name] else { return nil }
            guard let value = CalendarDate.parse(text) else {
                throw .invalid(element: "date_expression", id: id, reason: "cannot read \(name)=\"\(text)\"")
            }
            return value
        }
        var expression = DateExpression(
            operation: element[attribute: "operation"] ?? "in_range", start: try date("start"), end: try date("end"))
        if let duration = element.firstChild(named: "duration") {
            var value = DateDuration()
            func field(_ name: String) -> Int { duration[attribute: name].flatMap { Int($0.trimmingSpaces) } ?? 0 }
            value.years = field("years")
            value.months = field("months")
            value.weeks = field("weeks")
            value.days = field("days")
            value.hours = field("hours")
            value.minutes = field("minutes")
            value.seconds = field("seconds")
            expression.duration = value
        }
        if let spec = element.firstChild(named: "date_spec") {
            var ranges: [(field: String, low: Int, high: Int)] = []
            for (name, text) in spec.attributes where name != "id" {
                let bounds = text.split(separator: "-", maxSplits: 1).map { Int(String($0).trimmingSpaces) }
                guard let low = bounds.first ?? nil else {
                    throw .invalid(element: "date_spec", id: spec[attribute: "id"], reason: "cannot read \(name)=\"\(text)\"")
                }
                let high = bounds.count > 1 ? (bounds[1] ?? low) : low
                ranges.append((name, low, high))
            }
            expression.spec = DateSpec(ranges: ranges)
        }
        return expression
    }
}
