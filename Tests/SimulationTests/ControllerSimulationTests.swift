import CRM
import Simulation
import Testing

/// A CIB with fencing, a group of two Dummies and one more Dummy, for `nodes` nodes.
func demoCIB(nodes: Int, noQuorumPolicy: String = "stop") -> String {
    let nodeList = (1...nodes).map { "<node id=\"\($0)\" uname=\"node\($0)\"/>" }.joined()
    func dummy(_ id: String) -> String {
        "<primitive id=\"\(id)\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations>"
            + "<op id=\"\(id)-monitor\" name=\"monitor\" interval=\"5s\" timeout=\"5s\"/></operations></primitive>"
    }
    return """
        <cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">\
        <configuration><crm_config><cluster_property_set id="cib-bootstrap-options">\
        <nvpair id="o1" name="stonith-enabled" value="true"/>\
        <nvpair id="o2" name="no-quorum-policy" value="\(noQuorumPolicy)"/>\
        <nvpair id="o3" name="cluster-delay" value="2s"/>\
        </cluster_property_set></crm_config><nodes>\(nodeList)</nodes><resources>\
        <primitive id="fencing" class="stonith" type="fence_ha_test"/>\
        <group id="web">\(dummy("ip"))\(dummy("app"))</group>\(dummy("solo"))\
        </resources><constraints/></configuration><status/></cib>
        """
}

enum ControllerSeeds {
    static var pullRequest: [UInt64] {
        if let text = Environment.seed, let seed = UInt64(text) { return [seed] }
        if let range = Environment.seedRange { return Array(range) }
        return Array(1...12)
    }
}

@Test func quietClusterStartsEveryResourceOnce() {
    var simulation = ControllerSimulation(nodes: 3, seed: 1, initialCIB: demoCIB(nodes: 3))
    let passed = simulation.run(for: .seconds(5), faultEvery: .seconds(3_600))
    #expect(passed, "\(simulation.violations)\n\(simulation.trace.suffix(80).joined(separator: "\n"))")
    for resource in ["ip", "app", "solo", "fencing"] {
        #expect(simulation.activeCount(of: resource) == 1, "\(resource)\n\(simulation.trace.suffix(80).joined(separator: "\n"))")
    }
}

@Test(arguments: ControllerSeeds.pullRequest)
func controllersNeverRunAPrimitiveTwiceOrBesideAnUnfencedNode(seed: UInt64) {
    var simulation = ControllerSimulation(nodes: 3 + Int(seed % 2) * 2, seed: seed, initialCIB: demoCIB(nodes: 3 + Int(seed % 2) * 2))
    simulation.hangRate = 0.02
    let passed = simulation.run(for: .seconds(30))
    #expect(passed, "SIM_SEED=\(seed) \(simulation.violations)\n\(simulation.trace.suffix(80).joined(separator: "\n"))")
    for resource in ["ip", "app", "solo"] {
        #expect(
            simulation.activeCount(of: resource) == 1,
            "SIM_SEED=\(seed) \(resource) after settling\n\(simulation.trace.suffix(60).joined(separator: "\n"))")
    }
}

@Test(arguments: ["freeze", "ignore"], [UInt64(101), 102, 103, 104])
func noQuorumPoliciesKeepTheInvariants(policy: String, seed: UInt64) {
    var simulation = ControllerSimulation(
        nodes: 3, seed: seed, initialCIB: demoCIB(nodes: 3, noQuorumPolicy: policy))
    let passed = simulation.run(for: .seconds(20))
    #expect(passed, "\(policy) SIM_SEED=\(seed) \(simulation.violations)\n\(simulation.trace.suffix(60).joined(separator: "\n"))")
    for resource in ["ip", "app", "solo"] {
        #expect(simulation.activeCount(of: resource) == 1, "\(policy) SIM_SEED=\(seed) \(resource) after settling")
    }
}
