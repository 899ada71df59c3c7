/// Namespace marker for the Messaging layer; see Docs/ARCHITECTURE.md.
public enum MessagingLayer {
    /// The layer's name, as used in log labels (`ha.<target>.<component>`).
    public static let name = "Messaging"
}
