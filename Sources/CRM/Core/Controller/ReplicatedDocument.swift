/// The document a CIB replica holds, as the replication protocol sees it: versioned, edited by requests on
/// the DC and by patches on the other replicas, and copied whole as a snapshot.
///
/// The controller uses the XML CIB (`XMLReplicatedCIB`); simulation tests use a small document with the
/// same versioning rules, so thousands of seeds run fast. Encodings are strings because they travel in
/// `ControllerMessage`s.
public protocol ReplicatedDocument {
    /// The version triple; every change moves it forward.
    var version: CIBVersion { get }
    /// The whole document, encoded.
    func snapshot() -> String
    /// Rebuilds a document from `snapshot()`.
    init(snapshot: String) throws(CIBError)
    /// Applies a request (on the DC); returns the patch that turns the old document into the new one, or nil
    /// when the request changed nothing. On error the document is unchanged.
    mutating func apply(update body: String) throws(CIBError) -> String?
    /// Applies a patch made by `apply(update:)` on another replica; its source version must be ours.
    /// On error the document is unchanged.
    mutating func apply(patch: String) throws(CIBError)
}
