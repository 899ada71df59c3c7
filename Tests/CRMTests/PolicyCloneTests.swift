import Testing
import XML

@testable import CRM

/// Clone placement and actions on small hand-written CIBs (the corpus covers Pacemaker's own cases).
@Suite struct PolicyCloneTests {
    /// A CIB with fencing off, nodes a, b, c online (unless listed in `offline`), the given resources,
    /// constraints and per-node `lrm_resources` / transient attributes.
    static func cib(
        resources: String, constraints: String = "", history: [String: String] = [:], attributes: [String: String] = [:],
        nodes: [String] = ["a", "b", "c"], properties: String = ""
    ) -> String {
        let nodeList = nodes.enumerated().map { "<node id=\"\($0.offset + 1)\" uname=\"\($0.element)\"/>" }.joined()
        let states = nodes.enumerated().map { entry in
            let name = entry.element
            let transient = attributes[name].map {
                "<transient_attributes id=\"t\(name)\"><instance_attributes id=\"ta\(name)\">\($0)</instance_attributes></transient_attributes>"
            } ?? ""
            return """
                <node_state id="\(entry.offset + 1)" uname="\(name)" in_ccm="true" crmd="online" join="member" \
                expected="member">\(transient)<lrm id="l\(name)"><lrm_resources>\(history[name] ?? "")</lrm_resources></lrm>\
                </node_state>
                """
        }.joined()
        return """
            <cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="n" \
            name="stonith-enabled" value="false"/>\(properties)</cluster_property_set></crm_config><nodes>\(nodeList)</nodes>\
            <resources>\(resources)</resources><constraints>\(constraints)</constraints></configuration>\
            <status>\(states)</status></cib>
            """
    }

    /// An `lrm_resource` with one successful operation (start: running; monitor rc 7: known stopped).
    static func history(_ id: String, _ operation: String = "start", rc: Int = 0, call: Int = 2) -> String {
        """
        <lrm_resource id="\(id)" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="\(id)_\(operation)_0" \
        operation="\(operation)" operation_key="\(id)_\(operation)_0" call-id="\(call)" rc-code="\(rc)" op-status="0" \
        interval="0" transition-magic="0:\(rc);1:1:0:x"/></lrm_resource>
        """
    }

    static let dummyClone = """
        <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="interleave" value="true"/></meta_attributes>\
        <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
        """

    static func schedule(_ text: String) throws -> (graph: String, keys: Set<String>) {
        let result = try PolicyEngine.schedule(cib: XMLDocument.parse(text).root, now: 0)
        let keys = Set(result.graph.synapses.map { synapse in
            synapse.action.operationKey + (synapse.action.node.map { "@\($0)" } ?? "")
        })
        return (result.graph.xml(), keys)
    }

    @Test func anonymousCloneStartsOneInstancePerNode() throws {
        let (graph, keys) = try Self.schedule(Self.cib(resources: Self.dummyClone))
        #expect(keys.isSuperset(of: ["d:0_start_0@a", "d:1_start_0@b", "d:2_start_0@c", "c_start_0", "c_running_0"]))
        // Anonymous instances keep the configured id for the agent, the instance name as long-id.
        #expect(graph.contains("<primitive id=\"d\" long-id=\"d:0\""))
        #expect(graph.contains("CRM_meta_clone_max=\"3\""))
        // One probe per node, before the clone starts.
        #expect(keys.isSuperset(of: ["d:0_monitor_0@a", "d:1_monitor_0@b", "d:2_monitor_0@c"]))
        #expect(!keys.contains("d:1_monitor_0@a"))
    }

