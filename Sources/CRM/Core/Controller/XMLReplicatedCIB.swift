import XML

/// The real CIB as a replicated document: requests are `CIBUpdateBody` text applied with Pacemaker's
/// semantics (versioning, ACLs for the request's user), patches are v2 patchsets, snapshots the CIB's XML.
///
/// Schema validation of edits is the job of the `validator` the shell sets on the DC's copy; copies made
/// from a snapshot start without one.
public struct XMLReplicatedCIB: ReplicatedDocument {
    /// The CIB.
    public var cib: CIBDocument
    /// When set, every change `apply(update:)` makes also records on the `<cib>` element `cib-last-written`
    /// (this text), `update-origin`, `update-client` (`crmd` when the request names no tool) and
    /// `update-user` (removed when the request names none), as Pacemaker's CIB does; the patch carries them,
    /// so every replica holds the same bytes.
    public var lastWritten: String?

    /// Wraps a CIB.
    public init(_ cib: CIBDocument) { self.cib = cib }

    /// Loads a CIB from its XML.
    public init(snapshot: String) throws(CIBError) {
        cib = try CIBDocument.parse(Array(snapshot.utf8), source: "<replicated CIB>")
    }

    /// The CIB's version.
    public var version: CIBVersion { cib.version }

    /// The CIB's XML.
    public func snapshot() -> String { cib.xml.serialized() }

    /// Applies a `CIBUpdateBody`; returns the v2 patchset of the change.
    public mutating func apply(update body: String) throws(CIBError) -> String? {
        let decoded = try CIBUpdateBody.decodeAll(body)
        let (request, user) = (decoded.request, decoded.user)
        if request.isReadOnly { throw .invalidRequest("a query is not an update") }
        // `CIBDocument.apply` edits a copy and swaps it in, so the previous tree stays as it was.
        let before = cib.xml
        let result = try cib.apply(request, user: user)
        guard result.isChanged else { return nil }
        if let lastWritten {
            let root = cib.xml.root
            try? root.setAttribute("cib-last-written", lastWritten)
            try? root.setAttribute("update-origin", decoded.origin)
            try? root.setAttribute("update-client", decoded.client ?? "crmd")
            try? root.setAttribute("update-user", user)
        }
        let patch: XMLDocument?
        if let chain = Self.region(of: request) {
            patch = CIBPatch.create(from: before, to: cib.xml, along: chain)
        } else {
            patch = CIBPatch.create(from: before, to: cib.xml)
        }
        return patch?.root.serialized()
    }

    /// Where an edit can change the CIB (besides the root's version attributes), when the request says so
    /// plainly, as a chain of paths for `CIBPatch.create(from:to:along:)`: for a `node_state` merged into the
    /// status section (what the controller records) the payload's single-child path down to where it branches
    /// (`node_state`, `lrm`, `lrm_resources`, one `lrm_resource`); for an XPath target inside
    /// `/cib/status/node_state[@id='…']` without unions or upward steps (transient attributes, history
    /// deletes) that `node_state`. Nil for anything else, which is diffed whole.
    public static func region(of request: CIBRequest) -> [String]? {
        switch request {
        case .modify(.scope(.status), let element, _) where element.name == "node_state":
            var chain: [String] = []
            var path = "/cib/status"
            var current: XMLElement? = element
            while let step = current {
                if let id = step[attribute: "id"] {
                    guard !id.contains("'") else { return nil }
                    path += "/\(step.name)[@id='\(id)']"
                } else {
                    path += "/\(step.name)"
                }
                chain.append(path)
                let children = step.children
                // Siblings without ids cannot be told apart by path: stop above them.
                guard children.count == 1, children[0][attribute: "id"] != nil || children[0].name == "lrm_resources"
                else { break }
                current = children[0]
            }
            return chain
        case .modify(.xpath(let xpath), _, _), .create(.xpath(let xpath), _), .replace(.xpath(let xpath), _),
            .delete(.xpath(let xpath), _, _):
            let prefix = "/cib/status/node_state[@id='"
            guard xpath.hasPrefix(prefix) else { return nil }
            let rest = xpath.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "'") else { return nil }
            let id = rest[..<quote]
            let tail = rest[quote...]
            guard tail.hasPrefix("']") else { return nil }
            let after = tail.dropFirst(2)
            guard after.isEmpty || after.hasPrefix("/"), !after.contains("|"), !after.contains(".."),
                !after.contains("::")
            else { return nil }
            return [prefix + id + "']"]
        default:
            return nil
        }
    }

    /// Applies a v2 patchset made by another replica.
    public mutating func apply(patch: String) throws(CIBError) {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(patch, source: "<patch>")
        } catch {
            throw .invalidXML(error)
        }
        try cib.apply(.applyPatch(document.root))
    }
}
