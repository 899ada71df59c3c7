import XML

/// Pacemaker's ACLs for one user on one CIB: which elements the user may read and write.
///
/// Permissions come from the roles of the user's `acl_target` (by `id` or `name`) and of the
/// `acl_group`s naming the user's Unix groups. Each `acl_permission` selects elements by `xpath`,
/// `reference` (an id) or `object-type` (a tag, optionally with `attribute`) and covers their whole
/// subtree. The deepest match wins; at one element deny beats write, and write beats read. With ACLs
/// on, anything unmatched is denied. `root` and `hacluster` bypass ACLs entirely.
public struct CIBAccessControl {
    /// What a permission allows.
    public enum Mode: Int, Comparable, Sendable {
        case read = 1
        case write = 2
        case deny = 3

        public static func < (lhs: Mode, rhs: Mode) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Users ACLs never restrict: the superuser and the cluster daemons' user.
    public static let privilegedUsers: Set<String> = ["root", "hacluster"]

    /// Whether ACLs apply to `user` at all.
    public static func isSubject(_ user: String) -> Bool { !privilegedUsers.contains(user) }

    /// The user these rules are for.
    public let user: String
    private let permissions: [(mode: Mode, selector: Selector)]

    enum Selector {
        case xpath(String)
        case reference(String)
        case objectType(String, attribute: String?)
    }

    /// Collects the permissions that apply to `user` (and to members of `groups`) in `document`.
    public init(document: XMLDocument, user: String, groups: [String] = []) {
        self.user = user
        var roleIDs: [String] = []
        let acls = document.root.firstChild(named: "configuration")?.firstChild(named: "acls")
        for entry in acls?.children ?? [] {
            let names = [entry[attribute: "id"], entry[attribute: "name"]].compactMap { $0 }
            let applies: Bool
            switch entry.name {
            case "acl_target", "acl_user": applies = names.contains(user)
            case "acl_group": applies = names.contains(where: groups.contains)
            default: applies = false
            }
            guard applies else { continue }
            for reference in entry.children where reference.name == "role" || reference.name == "role_ref" {
                if let id = reference[attribute: "id"] { roleIDs.append(id) }
            }
        }
        var permissions: [(Mode, Selector)] = []
        for roleID in roleIDs {
            guard let role = acls?.children.first(where: { $0.name == "acl_role" && $0[attribute: "id"] == roleID })
            else { continue }
            for permission in role.children(named: "acl_permission") {
                guard let mode = CIBAccessControl.mode(permission[attribute: "kind"]),
                    let selector = CIBAccessControl.selector(of: permission)
                else { continue }
                permissions.append((mode, selector))
            }
        }
        self.permissions = permissions
    }

    private static func mode(_ kind: String?) -> Mode? {
        switch kind {
        case "read": return .read
        case "write": return .write
        case "deny": return .deny
        default: return nil
        }
    }

    private static func selector(of permission: XMLElement) -> Selector? {
        if let xpath = permission[attribute: "xpath"] { return .xpath(xpath) }
        if let reference = permission[attribute: "reference"] { return .reference(reference) }
        if let tag = permission[attribute: "object-type"] {
            return .objectType(tag, attribute: permission[attribute: "attribute"])
        }
        return nil
    }

    /// The mode set directly on each matched element of `document`, keyed by element path.
    func directModes(in document: XMLDocument) -> [String: Mode] {
        var modes: [String: Mode] = [:]
        for (mode, selector) in permissions {
            let expression: String
            switch selector {
            case .xpath(let xpath): expression = xpath
            case .reference(let id): expression = "//*[@id='\(id)']"
            case .objectType(let tag, let attribute):
                expression = attribute.map { "//\(tag)[@\($0)]" } ?? "//\(tag)"
            }
            guard let matches = try? document.select(expression) else { continue }
            for element in matches {
                let key = element.path
                modes[key] = max(modes[key] ?? mode, mode)
            }
        }
        return modes
    }

    /// The effective mode of `element`: the direct mode of its nearest ancestor-or-self that has one.
    static func effectiveMode(of element: XMLElement, modes: [String: Mode]) -> Mode {
        var current: XMLElement? = element
        while let node = current {
            if let mode = modes[node.path] { return mode }
            current = node.parent
        }
        return .deny
    }

    /// A copy of `document` holding only what the user may read; elements kept only because
    /// something readable lies below them keep just their `id`. Nil when nothing is readable.
    public func filteredForReading(_ document: XMLDocument) -> XMLDocument? {
        let copy = document.copy()
        let modes = directModes(in: copy)
        guard CIBAccessControl.prune(copy.root, inherited: .deny, modes: modes) else { return nil }
        return copy
    }

    /// Removes the unreadable parts under `element`; returns whether anything readable remains.
    private static func prune(_ element: XMLElement, inherited: Mode, modes: [String: Mode]) -> Bool {
        let mode = modes[element.path] ?? inherited
        var anyReadableChild = false
        for child in element.children {
            if prune(child, inherited: mode, modes: modes) {
                anyReadableChild = true
            } else {
                child.remove()
            }
        }
        if mode != .deny { return true }
        guard anyReadableChild else { return false }
        for (name, _) in element.attributes where name != "id" { try? element.setAttribute(name, nil) }
        return true
    }

    /// Checks that every difference between `old` and `new` touches only elements the user may write.
    /// New elements carrying nothing but an `id` (scaffolding) are allowed where their content is.
    public func checkWrite(old: XMLDocument, new: XMLDocument) throws(CIBError) {
        let oldModes = directModes(in: old)
        let newModes = directModes(in: new)
        for change in CIBPatch.differences(old: old.root, new: new.root) {
            switch change.kind {
            case .delete:
                if let element = change.old, CIBAccessControl.effectiveMode(of: element, modes: oldModes) != .write {
                    throw .permissionDenied(user: user, reason: "cannot delete \(CIBDocument.path(of: element))")
                }
            case .modify, .move:
                if let element = change.new, CIBAccessControl.effectiveMode(of: element, modes: newModes) != .write {
                    throw .permissionDenied(user: user, reason: "cannot modify \(CIBDocument.path(of: element))")
                }
            case .create:
                guard let element = change.new else { continue }
                try checkCreated(element, modes: newModes)
            }
        }
    }

    private func checkCreated(_ element: XMLElement, modes: [String: Mode]) throws(CIBError) {
        let isScaffolding = element.attributes.allSatisfy { $0.name == "id" }
        if !isScaffolding, CIBAccessControl.effectiveMode(of: element, modes: modes) != .write {
            throw .permissionDenied(user: user, reason: "cannot create \(CIBDocument.path(of: element))")
        }
        for child in element.children { try checkCreated(child, modes: modes) }
    }
}
