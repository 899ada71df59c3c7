import XML

/// The CIB: one `<cib>` XML document with Pacemaker's query and edit operations, versioning, ACLs
/// and schema validation.
///
/// Every edit runs on a copy: the copy is edited, its version counters are moved as Pacemaker moves
/// them, then ACLs and the validator are checked; only when all pass does the copy become the CIB.
/// A failed request therefore never changes anything. The document is a reference type inside: do
/// not edit `xml` directly, go through `apply`.
public struct CIBDocument {
    /// The current document; treat as read-only.
    public private(set) var xml: XMLDocument
    /// Run after every edit; the edit is refused with `CIBError.schemaViolation` when it reports issues.
    public var validator: (any CIBValidator)?

    /// Wraps a parsed document, which must have a `<cib>` root.
    public init(_ xml: XMLDocument, validator: (any CIBValidator)? = nil) throws(CIBError) {
        guard xml.root.name == "cib" else {
            throw .invalidRequest("\(xml.source): the root element is <\(xml.root.name)>, not <cib>")
        }
        self.xml = xml
        self.validator = validator
    }

    /// Parses a CIB from bytes; over `maximumBytes` it is refused.
    public static func parse(
        _ bytes: some Collection<UInt8>, source: String, maximumBytes: Int = CIBDocument.maximumBytes
    ) throws(CIBError) -> CIBDocument {
        do {
            return try CIBDocument(XMLDocument.parse(bytes, source: source, maximumBytes: maximumBytes))
        } catch let error as XMLError {
            throw .invalidXML(error)
        } catch let error as CIBError {
            throw error
        } catch {
            throw .invalidRequest("\(error)")
        }
    }

    /// The largest CIB (and largest XML input) we accept: 512 MiB. gen-cib's 32-node, 10,000-resource
    /// CIB with a full status section is 261 MB; anything past 512 MiB is refused before parsing.
    public static let maximumBytes = 512 << 20

    /// An empty CIB, as `cibadmin --empty` prints it.
    public static func empty(validateWith schema: String = "pacemaker-3.9", adminEpoch: Int = 0) -> CIBDocument {
        let text = """
            <cib crm_feature_set="\(featureSet)" validate-with="\(xmlEscaped(schema))" epoch="1" \
            num_updates="0" admin_epoch="\(adminEpoch)"><configuration><crm_config/><nodes/><resources/>\
            <constraints/></configuration><status/></cib>
            """
        // The template is a constant we control; a failure here is a programmer error.
        guard let document = try? XMLDocument.parse(text, source: "<empty>") else {
            preconditionFailure("empty CIB template does not parse: \(text)")
        }
        return try! CIBDocument(document)
    }

    /// The CRM feature set we implement (Pacemaker 2.1.5's).
    public static let featureSet = "3.16.1"

    /// The current version.
    public var version: CIBVersion { CIBVersion(of: xml.root) }

    /// The root `<cib>` element.
    public var root: XMLElement { xml.root }

    /// The element of a section, nil when the CIB lacks it.
    public func section(_ scope: CIBScope) -> XMLElement? {
        var element: XMLElement? = xml.root
        for name in scope.path { element = element?.firstChild(named: name) }
        return element
    }

    /// Whether ACLs are enabled (`enable-acl=true` in crm_config).
    public var isACLEnabled: Bool {
        guard let config = section(.crmConfig) else { return false }
        var enabled = false
        config.forEachDescendant { element in
            if element.name == "nvpair", element[attribute: "name"] == "enable-acl",
                CIBBoolean.isTrue(element[attribute: "value"])
            {
                enabled = true
            }
        }
        return enabled
    }

    /// Applies an edit for `user`, a member of Unix `groups` (nil, `root` or `hacluster` bypass ACLs).
    ///
    /// - Returns: the versions before and after and what changed.
    /// - Throws: `CIBError`; the CIB is then unchanged.
    @discardableResult
    public mutating func apply(_ request: CIBRequest, user: String? = nil, groups: [String] = []) throws(CIBError)
        -> CIBUpdateResult
    {
        let before = version
        let candidate = xml.copy()
        var tracker = CIBChangeTracker()
        try CIBEditor(document: candidate).perform(request, tracker: &tracker)
        if !tracker.isChanged {
            return CIBUpdateResult(before: before, after: before, isChanged: false, isConfigurationChanged: false)
        }
        // ACLs judge the request's own changes, before the counters move (as Pacemaker does).
        if let user, CIBAccessControl.isSubject(user), isACLEnabled {
            try CIBAccessControl(document: xml, user: user, groups: groups).checkWrite(old: xml, new: candidate)
        }
        if tracker.managesCounters {
            var next = CIBVersion(of: candidate.root)
            if tracker.isConfigurationChanged {
                next.epoch += 1
                next.numUpdates = 0
            } else {
                next.numUpdates += 1
            }
            next.write(to: candidate.root)
        }
        if let validator {
            let issues = validator.validate(candidate)
            if !issues.isEmpty { throw .schemaViolation(issues) }
        }
        xml = candidate
        return CIBUpdateResult(
            before: before, after: version, isChanged: true, isConfigurationChanged: tracker.isConfigurationChanged)
    }
}

/// Pacemaker's notion of a true boolean option value.
enum CIBBoolean {
    static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return ["true", "on", "yes", "y", "1"].contains(value)
    }
}

/// What an edit changed, recorded as the editor goes.
struct CIBChangeTracker {
    var isChanged = false
    var isConfigurationChanged = false
    /// False for requests that set the counters themselves (a patch carries its target version).
    var managesCounters = true

    mutating func record(_ element: XMLElement) {
        isChanged = true
        if CIBChangeTracker.isInConfiguration(element) { isConfigurationChanged = true }
    }

    mutating func recordOther() { isChanged = true }

    /// Whether `element` is `/cib/configuration` or inside it.
    static func isInConfiguration(_ element: XMLElement) -> Bool {
        var current = element
        while let parent = current.parent {
            if parent.parent == nil { return current.name == "configuration" }
            current = parent
        }
        return false
    }
}
