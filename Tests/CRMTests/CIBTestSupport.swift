import CRM
import XML

/// Small helpers for CIB unit tests.
enum CIBFixtures {
    /// A compact two-node CIB with one primitive, one constraint and a status section.
    static let small = """
        <cib epoch="5" num_updates="3" admin_epoch="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">\
        <configuration><crm_config><cluster_property_set id="opts">\
        <nvpair id="opts-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>\
        <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>\
        <resources><primitive id="d1" class="ocf" provider="heartbeat" type="Dummy">\
        <meta_attributes id="d1-meta"><nvpair id="d1-tr" name="target-role" value="Started"/></meta_attributes>\
        <operations><op id="d1-mon" name="monitor" interval="10s"/></operations></primitive></resources>\
        <constraints><rsc_location id="loc1" rsc="d1" node="node1" score="100"/></constraints>\
        </configuration><status><node_state id="1" uname="node1" in_ccm="true"/></status></cib>
        """

    static func document(_ text: String = small) throws -> CIBDocument {
        try CIBDocument(XMLDocument.parse(text, source: "test"))
    }

    static func element(_ text: String) throws -> XMLElement {
        try XMLDocument.parse(text, source: "input").root
    }

    static func corpus(_ name: String) throws -> CIBDocument {
        try CIBDocument.parse(
            try XMLDocumentLoader.bytes(of: "/work/shared/conformance/scheduler/xml/\(name).xml"), source: name)
    }
}

/// Reads files for tests through the CIB store's reader.
enum XMLDocumentLoader {
    static func bytes(of path: String) throws -> [UInt8] { try CIBFileIO.read(path) }
}
