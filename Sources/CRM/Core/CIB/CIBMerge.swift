import XML

/// Pacemaker's rules for finding and merging elements by tag and id, and for `name++` / `name+=N`.
enum CIBMerge {
    /// Pacemaker's INFINITY score.
    static let infinity = 1_000_000

    /// Depth first from `root` (inclusive), finds the first element with the same tag and the same
    /// id (both may lack one) and merges `input` into it. Returns false when nothing matched.
    static func updateFirstMatch(in root: XMLElement, with input: XMLElement, tracker: inout CIBChangeTracker) -> Bool {
        let id = input[attribute: "id"]
        guard let match = root.first(where: { $0.name == input.name && $0[attribute: "id"] == id }) else {
            return false
        }
        merge(input, into: match, parent: nil, tracker: &tracker)
        return true
    }

    /// Merges `update` into `target`, or into a child of `parent` with the same tag and id/idref
    /// (created when missing): attributes are set (with `++`/`+=` expansion), children merged recursively.
    static func merge(
        _ update: XMLElement, into target: XMLElement?, parent: XMLElement?, tracker: inout CIBChangeTracker
    ) {
        var element = target
        if element == nil, let parent {
            if let id = update[attribute: "id"] {
                element = matchChild(of: parent, name: update.name, idAttribute: "id", id: id)
            } else if let reference = update[attribute: "id-ref"] {
                element = matchChild(of: parent, name: update.name, idAttribute: "id-ref", id: reference)
            } else {
                element = matchChild(of: parent, name: update.name, idAttribute: nil, id: nil)
            }
            if element == nil, let created = try? parent.addChild(update.name) {
                tracker.record(created)
                element = created
            }
        }
        guard let element else { return }
        copyAttributes(from: update, to: element, tracker: &tracker)
        for child in update.children {
            merge(child, into: nil, parent: element, tracker: &tracker)
        }
    }

    /// The first child of `parent` named `name` whose `idAttribute` equals `id` (any id when nil).
    static func matchChild(of parent: XMLElement, name: String, idAttribute: String?, id: String?) -> XMLElement? {
        parent.children.first { child in
            guard child.name == name else { return false }
            guard let idAttribute else { return true }
            return child[attribute: idAttribute] == id
        }
    }

    /// Sets each attribute of `source` on `target`, expanding `name++` and `name+=N`.
    static func copyAttributes(from source: XMLElement, to target: XMLElement, tracker: inout CIBChangeTracker) {
        for (name, value) in source.attributes {
            let old = target[attribute: name]
            let new = expandedValue(name: name, value: value, old: old)
            if new != old {
                try? target.setAttribute(name, new)
                tracker.record(target)
            }
        }
    }

    /// The value Pacemaker stores for `name="value"`: `name++` adds 1 and `name+=N` adds N to the old
    /// value read as a score (0 when missing or not a number), capped at +INFINITY.
    static func expandedValue(name: String, value: String, old: String?) -> String {
        guard value.hasPrefix(name) else { return value }
        let rest = value.utf8.dropFirst(name.utf8.count)
        guard rest.count >= 2, rest.first == UInt8(ascii: "+") else { return value }
        let operatorByte = rest.dropFirst().first
        let offset: Int
        if operatorByte == UInt8(ascii: "+") {
            offset = 1
        } else if operatorByte == UInt8(ascii: "=") {
            offset = score(String(decoding: rest.dropFirst(2), as: UTF8.self))
        } else {
            return value
        }
        let base = old.map(score) ?? 0
        return String(min(base + offset, infinity))
    }

    /// Pacemaker's `char2score`: ±INFINITY by name, else the leading integer, clamped to ±INFINITY.
    static func score(_ text: String) -> Int {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        switch trimmed.uppercased() {
        case "INFINITY", "+INFINITY": return infinity
        case "-INFINITY": return -infinity
        default: break
        }
        var digits = Substring(trimmed)
        var sign = 1
        if let first = digits.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        var result = 0
        for character in digits {
            guard let digit = character.wholeNumberValue, character.isASCII else { break }
            result = min(result * 10 + digit, infinity)
        }
        return max(-infinity, min(infinity, sign * result))
    }

    /// Pacemaker's `replace_xml_child` search: depth first below `root` (never `root` itself, and not
    /// below it when it matches), the first element whose tag equals `like`'s (ignoring case) and whose
    /// id equals `like`'s when it has one; with `comparingAttributes`, every attribute of `like` must
    /// also be present with the same value (ignoring case).
    static func findMatch(below root: XMLElement, like: XMLElement, comparingAttributes: Bool) -> XMLElement? {
        let name = like.name.lowercased()
        let id = like[attribute: "id"]
        let attributes = comparingAttributes ? like.attributes : []
        func matches(_ element: XMLElement) -> Bool {
            guard element.name.lowercased() == name else { return false }
            if let id, element[attribute: "id"] != id { return false }
            for (key, value) in attributes where element[attribute: key]?.lowercased() != value.lowercased() {
                return false
            }
            return true
        }
        if matches(root) { return nil }
        func search(_ element: XMLElement) -> XMLElement? {
            for child in element.children {
                if matches(child) { return child }
                if let found = search(child) { return found }
            }
            return nil
        }
        return search(root)
    }
}

/// Structural comparison of XML subtrees: tag names, attributes (as a set), element children in order.
enum CIBCompare {
    static func isEqual(_ lhs: XMLElement?, _ rhs: XMLElement?) -> Bool {
        guard let lhs, let rhs else { return lhs == nil && rhs == nil }
        guard lhs.name == rhs.name else { return false }
        let left = lhs.attributes
        let right = rhs.attributes
        guard left.count == right.count else { return false }
        for (name, value) in left where rhs[attribute: name] != value { return false }
        let leftChildren = lhs.children
        let rightChildren = rhs.children
        guard leftChildren.count == rightChildren.count else { return false }
        for (a, b) in zip(leftChildren, rightChildren) where !isEqual(a, b) { return false }
        if leftChildren.isEmpty, lhs.text != rhs.text { return false }
        return true
    }
}

/// XPath selection with errors mapped into `CIBError`.
enum CIBXPath {
    static func select(_ expression: String, in document: XMLDocument) throws(CIBError) -> [XMLElement] {
        do {
            return try document.select(expression)
        } catch {
            throw .invalidXPath("invalid XPath expression '\(expression)': \(error)")
        }
    }
}
