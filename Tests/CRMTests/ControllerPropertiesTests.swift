import CRM
import Membership
import Messaging
import Testing
import XML

@Suite("What the DC records for crm_mon: cluster properties and the last write")
struct ControllerPropertiesTests {
    let properties = ClusterProperties(clusterName: "demo")
    let time = "Wed Nov 25 03:41:18 2026"

    func property(_ solo: SoloController, _ name: String) -> [String] {
        solo.values("/cib/configuration/crm_config/cluster_property_set[@id='cib-bootstrap-options']/nvpair[@name='\(name)']")
    }

    func root(_ solo: SoloController) -> XMLElement { solo.controller.replication.document.cib.xml.root }

    func reelect(_ solo: inout SoloController, view: UInt64) {
        solo.feed(.viewInstalled(ControllerView(id: ViewID(view << 32 | 1), members: [NodeID(1)], isQuorate: true, durabilityQuorum: 1)))
    }

    @Test func theElectedDCWritesPacemakersBootstrapOptionsWithTheirIDs() throws {
        let solo = try SoloController(properties: properties)
        #expect(property(solo, "have-watchdog") == ["false"])
        #expect(property(solo, "dc-version") == [ClusterProperties.softwareVersion])
        #expect(property(solo, "cluster-infrastructure") == ["heartbeat"])
        #expect(property(solo, "cluster-name") == ["demo"])
        let ids = try solo.controller.replication.document.cib.xml.select("//cluster_property_set/nvpair").compactMap { $0[attribute: "id"] }
        #expect(ids == [
            "cib-bootstrap-options-have-watchdog", "cib-bootstrap-options-dc-version",
            "cib-bootstrap-options-cluster-infrastructure", "cib-bootstrap-options-cluster-name",
        ])
    }

    @Test func anotherElectionWithTheSameValuesDoesNotChangeTheConfiguration() throws {
        var solo = try SoloController(properties: properties)
        let epoch = solo.controller.replication.document.version.epoch
        reelect(&solo, view: 2)
        reelect(&solo, view: 3)
        #expect(solo.controller.replication.document.version.epoch == epoch)
    }

    @Test func aStaleValueIsRewrittenAtOnceInItsOwnNvpair() throws {
        var solo = try SoloController(properties: properties)
        let stale = "<cib_update operation=\"modify\" scope=\"crm_config\"><crm_config>"
            + "<cluster_property_set id=\"cib-bootstrap-options\"><nvpair id=\"cib-bootstrap-options-dc-version\" "
            + "name=\"dc-version\" value=\"1.0-old\"/></cluster_property_set></crm_config></cib_update>"
        solo.carryOut(solo.controller.submitToolUpdate(stale).1)
        // The DC puts its own value back as soon as the tool's change is applied, in the same nvpair.
        #expect(property(solo, "dc-version") == [ClusterProperties.softwareVersion])
        #expect(try solo.controller.replication.document.cib.xml.select("//nvpair[@name='dc-version']").count == 1)
    }

    @Test func aReplacedConfigurationGetsThePropertiesBack() throws {
        var solo = try SoloController(properties: properties)
        let replace = try CIBUpdateBody.encode(
            .replace(.scope(.crmConfig), try XMLDocument.parse("<crm_config/>", source: "<test>").root), user: "root")
        solo.carryOut(solo.controller.submitToolUpdate(replace).1)
        #expect(property(solo, "dc-version") == [ClusterProperties.softwareVersion])
        #expect(property(solo, "cluster-infrastructure") == ["heartbeat"])
        let epoch = solo.controller.replication.document.version.epoch
        let other = try CIBUpdateBody.encode(
            .modify(.scope(.crmConfig), try XMLDocument.parse(
                "<crm_config><cluster_property_set id=\"o\"><nvpair id=\"o-x\" name=\"x\" value=\"1\"/></cluster_property_set></crm_config>",
                source: "<test>").root, allowCreate: true),
            user: "root")
        solo.carryOut(solo.controller.submitToolUpdate(other).1)
        #expect(solo.controller.replication.document.version.epoch == epoch + 1, "no property write when nothing is missing")
    }

    @Test func withoutPropertiesConfiguredNothingIsWritten() throws {
        let solo = try SoloController()
        #expect(property(solo, "dc-version").isEmpty)
    }

    @Test func aToolsChangeRecordsTheInputTimeClientUserAndOrigin() throws {
        var solo = try SoloController(wallTime: time)
        let body = try CIBUpdateBody.encode(
            .modify(.scope(.crmConfig), try XMLDocument.parse(
                "<crm_config><cluster_property_set id=\"o\"><nvpair id=\"o-x\" name=\"x\" value=\"1\"/></cluster_property_set></crm_config>",
                source: "<test>").root, allowCreate: true),
            user: "root", client: "cibadmin")
        solo.carryOut(solo.controller.submitToolUpdate(body).1)
        let cib = root(solo)
        #expect(cib[attribute: "cib-last-written"] == time)
        #expect(cib[attribute: "update-origin"] == "node1")
        #expect(cib[attribute: "update-client"] == "cibadmin")
        #expect(cib[attribute: "update-user"] == "root")
    }

    @Test func theControllersOwnChangesSayCrmdAndNameNoUser() throws {
        var solo = try SoloController(wallTime: time)
        solo.carryOut(solo.controller.submitToolUpdate(
            try StatusUpdates.setTransientAttribute(nodeID: "1", name: "a", value: "1")).1)
        solo.wallTime = "Thu Nov 26 00:00:01 2026"
        solo.carryOut(solo.controller.requestShutdown(epochSeconds: 1, at: solo.now))
        let cib = root(solo)
        #expect(cib[attribute: "cib-last-written"] == "Thu Nov 26 00:00:01 2026")
        #expect(cib[attribute: "update-client"] == "crmd")
        #expect(cib[attribute: "update-origin"] == "node1")
        #expect(cib[attribute: "update-user"] == nil)
    }

    @Test func theStampsTravelInThePatchSoReplicasStayByteEqual() throws {
        var dc = XMLReplicatedCIB(CIBDocument.empty())
        var replica = try XMLReplicatedCIB(snapshot: dc.snapshot())
        dc.lastWritten = time
        let body = CIBUpdateBody.stamped(
            try StatusUpdates.setTransientAttribute(nodeID: "1", name: "a", value: "1"), origin: "node2")
        let patch = try #require(try dc.apply(update: body))
        try replica.apply(patch: patch)
        #expect(replica.snapshot() == dc.snapshot())
        #expect(replica.cib.xml.root[attribute: "update-origin"] == "node2")
        #expect(replica.cib.xml.root[attribute: "cib-last-written"] == time)
    }
}
