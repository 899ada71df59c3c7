/// Namespace marker for the CRM layer; see Docs/ARCHITECTURE.md.
public enum CRMLayer {
    /// The layer's name, as used in log labels (`ha.<target>.<component>`).
    public static let name = "CRM"
}
