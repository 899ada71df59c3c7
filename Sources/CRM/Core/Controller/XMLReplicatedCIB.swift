import XML

/// The real CIB as a replicated document: requests are `CIBUpdateBody` text applied with Pacemaker's
/// semantics (versioning, ACLs for the request's user), patches are v2 patchsets, snapshots the CIB's XML.
///
/// Schema validation of edits is the job of the `validator` the shell sets on the DC's copy; copies made
/// from a snapshot start without one.
public struct XMLReplicatedCIB: ReplicatedDocument {
    /// The CIB.
    public var cib: CIBDocument

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
        let (request, user) = try CIBUpdateBody.decode(body)
        if request.isReadOnly { throw .invalidRequest("a query is not an update") }
        let before = cib.xml.copy()
        let result = try cib.apply(request, user: user)
        guard result.isChanged, let patch = CIBPatch.create(from: before, to: cib.xml) else { return nil }
        return patch.root.serialized()
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
