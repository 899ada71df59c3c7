/// Namespace marker for the deterministic cluster simulator (tests only).
public enum SimulationLayer {
    public static let name = "Simulation"
}
