import CRM
import Foundation
import Membership
import Messaging
import Testing
import XML

/// The crmd's adapter pieces: the socket's wire format, the view tracker, the replica store, fence devices.
@Suite("crmd adapter pieces")
struct ControllerDaemonPartsTests {
    @Test func socketMessagesRoundTripAndBadBytesAreErrors() throws {
        let requests: [CRMDRequest] = [
            .query(.whole, user: nil), .query(.scope(.resources), user: "alice"),
            .query(.xpath("//primitive[@id='a']"), user: nil), .update(body: "<cib_update operation=\"bump\"/>"), .ping,
        ]
        for request in requests {
            var framed = CRMDWire.frame(CRMDWire.encode(request))
            let body = try #require(try CRMDWire.nextBody(from: &framed))
            #expect(try CRMDWire.decodeRequest(body) == request)
        }
        let version = CIBVersion(adminEpoch: 1, epoch: 2, numUpdates: 3)
        let responses: [CRMDResponse] = [
            .elements(["<a/>", "<b x=\"1\"/>"]), .outcome(.committed(version)), .outcome(.noQuorum),
            .outcome(.rejected(exitCode: 105, message: "no such")), .pong(node: "n1", dc: nil, isQuorate: true, view: 7),
            .failure(exitCode: 76, message: "bad"),
        ]
        for response in responses { #expect(try CRMDWire.decodeResponse(CRMDWire.encode(response)) == response) }
        // A partial frame waits for more bytes; garbage and trailing bytes are errors, never traps.
        var partial = CRMDWire.frame(CRMDWire.encode(CRMDRequest.ping))
        partial = partial.getSlice(at: 0, length: partial.readableBytes - 1)!
        #expect(try CRMDWire.nextBody(from: &partial) == nil)
        var body = CRMDWire.encode(CRMDRequest.ping)
        body.writeInteger(UInt8(9))
        #expect(throws: ControllerWireError.self) { try CRMDWire.decodeRequest(body) }
        var wrongVersion = CRMDWire.encode(CRMDRequest.ping)
        wrongVersion.setInteger(UInt8(9), at: wrongVersion.readerIndex)
        #expect(throws: ControllerWireError.unsupportedVersion(9)) { try CRMDWire.decodeRequest(wrongVersion) }
        for length in 0..<8 {
            let bytes = CRMDWire.encode(CRMDResponse.pong(node: "node", dc: "dc", isQuorate: false, view: 1))
            #expect(throws: ControllerWireError.self) { try CRMDWire.decodeResponse(bytes.getSlice(at: 0, length: length)!) }
        }
    }

    func membership(_ epoch: UInt64, _ nodes: [UInt32], quorate: Bool) -> MembershipView {
        let state = QuorumState(expectedVotes: 3, isWaitingForAll: false)
        return MembershipView(
            id: ViewID(epoch: epoch, coordinator: NodeID(nodes[0])),
            members: nodes.map { MemberInfo(member: Member(node: NodeID($0), incarnation: Incarnation(1)), name: "n\($0)") },
            quorum: QuorumStatus(isQuorate: quorate, totalVotes: nodes.count, quorum: 2, state: state, isTieBroken: false))
    }

    func change(_ nodes: [UInt32], group: String = "crmd", at position: GroupPosition?) -> ClientEvent {
        let members = nodes.map {
            GroupMember(member: Member(node: NodeID($0), incarnation: Incarnation(1)), pid: 100 + $0, connection: 1)
        }
        return .groupChanged(GroupChange(group: group, members: members, joined: [], left: [], agreedAt: position))
    }

    @Test func trackerInstallsViewsOnlyAtAgreedChangesOfItsGroup() throws {
        var tracker = ControllerViewTracker(durabilityQuorum: ControllerViewTracker.majority(of: 3))
        #expect(tracker.durabilityQuorum == 2)
        let first = membership(4, [1, 2, 3], quorate: true)
        #expect(tracker.handle(.view(first)) == nil, "a membership view alone installs nothing")
        #expect(tracker.handle(change([1, 2], at: nil)) == nil, "not agreed yet")
        #expect(tracker.handle(change([1, 2], group: "other", at: GroupPosition(view: first.id, index: 3))) == nil)
        let installedView = tracker.handle(change([1, 2, 2], at: GroupPosition(view: first.id, index: 3)))
        let installed = try #require(installedView)
        #expect(installed.members == [NodeID(1), NodeID(2)] && installed.isQuorate && installed.durabilityQuorum == 2)
        #expect(installed.id == ViewID((4 << 32) | 3))
        let laterView = tracker.handle(change([1, 2, 3], at: GroupPosition(view: first.id, index: 5)))
        let later = try #require(laterView)
        #expect(later.id > installed.id)
        let stale = GroupPosition(view: ViewID(epoch: 3, coordinator: NodeID(1)), index: 9)
        #expect(tracker.handle(change([1], at: stale)) == nil, "a position of another view is ignored")
        let minority = membership(5, [1], quorate: false)
        _ = tracker.handle(.view(minority))
        let aloneView = tracker.handle(change([1], at: GroupPosition(view: minority.id, index: 1)))
        let alone = try #require(aloneView)
        #expect(alone.id > later.id && !alone.isQuorate)
    }

    func withDirectory(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    @Test func replicaStoreKeepsStatusVersionAndLineage() throws {
        try withDirectory { path in
            let store = CIBReplicaStore(stateDirectory: path)
            let fresh = try store.load()
            #expect(fresh.lineage == .initial && fresh.cib.version == CIBVersion(adminEpoch: 0, epoch: 1, numUpdates: 0))
            let cib = try CIBFixtures.document()
            let lineage = CIBLineage(term: ViewID((7 << 32) | 4), version: cib.version)
            try store.save(snapshot: cib.xml.serialized(), lineage: lineage, previous: nil)
            let loaded = try store.load()
            #expect(loaded.lineage == lineage)
            #expect(loaded.cib.version == cib.version, "num_updates kept")
            #expect(loaded.cib.section(.status) != nil, "status kept")
            // The crmd's path: the snapshot text written as it is, with the version it knows; it loads back.
            var newer = cib
            _ = try newer.apply(.bump)
            try store.save(snapshot: newer.xml.serialized(), lineage: lineage, previous: cib.version, version: newer.version)
            #expect(try store.load().cib.version == newer.version)
            try "term=x\n".write(toFile: store.lineagePath, atomically: true, encoding: .utf8)
            #expect(throws: CIBStoreError.self) { try store.load() }
            unlink(store.directory.cibPath)
            #expect(throws: CIBStoreError.self) { try store.load() }
        }
        #expect(CIBReplicaStore.parseLineage(CIBReplicaStore.format(.initial)) == .initial)
        #expect(CIBReplicaStore.parseLineage("term=1 epoch=2") == nil)
    }

    @Test func sendWindowKeepsUnitsInFlightUnderTheBudget() {
        var window = SendWindow<Int>(budgetUnits: 4, unitBytes: 100)
        #expect(window.submit(1, bytes: 150) == [1], "2 units")
        #expect(window.submit(2, bytes: 200) == [2], "4 units: at the budget")
        #expect(window.submit(3, bytes: 10) == [], "waits")
        #expect(window.submit(4, bytes: 10) == [], "and keeps order")
        #expect(window.deliveredOwn() == [3, 4], "message 1 back: its 2 units go to 3 and 4")
        #expect(window.inFlightUnits == 4 && window.waiting.isEmpty)
        for _ in 0..<3 { #expect(window.deliveredOwn() == []) }
        #expect(window.inFlightUnits == 0)
        #expect(window.submit(5, bytes: 1000) == [5], "a message over the budget goes alone when nothing is in flight")
        #expect(window.submit(6, bytes: 1) == [])
        #expect(window.reset() == [6], "after a refusal nothing more comes back for what was in flight")
    }

    @Test func transientAttributesLiveUnderTheNodesStatus() throws {
        var cib = try CIBFixtures.document()
        let locator = CIBAttributeLocator(owner: .nodeStatus(id: "1"), setElement: "instance_attributes", name: "rack")
        #expect(locator.scope == .status && locator.matches(in: cib.xml).isEmpty)
        let create = try locator.updateRequest(value: "7", in: cib.xml)
        _ = try cib.apply(create)
        let pair = try #require(locator.matches(in: cib.xml).first)
        #expect(pair[attribute: "id"] == "status-1-rack" && pair[attribute: "value"] == "7")
        #expect(pair.path.hasPrefix("/cib/status/node_state"))
        _ = try cib.apply(try locator.updateRequest(value: "8", in: cib.xml))
        #expect(locator.matches(in: cib.xml).map { $0[attribute: "value"] } == ["8"])
        _ = try cib.apply(locator.deleteRequest(try #require(locator.matches(in: cib.xml).first)))
        #expect(locator.matches(in: cib.xml).isEmpty)
    }

    @Test func statusUpdatesArePatchedFromTheirNodeStateAloneWithTheSameResult() throws {
        let record = """
            <node_state id="1" uname="node1"><lrm id="1"><lrm_resources><lrm_resource id="d1" class="ocf" \
            provider="heartbeat" type="Dummy"><lrm_rsc_op id="d1_last_0" operation="start" call-id="4" rc-code="0"/>\
            </lrm_resource></lrm_resources></lrm></node_state>
            """
        let bodies = [
            try StatusUpdates.nodeState(
                nodeID: "1", name: "node1", inMembership: true, controllerOnline: true, join: "member", expected: "member"),
            try StatusUpdates.nodeState(
                nodeID: "3", name: "node3", inMembership: true, controllerOnline: true, join: "member", expected: "member"),
            try StatusUpdates.mergeNodeState(record),
            try StatusUpdates.mergeNodeState(record.replacingOccurrences(of: "rc-code=\"0\"", with: "rc-code=\"1\"")),
            try StatusUpdates.mergeNodeState(
                record.replacingOccurrences(of: "d1_last_0\" operation=\"start\"", with: "d1_monitor_10000\" operation=\"monitor\"")),
            try StatusUpdates.mergeNodeState(
                record.replacingOccurrences(of: "lrm_resource id=\"d1\"", with: "lrm_resource id=\"d2\"")),
            try StatusUpdates.setTransientAttribute(nodeID: "1", name: "shutdown", value: "17"),
            try StatusUpdates.setTransientAttribute(nodeID: "1", name: "shutdown", value: nil),
            try CIBUpdateBody.encode(.delete(.xpath("/cib/status/node_state[@id='1']/lrm"), nil, allMatches: true)),
            try CIBUpdateBody.encode(.delete(.xpath("/cib/status/node_state[@id='3']"), nil, allMatches: false)),
            try StatusUpdates.quorumAndDC(isQuorate: true, dcID: "1"),
        ]
        var replica = XMLReplicatedCIB(try CIBFixtures.document())
        for body in bodies {
            let before = replica.cib.xml.copy()
            let patch = try replica.apply(update: body)
            var whole = try CIBDocument(before)
            let (request, _) = try CIBUpdateBody.decode(body)
            _ = try whole.apply(request)
            let expected = CIBPatch.create(from: before, to: whole.xml)?.root.serialized()
            #expect(patch == expected, "\(body)")
            #expect(patch != nil)
        }
        #expect(XMLReplicatedCIB.region(of: .delete(.xpath("/cib/status/node_state[@id='1']/lrm | /cib/configuration"), nil, allMatches: true)) == nil)
        #expect(XMLReplicatedCIB.region(of: .delete(.xpath("/cib/status/node_state[@id='1']/../node_state"), nil, allMatches: true)) == nil)
        #expect(XMLReplicatedCIB.region(of: .delete(.xpath("/cib/status/node_state[@id='1'][@uname='x']"), nil, allMatches: true)) == nil)
        #expect(XMLReplicatedCIB.region(of: .delete(.xpath("/cib/status/node_state[@id='1']//nvpair"), nil, allMatches: true))
            == ["/cib/status/node_state[@id='1']"])
        let merge = try XMLDocument.parse(record, source: "test")
        #expect(XMLReplicatedCIB.region(of: .modify(.scope(.status), merge.root, allowCreate: true))?.last
            == "/cib/status/node_state[@id='1']/lrm[@id='1']/lrm_resources/lrm_resource[@id='d1']/lrm_rsc_op[@id='d1_last_0']")
    }

    @Test func fenceDevicesComeFromStonithPrimitives() throws {
        let cib = try XMLDocument.parse(
            """
            <cib><configuration><resources>\
            <primitive id="f1" class="stonith" type="fence_ha_test"><instance_attributes id="i">\
            <nvpair id="a" name="pcmk_host_list" value="node1 node2"/><nvpair id="b" name="record_file" value="/r"/>\
            </instance_attributes></primitive>\
            <primitive id="f2" class="stonith" type="fence_x"><meta_attributes id="m">\
            <nvpair id="c" name="target-role" value="Stopped"/></meta_attributes></primitive>\
            <group id="g"><primitive id="f3" class="stonith" type="fence_y"/></group>\
            <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/>\
            </resources></configuration></cib>
            """, source: "test")
        let devices = FenceDevice.configured(in: cib)
        #expect(devices.map(\.id) == ["f1", "f3"])
        #expect(devices[0].parameters["record_file"] == "/r")
        #expect(devices[0].canFence("node2") && !devices[0].canFence("node3"))
        #expect(devices[1].canFence("anything"))
    }
}
