import XML

/// Carries out one request on a candidate document, following Pacemaker's `cib_process_*` rules,
/// and records what changed. Knows nothing of versions, ACLs or validation.
struct CIBEditor {
    let document: XMLDocument

    func perform(_ request: CIBRequest, tracker: inout CIBChangeTracker) throws(CIBError) {
        switch request {
        case .query:
            return
        case .create(let target, let element):
            try create(target, element, tracker: &tracker)
        case .modify(let target, let element, let allowCreate):
            try modify(target, element, allowCreate: allowCreate, tracker: &tracker)
        case .replace(let target, let element):
            try replace(target, element, tracker: &tracker)
        case .delete(let target, let element, let allMatches):
            try delete(target, element, allMatches: allMatches, tracker: &tracker)
        case .erase:
            erase(tracker: &tracker)
        case .bump:
            let root = document.root
            var version = CIBVersion(of: root)
            version.epoch += 1
            try? root.setAttribute("epoch", String(version.epoch))
            tracker.recordOther()
        case .applyPatch(let patch):
            try CIBPatch.apply(patch, to: document, tracker: &tracker)
        }
    }

    /// The element a scope names; `create` says whether a missing section may be added.
    func sectionRoot(_ target: CIBTarget, creating: Bool, tracker: inout CIBChangeTracker) -> XMLElement? {
        guard case .scope(let scope) = target else { return document.root }
        var element = document.root
        for name in scope.path {
            if let child = element.firstChild(named: name) {
                element = child
            } else if creating, let child = try? element.addChild(name) {
                tracker.recordOther()
                element = child
            } else {
                return nil
            }
        }
        return element
    }

    // MARK: Create

    private func create(_ target: CIBTarget, _ input: XMLElement, tracker: inout CIBChangeTracker) throws(CIBError) {
        switch target {
        case .whole:
            return try modify(.whole, input, allowCreate: false, tracker: &tracker)
        case .xpath(let expression):
            let match = try CIBXPath.select(expression, in: document).first
            guard let match else { throw .noSuchObject("xpath \(expression) matched nothing") }
            let copy = match.appendCopy(of: input)
            tracker.record(copy)
        case .scope(let scope):
            if input.name == "cib" { return try modify(.whole, input, allowCreate: false, tracker: &tracker) }
            guard let section = sectionRoot(target, creating: false, tracker: &tracker) else {
                throw .missingSection(scope.rawValue)
            }
            let items = input.name == scope.rawValue ? input.children : [input]
            for item in items {
                let id = item[attribute: "id"]
                if CIBMerge.matchChild(of: section, name: item.name, idAttribute: id == nil ? nil : "id", id: id) != nil
                {
                    throw .alreadyExists(element: item.name, id: id ?? "")
                }
                CIBMerge.merge(item, into: nil, parent: section, tracker: &tracker)
            }
        }
    }

    // MARK: Modify

    private func modify(
        _ target: CIBTarget, _ input: XMLElement, allowCreate: Bool, tracker: inout CIBChangeTracker
    ) throws(CIBError) {
        if case .xpath(let expression) = target {
            let matches = try CIBXPath.select(expression, in: document)
            guard let match = matches.first, CIBMerge.updateFirstMatch(in: match, with: input, tracker: &tracker)
            else { throw .noSuchObject("xpath \(expression): no <\(input.name)> to modify") }
            return
        }
        // Pacemaker creates a missing section before looking in it, and keeps it only if the request succeeds.
        guard let root = sectionRoot(target, creating: true, tracker: &tracker) else {
            throw .noSuchObject("section for <\(input.name)>")
        }
        if CIBMerge.updateFirstMatch(in: root, with: input, tracker: &tracker) { return }
        guard allowCreate else {
            throw .noSuchObject("<\(input.name) id=\"\(input[attribute: "id"] ?? "")\"> not found")
        }
        // Pacemaker adds the new subtree without marking the configuration dirty, so only
        // num_updates moves (observed with 2.1.5's `cibadmin -M -c`) — unless an attribute of it was
        // expanded (`value++`), which marks it dirty again. We reproduce both.
        var quiet = CIBChangeTracker()
        CIBMerge.merge(input, into: nil, parent: root, tracker: &quiet)
        var isExpanded = false
        input.forEachDescendant { element in
            for (name, value) in element.attributes
            where CIBMerge.expandedValue(name: name, value: value, old: nil) != value {
                isExpanded = true
            }
        }
        if isExpanded { tracker.record(root) } else { tracker.recordOther() }
    }

