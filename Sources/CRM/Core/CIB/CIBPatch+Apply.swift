import XML

extension CIBPatch {
    /// Applies a v2 patchset to `document` in place, after checking that the patch's source version
    /// is the document's version. Deletions and modifications go first, then creations and moves,
    /// each group in patch order (as Pacemaker applies them).
    static func apply(_ patch: XMLElement, to document: XMLDocument, tracker: inout CIBChangeTracker) throws(CIBError) {
        guard patch.name == "diff", patch[attribute: "format"] == "2" else {
            throw .patchFailed("only <diff format=\"2\"> patchsets are supported, got <\(patch.name)>")
        }
        guard let version = patch.firstChild(named: "version"), let source = version.firstChild(named: "source"),
            version.firstChild(named: "target") != nil
        else { throw .patchFailed("the patch has no <version><source/><target/></version>") }
        let expected = CIBVersion(of: source)
        let actual = CIBVersion(of: document.root)
        if actual > expected { throw .olderVersion(current: actual, supplied: expected) }
        if actual < expected { throw .patchVersionMismatch(expected: expected, actual: actual) }
        tracker.managesCounters = false
        var delayed: [(change: XMLElement, match: XMLElement)] = []
        for change in patch.children(named: "change") {
            let operation = change[attribute: "operation"] ?? ""
            guard let path = change[attribute: "path"] else { throw .patchFailed("a <change> has no path") }
            let match = resolve(path, in: document)
            switch operation {
            case "delete":
                // Pacemaker skips deletions of elements that are already gone.
                guard let match else { continue }
                if match.parent == nil { throw .patchFailed("cannot delete the root element") }
                tracker.record(match)
                match.remove()
            case "modify":
                guard let match else { throw .patchFailed("no element at \(path) to modify") }
                try modify(match, with: change, tracker: &tracker)
            case "create", "move":
                guard let match else { throw .patchFailed("no element at \(path) to \(operation)") }
                delayed.append((change, match))
            default:
                throw .patchFailed("unknown change operation '\(operation)' at \(path)")
            }
        }
        for (change, match) in delayed {
            let position = Int(change[attribute: "position"] ?? "") ?? -1
            if change[attribute: "operation"] == "create" {
                guard let body = change.children.first else { throw .patchFailed("a create change has no element") }
                let created =
                    position >= 0 ? match.insertCopy(of: body, at: position) : match.appendCopy(of: body)
                tracker.record(created)
            } else {
                guard position >= 0 else { throw .patchFailed("a move change has no position") }
                match.move(toIndex: position)
                tracker.record(match)
            }
        }
    }

    private static func modify(_ match: XMLElement, with change: XMLElement, tracker: inout CIBChangeTracker)
        throws(CIBError)
    {
        guard let list = change.firstChild(named: "change-list") else {
            throw .patchFailed("a modify change has no change-list")
        }
        for attribute in list.children(named: "change-attr") {
            guard let name = attribute[attribute: "name"] else { throw .patchFailed("a change-attr has no name") }
            do {
                switch attribute[attribute: "operation"] {
                case "set": try match.setAttribute(name, attribute[attribute: "value"] ?? "")
                case "unset": try match.setAttribute(name, nil)
                default: throw CIBError.patchFailed("change-attr \(name) has an unknown operation")
                }
            } catch let error as CIBError {
                throw error
            } catch {
                throw .patchFailed("\(error)")
            }
        }
        tracker.record(match)
    }

    /// Finds the element a patch path names (`/cib/configuration/nodes/node[@id='1']`), walking
    /// children directly; paths in any other form are evaluated as XPath.
    static func resolve(_ path: String, in document: XMLDocument) -> XMLElement? {
        guard let steps = parse(path) else { return (try? document.select(path))?.first }
        guard let first = steps.first, first.name == document.root.name, first.id == nil else { return nil }
        var current = document.root
        for step in steps.dropFirst() {
            guard
                let next = current.children.first(where: {
                    $0.name == step.name && (step.id == nil || $0[attribute: "id"] == step.id)
                })
            else { return nil }
            current = next
        }
        return current
    }

    private static func parse(_ path: String) -> [(name: String, id: String?)]? {
        var steps: [(String, String?)] = []
        var rest = Substring(path)
        guard rest.first == "/" else { return nil }
        while rest.first == "/" {
            rest = rest.dropFirst()
            let name = rest.prefix(while: { $0 != "/" && $0 != "[" })
            guard !name.isEmpty else { return nil }
            rest = rest.dropFirst(name.count)
            var id: String?
            if rest.hasPrefix("[@id='") {
                rest = rest.dropFirst(6)
                guard let end = rest.firstIndex(of: "'") else { return nil }
                id = String(rest[..<end])
                rest = rest[end...].dropFirst()
                guard rest.first == "]" else { return nil }
                rest = rest.dropFirst()
            }
            steps.append((String(name), id))
        }
        return rest.isEmpty ? steps : nil
    }
}
