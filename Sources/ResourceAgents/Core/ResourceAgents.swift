/// Namespace marker for the ResourceAgents layer; see Docs/ARCHITECTURE.md.
public enum ResourceAgentsLayer {
    /// The layer's name, as used in log labels (`ha.<target>.<component>`).
    public static let name = "ResourceAgents"
}
