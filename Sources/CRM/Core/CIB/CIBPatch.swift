import XML

/// One difference between two CIBs, as a v2 patchset `<change>` describes it.
struct CIBChange {
    enum Kind: String {
        case create, delete, modify, move
    }

    var kind: Kind
    /// The element's path (for create: its parent's path).
    var path: String
    /// For create and move: the element's index among its parent's element children in the new CIB.
    var position: Int?
    /// The element in the old CIB (delete, modify, move).
    var old: XMLElement?
    /// The element in the new CIB (create, modify, move).
    var new: XMLElement?
    /// For modify: attributes set (name, value) and removed (value nil), in order.
    var attributes: [(name: String, value: String?)] = []
}

/// Computes and applies Pacemaker's v2 patchsets (`<diff format="2">`).
public enum CIBPatch {
    /// The patchset turning `old` into `new`; nil when they are equal.
    public static func create(from old: XMLDocument, to new: XMLDocument) -> XMLDocument? {
        render(differences(old: old.root, new: new.root), from: old, to: new)
    }

    /// The same patchset as `create(from:to:)` when the two documents differ at most in the attributes of
    /// the root and of the elements at `chain` (absolute paths, each the parent of the next, such as
    /// `/cib/status/node_state[@id='1']`, `…/lrm[@id='1']`), and inside the last of them; any of them may be
    /// missing on either side. Only those are compared, so the cost follows the chain, not the CIB. The
    /// caller vouches that nothing else changed.
    public static func create(from old: XMLDocument, to new: XMLDocument, along chain: [String]) -> XMLDocument? {
        var changes: [CIBChange] = []
        appendAttributeChange(old: old.root, new: new.root, into: &changes)
        for (level, path) in chain.enumerated() {
            let before = (try? old.select(path))?.first
            let after = (try? new.select(path))?.first
            switch (before, after) {
            case (let before?, let after?):
                if level == chain.count - 1 {
                    compare(old: before, new: after, path: CIBDocument.path(of: after), into: &changes)
                } else {
                    appendAttributeChange(old: before, new: after, into: &changes)
                    continue
                }
            case (nil, let after?):
                guard let parent = after.parent else { return create(from: old, to: new) }
                let position = parent.children.firstIndex { $0.isSame(as: after) } ?? 0
                changes.append(CIBChange(kind: .create, path: CIBDocument.path(of: parent), position: position, new: after))
            case (let before?, nil):
                changes.append(CIBChange(kind: .delete, path: CIBDocument.path(of: before), old: before))
            case (nil, nil):
                break
            }
            break
        }
        return render(changes, from: old, to: new)
    }

    private static func appendAttributeChange(old: XMLElement, new: XMLElement, into changes: inout [CIBChange]) {
        var attributes: [(String, String?)] = []
        for (name, value) in new.attributes where old[attribute: name] != value { attributes.append((name, value)) }
        for (name, _) in old.attributes where new[attribute: name] == nil { attributes.append((name, nil)) }
        if !attributes.isEmpty {
            changes.append(CIBChange(kind: .modify, path: CIBDocument.path(of: new), old: old, new: new, attributes: attributes))
        }
    }

    private static func render(_ changes: [CIBChange], from old: XMLDocument, to new: XMLDocument) -> XMLDocument? {
        if changes.isEmpty { return nil }
        let diff = try! XMLDocument(rootName: "diff")
        try? diff.root.setAttribute("format", "2")
        let version = try! diff.root.addChild("version")
        for (name, element) in [("source", old.root), ("target", new.root)] {
            let side = try! version.addChild(name)
            let counters = CIBVersion(of: element)
            try? side.setAttribute("admin_epoch", String(counters.adminEpoch))
            try? side.setAttribute("epoch", String(counters.epoch))
            try? side.setAttribute("num_updates", String(counters.numUpdates))
        }
        for change in changes { render(change, into: diff.root) }
        return diff
    }