    // MARK: Replace

    private func replace(_ target: CIBTarget, _ input: XMLElement, tracker: inout CIBChangeTracker) throws(CIBError) {
        if input.name == "cib" { return try replaceWhole(input, tracker: &tracker) }
        if case .xpath(let expression) = target {
            let matches = try CIBXPath.select(expression, in: document)
            guard let match = matches.first else { throw .noSuchObject("xpath \(expression) matched nothing") }
            guard let parent = match.parent else { throw .invalidXPath("\(expression) addresses the whole /cib") }
            let isSame = CIBCompare.isEqual(match, input)
            match.remove()
            let copy = parent.appendCopy(of: input)
            if !isSame { tracker.record(copy) }
            return
        }
        var searchRoot = document.root
        if case .scope(let scope) = target, input.name.lowercased() != scope.rawValue.lowercased() {
            guard let section = sectionRoot(target, creating: false, tracker: &tracker) else {
                throw .noSuchObject("section <\(scope.rawValue)> does not exist")
            }
            searchRoot = section
        }
        guard let match = CIBMerge.findMatch(below: searchRoot, like: input, comparingAttributes: false) else {
            throw .noSuchObject("<\(input.name) id=\"\(input[attribute: "id"] ?? "")\"> not found")
        }
        if CIBCompare.isEqual(match, input) { return }
        let copy = match.replace(with: input)
        tracker.record(copy)
    }

    private func replaceWhole(_ input: XMLElement, tracker: inout CIBChangeTracker) throws(CIBError) {
        let current = CIBVersion(of: document.root)
        let supplied = CIBVersion(of: input)
        if supplied < current { throw .olderVersion(current: current, supplied: supplied) }
        let old = document.root
        let oldConfiguration = old.firstChild(named: "configuration")
        let isChanged = !CIBCompare.isEqual(old, input)
        let isConfigurationChanged = !CIBCompare.isEqual(oldConfiguration, input.firstChild(named: "configuration"))
        document.replaceRoot(with: input)
        if isConfigurationChanged {
            tracker.isChanged = true
            tracker.isConfigurationChanged = true
        } else if isChanged {
            tracker.recordOther()
        }
    }

    // MARK: Delete

    private func delete(
        _ target: CIBTarget, _ input: XMLElement?, allMatches: Bool, tracker: inout CIBChangeTracker
    ) throws(CIBError) {
        if case .xpath(let expression) = target {
            let matches = try CIBXPath.select(expression, in: document)
            for match in allMatches ? matches : Array(matches.prefix(1)) {
                guard match.parent != nil else { throw .invalidXPath("\(expression) addresses the whole /cib") }
                tracker.record(match)
                match.remove()
            }
            return
        }
        guard let input else { throw .invalidRequest("delete needs an XML element (-X/-x/-p) or --xpath") }
        guard let root = sectionRoot(target, creating: false, tracker: &tracker) else { return }
        var items = [input]
        if case .scope(let scope) = target, input.name.lowercased() == scope.rawValue.lowercased() {
            items = input.children
        }
        for item in items {
            if let match = CIBMerge.findMatch(below: root, like: item, comparingAttributes: true) {
                tracker.record(match)
                match.remove()
            }
        }
    }

    // MARK: Erase

    private func erase(tracker: inout CIBChangeTracker) {
        let old = document.root
        let empty = CIBDocument.empty().root
        let isConfigurationChanged = !CIBCompare.isEqual(
            old.firstChild(named: "configuration"), empty.firstChild(named: "configuration"))
        let fresh = CIBDocument.empty().xml
        let root = fresh.root
        for (name, value) in old.attributes { try? root.setAttribute(name, value) }
        var version = CIBVersion(of: root)
        version.adminEpoch += 1
        try? root.setAttribute("admin_epoch", String(version.adminEpoch))
        document.replaceRoot(with: root)
        tracker.isChanged = true
        if isConfigurationChanged { tracker.isConfigurationChanged = true }
    }
}
