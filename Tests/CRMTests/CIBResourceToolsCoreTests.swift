import CRM
import Testing
import XML

@Suite struct CIBResourceToolsCoreTests {
    @Test func durationsAndTimestampsFollowISO8601() throws {
        #expect(ISO8601.duration("PT1H") == ISO8601.Duration(years: 0, months: 0, seconds: 3600))
        #expect(ISO8601.duration("P1Y2M3DT4H5M6S") == ISO8601.Duration(years: 1, months: 2, seconds: 3 * 86_400 + 4 * 3600 + 5 * 60 + 6))
        #expect(ISO8601.duration("garbage") == nil)
        #expect(ISO8601.duration("P") == nil)
        #expect(ISO8601.duration("PT5") == nil)
        #expect(ISO8601.timestamp(0) == "1970-01-01 00:00:00Z")
        #expect(ISO8601.timestamp(1_795_564_603) == "2026-11-24 23:56:43Z")
        // One month after January 31st is the last day of February.
        let january31 = 1_769_817_600  // 2026-01-31 00:00:00Z
        #expect(ISO8601.timestamp(ISO8601.adding(try #require(ISO8601.duration("P1M")), to: january31)) == "2026-02-28 00:00:00Z")
    }

    @Test func cliConstraintsAreShapedAndFoundAsPacemakers() throws {
        let ban = try CLILocationConstraints.constraint(resource: "d1", node: "node2", isBan: true, isPromotedOnly: false, until: nil)
        #expect(ban.serialized() == #"<rsc_location id="cli-ban-d1-on-node2" rsc="d1" role="Started" node="node2" score="-INFINITY"/>"#)
        let prefer = try CLILocationConstraints.constraint(
            resource: "d1", node: "node1", isBan: false, isPromotedOnly: true, until: "2026-11-25 00:56:28Z")
        #expect(prefer.serialized().contains(#"<rule id="cli-prefer-rule-d1" score="INFINITY" boolean-op="and">"#))
        #expect(prefer.serialized().contains(#"<date_expression id="cli-prefer-lifetime-end-d1" operation="lt" end="2026-11-25 00:56:28Z"/>"#))
        let document = try XMLDocument.parse(
            cibText(constraints: ban.serialized() + prefer.serialized() + #"<rsc_location id="other" rsc="d1" node="n" score="1"/>"#))
        let all = CLILocationConstraints.constraintsToClear(resource: "d1", node: nil, isPromotedOnly: false, in: document)
        #expect(all.compactMap { $0[attribute: "id"] } == ["cli-ban-d1-on-node2", "cli-prefer-d1"])
        let forNode1 = CLILocationConstraints.constraintsToClear(resource: "d1", node: "node1", isPromotedOnly: false, in: document)
        #expect(forNode1.compactMap { $0[attribute: "id"] } == ["cli-prefer-d1"])
    }

    @Test func attributeLocatorUpdatesInPlaceOrCreatesTheDefaultSet() throws {
        let document = try XMLDocument.parse(cibText(resources: #"<primitive id="d1" class="lsb" type="a"/>"#))
        let locator = CIBAttributeLocator(owner: .clusterOptions, setElement: "cluster_property_set", name: "maintenance-mode")
        var cib = try CIBDocument(document)
        cib.validator = CIBSchema()
        try cib.apply(try locator.updateRequest(value: "true", in: cib.xml))
        #expect(locator.matches(in: cib.xml).map { $0[attribute: "id"] } == ["cib-bootstrap-options-maintenance-mode"])
        try cib.apply(try locator.updateRequest(value: "false", in: cib.xml))
        #expect(locator.matches(in: cib.xml).map { $0[attribute: "value"] } == ["false"])
        #expect(cib.version.epoch == 3)
        let node = CIBAttributeLocator(owner: .node(id: "1"), setElement: "utilization", name: "cpu")
        try cib.apply(try node.updateRequest(value: "4", in: cib.xml))
        #expect(node.matches(in: cib.xml).first?.parent?[attribute: "id"] == "nodes-1-utilization")
        let missing = CIBAttributeLocator(owner: .resource(id: "nosuch"), setElement: "meta_attributes", name: "x")
        #expect(throws: CIBError.self) { _ = try missing.updateRequest(value: "1", in: cib.xml) }
    }

    @Test func listingShowsStoppedResourcesAndCloneInstances() throws {
        let resources = """
            <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
            <clone id="c"><meta_attributes id="c-m"><nvpair id="c-m-u" name="globally-unique" value="true"/></meta_attributes>
            <primitive id="u" class="lsb" type="x"/></clone>
            """
        let listing = ResourceListing(try XMLDocument.parse(cibText(resources: resources)))
        #expect(listing.textLines() == [
            "  * d1\t(ocf:pacemaker:Dummy):\t Stopped", "  * Clone Set: c [u] (unique):", "    * u:0\t(lsb:x):\t Stopped",
        ])
        #expect(listing.rawIDs() == ["d1", "u:0"])
    }
}
