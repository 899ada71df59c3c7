import XML

extension CIBDocument {
    /// The elements a query selects, read as `user` (member of Unix `groups`) sees them
    /// (nil, `root` or `hacluster`: everything).
    ///
    /// - Throws: `noSuchObject` when the section is missing or the XPath matches nothing;
    ///   `permissionDenied` when ACLs leave the user nothing to read.
    public func query(_ target: CIBTarget, user: String? = nil, groups: [String] = []) throws(CIBError) -> [XMLElement] {
        let visible = try readableDocument(for: user, groups: groups)
        switch target {
        case .whole:
            return [visible.root]
        case .scope(let scope):
            var element: XMLElement? = visible.root
            for name in scope.path { element = element?.firstChild(named: name) }
            guard let element else { throw .noSuchObject("section <\(scope.rawValue)> does not exist") }
            return [element]
        case .xpath(let expression):
            let matches = try CIBXPath.select(expression, in: visible)
            guard !matches.isEmpty else { throw .noSuchObject("xpath \(expression) matched nothing") }
            return matches
        }
    }

    /// The whole document as `user` may read it: the CIB itself when ACLs do not apply, else a copy
    /// with every unreadable element removed.
    public func readableDocument(for user: String?, groups: [String] = []) throws(CIBError) -> XMLDocument {
        guard let user, CIBAccessControl.isSubject(user), isACLEnabled else { return xml }
        let filtered = CIBAccessControl(document: xml, user: user, groups: groups).filteredForReading(xml)
        guard let filtered else { throw .permissionDenied(user: user, reason: "no part of the CIB is readable") }
        return filtered
    }

    /// Pacemaker's path for an element: tag names from `/cib`, with `[@id='…']` where there is an id.
    public static func path(of element: XMLElement) -> String {
        var parts: [String] = []
        var current: XMLElement? = element
        while let node = current {
            if let id = node[attribute: "id"] {
                parts.append("\(node.name)[@id='\(id)']")
            } else {
                parts.append(node.name)
            }
            current = node.parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }
}

/// Renders query results as `cibadmin -Q` prints them.
public enum CIBQueryOutput {
    /// One element as-is; several wrapped in `<xpath-query>`; `noChildren` drops children;
    /// `nodePaths` prints one element path per line instead (`-e`).
    public static func render(_ elements: [XMLElement], noChildren: Bool = false, nodePaths: Bool = false) -> String {
        if nodePaths {
            return elements.map { CIBDocument.path(of: $0) + "\n" }.joined()
        }
        guard let first = elements.first else { return "" }
        if elements.count == 1 { return serialize(first, noChildren: noChildren) }
        let wrapper = try! XMLDocument(rootName: "xpath-query")
        for element in elements {
            if noChildren {
                _ = try? wrapper.root.addChild(element.name, attributes: element.attributes.map { ($0.name, $0.value) })
            } else {
                wrapper.root.appendCopy(of: element)
            }
        }
        return wrapper.serialized(pretty: true)
    }

    private static func serialize(_ element: XMLElement, noChildren: Bool) -> String {
        guard noChildren, !element.children.isEmpty else { return element.serialized(pretty: true) }
        let holder = try! XMLDocument(rootName: "holder")
        let copy = try? holder.root.addChild(element.name, attributes: element.attributes.map { ($0.name, $0.value) })
        return copy?.serialized(pretty: true) ?? ""
    }
}
