import XML

/// The cluster properties Pacemaker's DC records in `crm_config`'s `cib-bootstrap-options` set once it is
/// elected: `have-watchdog`, `dc-version`, `cluster-infrastructure` and `cluster-name`. `crm_mon` shows the
/// stack and the DC's version from them.
public struct ClusterProperties: Sendable, Equatable {
    /// This implementation's version as the DC records it in `dc-version` (Pacemaker writes
    /// `<version>-<build>`, e.g. `2.1.5-a3f44794f94`). The one place the version is kept.
    public static let softwareVersion = "0.1.0-linux-ha-swift"
    /// The id of the set Pacemaker writes them in.
    public static let setID = "cib-bootstrap-options"
    /// The stack we run on: Heartbeat-style messaging and membership (a value Pacemaker knows).
    public static let infrastructure = "heartbeat"

    /// The properties, in the order Pacemaker's DC writes them.
    public var values: [Property]

    /// One property.
    public struct Property: Sendable, Equatable {
        /// The property name (`dc-version`).
        public var name: String
        /// Its value.
        public var value: String
    }

    /// The properties of a DC running this version in the cluster named `clusterName` (ha.cf's `cluster`).
    public init(clusterName: String?, hasWatchdog: Bool = false, version: String = Self.softwareVersion) {
        values = [
            Property(name: "have-watchdog", value: hasWatchdog ? "true" : "false"),
            Property(name: "dc-version", value: version),
            Property(name: "cluster-infrastructure", value: Self.infrastructure),
        ]
        if let clusterName { values.append(Property(name: "cluster-name", value: clusterName)) }
    }

    /// The update that records the properties whose value in `cib` differs, nil when all are current (no
    /// write, so an election does not change the CIB). An existing nvpair of the same name in the set keeps
    /// its id; a new one gets Pacemaker's `cib-bootstrap-options-<name>`.
    public func update(for cib: XMLDocument) throws(CIBError) -> String? {
        let set = (try? cib.select(
            "/cib/configuration/crm_config/cluster_property_set[@id='\(Self.setID)']"))?.first
        let existing = set?.children.filter { $0.name == "nvpair" } ?? []
        var pairs: [String] = []
        for property in values {
            let current = existing.first { $0[attribute: "name"] == property.name }
            if current?[attribute: "value"] == property.value { continue }
            let id = current?[attribute: "id"] ?? "\(Self.setID)-\(property.name)"
            pairs.append(
                "<nvpair id=\"\(xmlEscaped(id))\" name=\"\(xmlEscaped(property.name))\" "
                    + "value=\"\(xmlEscaped(property.value))\"/>")
        }
        guard !pairs.isEmpty else { return nil }
        let text = "<crm_config><cluster_property_set id=\"\(Self.setID)\">" + pairs.joined()
            + "</cluster_property_set></crm_config>"
        let element: XMLElement
        do {
            element = try XMLDocument.parse(text, source: "<cluster properties>").root
        } catch {
            throw .invalidXML(error)
        }
        return try CIBUpdateBody.encode(.modify(.scope(.crmConfig), element, allowCreate: true))
    }
}
