import CRM
import Messaging
import Glibc
import Simulation
import Testing

@Test func debugDumpFinalCIB() {
    guard let text = Environment.seed, let seed = UInt64(text), getenv("SIM_DUMP") != nil else { return }
    var simulation = ControllerSimulation(nodes: 3 + Int(seed % 2) * 2, seed: seed, initialCIB: demoCIB(nodes: 3 + Int(seed % 2) * 2))
    simulation.hangRate = 0.02
    _ = simulation.run(for: .seconds(30))
    for node in 1...5 {
        guard let controller = simulation.controller(of: NodeID(UInt32(node))), controller.isDC else { continue }
        let file = fopen("/tmp/crmd-sim-\(seed).xml", "w")
        fputs(controller.replication.document.snapshot(), file)
        fclose(file)
    }
}
