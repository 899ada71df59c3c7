import XML

/// The location constraints `crm_resource --move/--ban/--clear` create and remove, named and shaped
/// exactly as Pacemaker's: `cli-prefer-RSC` (score INFINITY) and `cli-ban-RSC-on-NODE` (score -INFINITY),
/// with a rule and a `date_expression` when a lifetime is given. Pure: builds elements and requests.
public enum CLILocationConstraints {
    /// The id of the constraint `--move` creates.
    public static func preferID(resource: String) -> String { "cli-prefer-\(resource)" }

    /// The id of the constraint `--ban` creates.
    public static func banID(resource: String, node: String) -> String { "cli-ban-\(resource)-on-\(node)" }

    /// The `<rsc_location>` for a move (`isBan` false) or a ban.
    ///
    /// - Parameters:
    ///   - until: the lifetime's end, already formatted (`2026-11-25 01:56:43Z`); nil for no lifetime.
    ///   - isPromotedOnly: `--promoted`: the constraint applies to the promoted role.
    public static func constraint(
        resource: String, node: String, isBan: Bool, isPromotedOnly: Bool, until: String?
    ) throws(XMLError) -> XMLElement {
        let id = isBan ? banID(resource: resource, node: node) : preferID(resource: resource)
        let score = isBan ? "-INFINITY" : "INFINITY"
        let location = try XMLDocument(rootName: "rsc_location").root
        try location.setAttribute("id", id)
        try location.setAttribute("rsc", resource)
        try location.setAttribute("role", isPromotedOnly ? "Promoted" : "Started")
        guard let until else {
            try location.setAttribute("node", node)
            try location.setAttribute("score", score)
            return location
        }
        let ruleID = isBan ? "\(id)-rule" : "cli-prefer-rule-\(resource)"
        let expressionID = isBan ? "\(id)-expr" : "cli-prefer-expr-\(resource)"
        let lifetimeID = isBan ? "\(id)-lifetime" : "cli-prefer-lifetime-end-\(resource)"
        let rule = try location.addChild("rule", attributes: [("id", ruleID), ("score", score), ("boolean-op", "and")])
        try rule.addChild(
            "expression",
            attributes: [("id", expressionID), ("attribute", "#uname"), ("operation", "eq"), ("value", node), ("type", "string")])
        try rule.addChild("date_expression", attributes: [("id", lifetimeID), ("operation", "lt"), ("end", until)])
        return location
    }

    /// The constraints `--clear` removes: `cli-prefer-RSC` (only when it targets `node`, if given, unless
    /// `force`), and `cli-ban-RSC-on-NODE` for `node` or every node. With `isPromotedOnly`, only those
    /// for the promoted role.
    public static func constraintsToClear(
        resource: String, node: String?, isPromotedOnly: Bool, force: Bool = false, in document: XMLDocument
    ) -> [XMLElement] {
        let constraints = document.root.firstChild(named: "configuration")?.firstChild(named: "constraints")?
            .children(named: "rsc_location") ?? []
        return constraints.filter { constraint in
            guard let id = constraint[attribute: "id"] else { return false }
            if isPromotedOnly && constraint[attribute: "role"] != "Promoted" { return false }
            if id == preferID(resource: resource) {
                guard let node, !force else { return true }
                return targetNode(of: constraint) == node
            }
            if let node { return id == banID(resource: resource, node: node) }
            return id.hasPrefix("cli-ban-\(resource)-on-") && constraint[attribute: "rsc"] == resource
        }
    }

    /// The node a cli constraint is for: its `node` attribute or its rule's `#uname` expression.
    static func targetNode(of constraint: XMLElement) -> String? {
        if let node = constraint[attribute: "node"] { return node }
        return constraint.first { $0.name == "expression" && $0[attribute: "attribute"] == "#uname" }?[attribute: "value"]
    }
}