    @Test func cloneMaxAndLocationsLimitInstances() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="2"/></meta_attributes>\
            <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
            """
        let ban = "<rsc_location id=\"l\" rsc=\"c\" node=\"a\" score=\"-INFINITY\"/>"
        let (_, keys) = try Self.schedule(Self.cib(resources: clone, constraints: ban))
        let starts = keys.filter { $0.contains("_start_0@") }
        #expect(starts == ["d:0_start_0@b", "d:1_start_0@c"])
    }

    @Test func anonymousHistoryMapsOntoInstancesAndStays() throws {
        let text = Self.cib(resources: Self.dummyClone, history: ["b": Self.history("d"), "a": Self.history("d", "monitor", rc: 7)])
        let (graph, keys) = try Self.schedule(text)
        // The instance running on b stays; the other nodes get the remaining instances.
        #expect(!keys.contains { $0.hasSuffix("_stop_0@b") })
        #expect(!keys.contains { $0.hasSuffix("_start_0@b") })
        #expect(keys.contains { $0.hasSuffix("_start_0@a") })
        #expect(keys.contains { $0.hasSuffix("_start_0@c") })
        // a's history (known stopped) needs no probe; c has none.
        #expect(!keys.contains { $0.hasSuffix("_monitor_0@a") })
        #expect(keys.contains { $0.hasSuffix("_monitor_0@c") })
        #expect(!graph.contains("d_start_0"))
    }

    @Test func historyUnderAnotherInstanceNameGivesAnInternalKey() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="target-role" value="Stopped"/></meta_attributes>\
            <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
            """
        let (graph, _) = try Self.schedule(Self.cib(resources: clone, history: ["a": Self.history("d:1")]))
        #expect(graph.contains("operation_key=\"d:1_stop_0\" internal_operation_key=\"d:0_stop_0\" on_node=\"a\""))
        #expect(graph.contains("operation_key=\"c_stopped_0\""))
    }

    @Test func migrationThresholdBansTheNodeForEveryInstance() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="migration-threshold" value="1"/>\
            </meta_attributes><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
            """
        let failure = "<nvpair id=\"f\" name=\"fail-count-d#monitor_10000\" value=\"1\"/>"
        let (_, keys) = try Self.schedule(Self.cib(resources: clone, attributes: ["a": failure]))
        #expect(!keys.contains { $0.hasSuffix("_start_0@a") })
        #expect(keys.filter { $0.contains("_start_0@") }.count == 2)
    }

    @Test func primitiveColocatedWithCloneAndOrderedAfterIt() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="1"/></meta_attributes>\
            <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>\
            <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>
            """
        let constraints = """
            <rsc_location id="l" rsc="c" node="c" score="100"/>\
            <rsc_colocation id="co" rsc="p" with-rsc="c" score="INFINITY"/><rsc_order id="or" first="c" then="p"/>
            """
        let result = try PolicyEngine.schedule(cib: XMLDocument.parse(Self.cib(resources: clone, constraints: constraints)).root, now: 0)
        let byKey = Dictionary(result.graph.synapses.map { ($0.action.operationKey, $0) }, uniquingKeysWith: { a, _ in a })
        let start = try #require(byKey["p_start_0"])
        #expect(start.action.node == "c")
        let running = try #require(byKey["c_running_0"])
        #expect(start.inputs.contains(running.action.id))
    }

    @Test func interleavedClonesOrderInstancesOnTheirOwnNode() throws {
        let second = """
            <clone id="c2"><meta_attributes id="c2m"><nvpair id="c2m1" name="interleave" value="true"/></meta_attributes>\
            <primitive id="e" class="ocf" provider="heartbeat" type="Dummy"/></clone>
            """
        let constraints = "<rsc_order id=\"o\" first=\"c\" then=\"c2\"/><rsc_colocation id=\"k\" rsc=\"c2\" with-rsc=\"c\" score=\"INFINITY\"/>"
        let result = try PolicyEngine.schedule(
            cib: XMLDocument.parse(Self.cib(resources: Self.dummyClone + second, constraints: constraints)).root, now: 0)
        let actions = result.graph.synapses
        func find(_ key: String) -> (action: TransitionGraph.Action, inputs: [Int])? { actions.first { $0.action.operationKey == key } }
        for node in ["a", "b", "c"] {
            let start = try #require(actions.first { $0.action.operationKey.hasPrefix("e:") && $0.action.operation == "start" && $0.action.node == node })
            let firsts = start.inputs.compactMap { id in actions.first { $0.action.id == id }?.action }
            // Each e instance waits for the d instance on its node, never for one elsewhere.
            #expect(firsts.contains { $0.operationKey.hasPrefix("d:") && $0.node == node })
            #expect(!firsts.contains { $0.operationKey.hasPrefix("d:") && $0.node != node })
        }
        #expect(find("c2_start_0") != nil)
    }

    @Test func clonedGroupNamesMembersPerInstance() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="2"/></meta_attributes>\
            <group id="g"><primitive id="x" class="ocf" provider="heartbeat" type="Dummy"/>\
            <primitive id="y" class="ocf" provider="heartbeat" type="Dummy"/></group></clone>
            """
        let (_, keys) = try Self.schedule(Self.cib(resources: clone, nodes: ["a", "b"]))
        #expect(keys.isSuperset(of: ["g:0_start_0", "g:1_running_0", "c_running_0"]))
        let starts = keys.filter { $0.contains("_start_0@") }
        #expect(starts == ["x:0_start_0@a", "y:0_start_0@a", "x:1_start_0@b", "y:1_start_0@b"])
    }

    @Test func uniqueClonesKeepInstanceIDs() throws {
        let clone = """
            <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="globally-unique" value="true"/>\
            <nvpair id="cm2" name="clone-max" value="2"/><nvpair id="cm3" name="clone-node-max" value="2"/>\
            </meta_attributes><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
            """
        let (graph, keys) = try Self.schedule(Self.cib(resources: clone, history: ["a": Self.history("d:1")], nodes: ["a", "b"]))
        #expect(graph.contains("<primitive id=\"d:0\" class=\"ocf\""))
        // d:1 stays where it runs; d:0 goes to the other node.
        #expect(!keys.contains("d:1_start_0@a") && !keys.contains("d:1_stop_0@a"))
        #expect(keys.contains("d:0_start_0@b"))
    }

    @Test func fencedNodeStopsItsInstanceImplicitly() throws {
        let history = Self.history("d")
        var text = Self.cib(resources: Self.dummyClone, history: ["a": history, "b": history, "c": history])
        text = text.replacingOccurrences(of: "value=\"false\"/>", with: "value=\"true\"/>")
        text = text.replacingOccurrences(
            of: "<node_state id=\"1\" uname=\"a\" in_ccm=\"true\" crmd=\"online\"",
            with: "<node_state id=\"1\" uname=\"a\" in_ccm=\"false\" crmd=\"offline\"")
        let result = try PolicyEngine.schedule(cib: XMLDocument.parse(text).root, now: 0)
        let stop = try #require(result.graph.synapses.first { $0.action.operation == "stop" && $0.action.operationKey.hasPrefix("d") })
        #expect(stop.action.element == "pseudo_event")
        #expect(result.graph.synapses.contains { $0.action.operation == "stonith" && $0.action.node == "a" })
    }

    @Test func unsupportedCloneOptionsAreRefused() throws {
        for (name, value) in [("promotable", "true"), ("notify", "true"), ("clone-min", "1")] {
            let clone = """
                <clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="\(name)" value="\(value)"/></meta_attributes>\
                <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>
                """
            do {
                _ = try PolicyEngine.schedule(cib: XMLDocument.parse(Self.cib(resources: clone)).root, now: 0)
                Issue.record("\(name)=\(value) must be refused")
            } catch let error as SchedulerError {
                #expect(error.description.contains("clone"))
                #expect(error.description.contains(name == "promotable" ? "promotable" : name))
            }
        }
    }

    @Test func requireAllFalseNeedsOneInstanceOfTheFirstClone() throws {
        func clones(firstBannedFrom banned: [String]) -> (String, String) {
            let resources = """
                <clone id="ca"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/></clone>\
                <clone id="cb"><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></clone>
                """
            let bans = banned.map { "<rsc_location id=\"ban-\($0)\" rsc=\"ca\" node=\"\($0)\" score=\"-INFINITY\"/>" }.joined()
            return (resources, bans + "<rsc_order id=\"o\" first=\"ca\" then=\"cb\" require-all=\"false\"/>")
        }
        let (resources, someAllowed) = clones(firstBannedFrom: ["a", "b"])
        let (_, started) = try Self.schedule(Self.cib(resources: resources, constraints: someAllowed))
        #expect(started.contains("clone-one-or-more:o"))
        #expect(started.filter { $0.hasPrefix("b:") && $0.contains("_start_0@") }.count == 3)
        let (_, noneAllowed) = clones(firstBannedFrom: ["a", "b", "c"])
        let (_, blocked) = try Self.schedule(Self.cib(resources: resources, constraints: noneAllowed))
        #expect(!blocked.contains("clone-one-or-more:o"))
        #expect(!blocked.contains { $0.hasPrefix("b:") && $0.contains("_start_0@") })
    }
}
