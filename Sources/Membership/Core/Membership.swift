/// Namespace marker for the Membership layer; see Docs/ARCHITECTURE.md.
public enum MembershipLayer {
    /// The layer's name, as used in log labels (`ha.<target>.<component>`).
    public static let name = "Membership"
}