    private static func render(_ change: CIBChange, into root: XMLElement) {
        let element = try! root.addChild(
            "change", attributes: [("operation", change.kind.rawValue), ("path", change.path)])
        switch change.kind {
        case .create:
            try? element.setAttribute("position", String(change.position ?? 0))
            if let new = change.new { element.appendCopy(of: new) }
        case .move:
            try? element.setAttribute("position", String(change.position ?? 0))
        case .delete:
            break
        case .modify:
            let list = try! element.addChild("change-list")
            for (name, value) in change.attributes {
                var attributes = [("name", name), ("operation", value == nil ? "unset" : "set")]
                if let value { attributes.append(("value", value)) }
                _ = try? list.addChild("change-attr", attributes: attributes)
            }
            let result = try! element.addChild("change-result")
            if let new = change.new {
                // a shallow snapshot: copying `new` deeply would copy the whole CIB for a /cib change
                _ = try? result.addChild(new.name, attributes: new.attributes.map { ($0.name, $0.value) })
            }
        }
    }

    /// Every difference, in Pacemaker's order: an element's own modification, then its children's
    /// deletions, then creations, moves and descendants in new-document order.
    static func differences(old: XMLElement, new: XMLElement) -> [CIBChange] {
        var changes: [CIBChange] = []
        compare(old: old, new: new, path: CIBDocument.path(of: new), into: &changes)
        return changes
    }

    private static func compare(old: XMLElement, new: XMLElement, path: String, into changes: inout [CIBChange]) {
        var attributes: [(String, String?)] = []
        for (name, value) in new.attributes where old[attribute: name] != value { attributes.append((name, value)) }
        for (name, _) in old.attributes where new[attribute: name] == nil { attributes.append((name, nil)) }
        if !attributes.isEmpty {
            changes.append(CIBChange(kind: .modify, path: path, old: old, new: new, attributes: attributes))
        }
        let oldChildren = old.children
        let newChildren = new.children
        var matchedOld = Array(repeating: false, count: oldChildren.count)
        var pairs: [(old: Int, new: Int)] = []
        var unmatchedNew: [Int] = []
        var index: [String: [Int]] = [:]
        for (position, child) in oldChildren.enumerated() { index[key(child), default: []].append(position) }
        for (position, child) in newChildren.enumerated() {
            if var candidates = index[key(child)], !candidates.isEmpty {
                let match = candidates.removeFirst()
                index[key(child)] = candidates
                matchedOld[match] = true
                pairs.append((match, position))
            } else {
                unmatchedNew.append(position)
            }
        }
        for (position, child) in oldChildren.enumerated() where !matchedOld[position] {
            changes.append(CIBChange(kind: .delete, path: path + "/" + segment(child), old: child))
        }
        let created = Set(unmatchedNew)
        // Positions among surviving elements: a move is recorded where the relative order changed.
        let survivingOld = pairs.map(\.old).sorted()
        let oldRank = Dictionary(uniqueKeysWithValues: survivingOld.enumerated().map { ($1, $0) })
        let oldForNew = Dictionary(uniqueKeysWithValues: pairs.map { ($0.new, $0.old) })
        var rank = 0
        for position in newChildren.indices {
            let child = newChildren[position]
            if created.contains(position) {
                changes.append(CIBChange(kind: .create, path: path, position: position, new: child))
                continue
            }
            guard let oldPosition = oldForNew[position] else { continue }
            let oldChild = oldChildren[oldPosition]
            let childPath = path + "/" + segment(child)
            if oldRank[oldPosition] != rank {
                changes.append(CIBChange(kind: .move, path: childPath, position: position, old: oldChild, new: child))
            }
            rank += 1
            compare(old: oldChild, new: child, path: childPath, into: &changes)
        }
    }

    /// One step of an element path: `tag` or `tag[@id='…']`.
    private static func segment(_ element: XMLElement) -> String {
        guard let id = element[attribute: "id"] else { return element.name }
        return element.name + "[@id='" + id + "']"
    }

    /// Children match by tag and id; children without an id match the same-named ones in order.
    private static func key(_ element: XMLElement) -> String {
        element.name + "\u{0}" + (element[attribute: "id"] ?? "\u{1}")
    }
}
