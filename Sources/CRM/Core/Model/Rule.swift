/// A CIB `rule`: a boolean combination of expressions, with the score it contributes when it matches.
struct Rule: Sendable {
    var id: String
    var score: Int?
    var scoreAttribute: String?
    var role: ResourceRole?
    var isAnd: Bool
    var expressions: [RuleExpression]
}

/// One condition inside a rule.
indirect enum RuleExpression: Sendable {
    /// `expression`: compares a node attribute (or a resource parameter / meta-attribute) with a value.
    case attribute(AttributeExpression)
    /// `date_expression`.
    case date(DateExpression)
    /// `rsc_expression`: matches the resource agent (in `rsc_defaults` / `op_defaults`).
    case resource(resourceClass: String?, provider: String?, type: String?)
    /// `op_expression`: matches the operation (in `op_defaults`).
    case operation(name: String?, intervalMs: Int?)
    /// A nested `rule`.
    case rule(Rule)
}

struct AttributeExpression: Sendable {
    var attribute: String
    var operation: String
    var value: String?
    var type: String?
    /// "literal", "param" or "meta".
    var valueSource: String
}

struct DateExpression: Sendable {
    var operation: String
    var start: Int?
    var end: Int?
    var duration: DateDuration?
    var spec: DateSpec?
}

/// What a rule is evaluated against.
struct RuleContext {
    var now: Int
    var nodeAttributes: [String: String] = [:]
    var resourceClass: String?
    var resourceProvider: String?
    var resourceType: String?
    var operationName: String?
    var operationIntervalMs: Int?
    var resourceParameters: [String: String] = [:]
    var resourceMeta: [String: String] = [:]
    var role: ResourceRole?
}

extension Rule {
    /// Whether the rule holds in `context`. An empty rule holds (Pacemaker treats it as true).
    func matches(_ context: RuleContext) -> Bool {
        if let role, let contextRole = context.role, role != contextRole { return false }
        if expressions.isEmpty { return true }
        if isAnd {
            return expressions.allSatisfy { $0.matches(context) }
        }
        return expressions.contains { $0.matches(context) }
    }
}

extension RuleExpression {
    func matches(_ context: RuleContext) -> Bool {
        switch self {
        case .attribute(let expression): return expression.matches(context)
        case .date(let expression): return expression.matches(now: context.now)
        case .resource(let resourceClass, let provider, let type):
            if let resourceClass, resourceClass != context.resourceClass { return false }
            if let provider, provider != context.resourceProvider { return false }
            if let type, type != context.resourceType { return false }
            return true
        case .operation(let name, let intervalMs):
            if let name, name != context.operationName { return false }
            if let intervalMs, intervalMs != (context.operationIntervalMs ?? 0) { return false }
            return true
        case .rule(let rule): return rule.matches(context)
        }
    }
}

extension AttributeExpression {
    func matches(_ context: RuleContext) -> Bool {
        let actual = context.nodeAttributes[attribute]
        var expected = value
        switch valueSource {
        case "param": expected = value.flatMap { context.resourceParameters[$0] }
        case "meta": expected = value.flatMap { context.resourceMeta[$0] }
        default: break
        }
        switch operation {
        case "defined": return actual != nil
        case "not_defined": return actual == nil
        default: break
        }
        guard let actual, let expected else { return false }
        guard let order = compare(actual, expected) else { return false }
        switch operation {
        case "eq": return order == 0
        case "ne": return order != 0
        case "lt": return order < 0
        case "lte": return order <= 0
        case "gt": return order > 0
        case "gte": return order >= 0
        default: return false
        }
    }

    /// Compares as the expression's type says: -1, 0, 1, or nil when the comparison cannot be made.
    private func compare(_ left: String, _ right: String) -> Int? {
        let effectiveType = type?.lowercased() ?? defaultType(left: left, right: right)
        switch effectiveType {
        case "integer":
            if let l = Self.parseInteger(left), let r = Self.parseInteger(right) { return l < r ? -1 : (l > r ? 1 : 0) }
            return Self.compareStrings(left, right)
        case "number":
            if let l = Double(left.trimmingSpaces), let r = Double(right.trimmingSpaces) {
                return l < r ? -1 : (l > r ? 1 : 0)
            }
            return Self.compareStrings(left, right)
        case "version":
            return Self.compareVersions(left, right)
        default:
            return Self.compareStrings(left, right)
        }
    }

    /// Without a type, numeric comparisons (lt, gt, ...) use numbers; decimals make them "number".
    private func defaultType(left: String, right: String) -> String {
        switch operation {
        case "lt", "lte", "gt", "gte":
            return (value ?? "").contains(".") ? "number" : "integer"
        default:
            return "string"
        }
    }

    static func parseInteger(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        if let value = Int(trimmed) { return value }
        // Pacemaker's integer parse accepts a leading integer followed by a fraction ("3.5" -> 3).
        if let dot = trimmed.firstIndex(of: "."), let value = Int(trimmed[..<dot]),
            trimmed[trimmed.index(after: dot)...].allSatisfy({ $0.isASCII && $0.isNumber })
        {
            return value
        }
        return nil
    }

    static func compareStrings(_ left: String, _ right: String) -> Int {
        let l = left.lowercased()
        let r = right.lowercased()
        return l < r ? -1 : (l > r ? 1 : 0)
    }

    static func compareVersions(_ left: String, _ right: String) -> Int {
        let l = left.split(separator: ".").map { Int($0) ?? 0 }
        let r = right.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(l.count, r.count) {
            let a = index < l.count ? l[index] : 0
            let b = index < r.count ? r[index] : 0
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }
}

extension DateExpression {
    func matches(now: Int) -> Bool {
        switch operation {
        case "gt":
            guard let start else { return false }
            return now > start
        case "lt":
            guard let end else { return false }
            return now < end
        case "date_spec":
            return spec?.matches(now) ?? false
        default:  // in_range
            var upper = end
            if upper == nil, let start, let duration { upper = duration.added(to: start) }
            if let start, now < start { return false }
            if let upper, now > upper { return false }
            return start != nil || upper != nil
        }
    }
}
