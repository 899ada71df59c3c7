import XML

extension ResourceListing {
    /// The `<resources>` element of `crm_resource --list --output-as xml`, serialised with two-space
    /// indentation; nil when a bundle is configured (its XML form is not implemented yet).
    public func xmlElement() -> String? {
        guard !resources.contains(where: { $0.name == "bundle" }) else { return nil }
        let body = resources.flatMap { xmlLines(for: $0, disabled: false, unmanaged: false) }
        return (["<resources>"] + body.map { "  " + $0 } + ["</resources>"]).joined(separator: "\n")
    }

    private func xmlLines(for element: XMLElement, disabled: Bool, unmanaged: Bool) -> [String] {
        let id = element[attribute: "id"] ?? ""
        let isDisabled = disabled || isDisabled(element)
        let isUnmanaged = unmanaged || isUnmanaged(element)
        switch element.name {
        case "primitive":
            let placement = status.placements(of: id).first
            return primitiveXML(element, id: id, placement: placement, targetRole: targetRole(element), unmanaged: isUnmanaged)
        case "group":
            return groupXML(element, id: id, disabled: isDisabled, unmanaged: isUnmanaged, instance: nil)
        case "clone", "master":
            return cloneXML(element, id: id, disabled: isDisabled, unmanaged: isUnmanaged)
        default:
            return []
        }
    }

    private func primitiveXML(
        _ element: XMLElement, id: String, placement: (node: String, role: ResourceStatusIndex.Role)?, targetRole: String?,
        unmanaged: Bool
    ) -> [String] {
        var attributes = [("id", id), ("resource_agent", agent(of: element)), ("role", placement?.role.rawValue ?? "Stopped")]
        if let targetRole { attributes.append(("target_role", targetRole)) }
        attributes += [
            ("active", placement == nil ? "false" : "true"), ("orphaned", "false"), ("blocked", "false"),
            ("managed", unmanaged ? "false" : "true"), ("failed", "false"), ("failure_ignored", "false"),
            ("nodes_running_on", placement == nil ? "0" : "1"),
        ]
        let open = "<resource " + attributes.map { "\($0.0)=\"\(xmlEscaped($0.1))\"" }.joined(separator: " ")
        guard let placement else { return [open + "/>"] }
        let nodeID = nodeID(of: placement.node)
        return [open + ">", "  <node name=\"\(xmlEscaped(placement.node))\" id=\"\(xmlEscaped(nodeID))\" cached=\"true\"/>", "</resource>"]
    }

    private func groupXML(_ group: XMLElement, id: String, disabled: Bool, unmanaged: Bool, instance: Int?) -> [String] {
        let members = group.children(named: "primitive")
        let shownID = instance.map { "\(id):\($0)" } ?? id
        var lines = [
            "<group id=\"\(xmlEscaped(shownID))\" number_resources=\"\(members.count)\" managed=\"\(!unmanaged)\" disabled=\"\(disabled)\">"
        ]
        let inheritedRole = targetRole(group)
        for member in members {
            let memberID = member[attribute: "id"] ?? ""
            let placement = instance == nil ? status.placements(of: memberID).first : placement(of: memberID, instance: instance ?? 0)
            lines += primitiveXML(
                member, id: memberID, placement: placement, targetRole: targetRole(member) ?? inheritedRole,
                unmanaged: unmanaged || isUnmanaged(member)
            ).map { "  " + $0 }
        }
        return lines + ["</group>"]
    }

    private func cloneXML(_ clone: XMLElement, id: String, disabled: Bool, unmanaged: Bool) -> [String] {
        guard let child = clone.children.first(where: { $0.name == "primitive" || $0.name == "group" }) else { return [] }
        let unique = meta("globally-unique", of: clone).flatMap(Self.boolean) ?? false
        var lines = [
            "<clone id=\"\(xmlEscaped(id))\" multi_state=\"\(isPromotable(clone))\" unique=\"\(unique)\" managed=\"\(!unmanaged)\""
                + " disabled=\"\(disabled)\" failed=\"false\" failure_ignored=\"false\">"
        ]
        let childID = child[attribute: "id"] ?? ""
        for instance in 0..<cloneMax(clone) {
            if child.name == "group" {
                lines += groupXML(child, id: childID, disabled: disabled, unmanaged: unmanaged, instance: instance).map { "  " + $0 }
            } else {
                let shownID = unique ? "\(childID):\(instance)" : childID
                lines += primitiveXML(
                    child, id: shownID, placement: placement(of: childID, instance: instance),
                    targetRole: targetRole(child) ?? targetRole(clone), unmanaged: unmanaged || isUnmanaged(child)
                ).map { "  " + $0 }
            }
        }
        return lines + ["</clone>"]
    }

    /// The placement of the `instance`-th instance: active instances are numbered in node order.
    private func placement(of resource: String, instance: Int) -> (node: String, role: ResourceStatusIndex.Role)? {
        let placements = status.placements(of: resource)
        return instance < placements.count ? placements[instance] : nil
    }

    private func targetRole(_ element: XMLElement) -> String? { meta("target-role", of: element) }

    private func nodeID(of name: String) -> String {
        let node = resourcesDocument?.root.first { $0.name == "node" && $0[attribute: "uname"] == name }
        return node?[attribute: "id"] ?? name
    }

    private var resourcesDocument: XMLDocument? { resources.first?.document }
}
