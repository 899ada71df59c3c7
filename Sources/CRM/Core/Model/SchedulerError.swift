/// Why the policy engine refused a CIB: what element, and why.
public enum SchedulerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The CIB uses a feature this engine does not implement yet; refused rather than answered wrongly.
    case unsupported(element: String, id: String?, reason: String)
    /// The CIB is not what a CIB should be (missing sections, bad values).
    case invalid(element: String, id: String?, reason: String)

    public var description: String {
        switch self {
        case .unsupported(let element, let id, let reason):
            return "unsupported <\(element)\(id.map { " id=\"\($0)\"" } ?? "")>: \(reason)"
        case .invalid(let element, let id, let reason):
            return "invalid <\(element)\(id.map { " id=\"\($0)\"" } ?? "")>: \(reason)"
        }
    }
}
