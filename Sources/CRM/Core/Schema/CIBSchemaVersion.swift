/// The schema a CIB declares in its `validate-with` attribute, as Pacemaker names them.
///
/// Pacemaker ships one RelaxNG file per `pacemaker-X.Y`; we ship one grammar per syntax family (see
/// `CIBSchemaGrammar.Family`) and accept every version name Pacemaker 1.0 to 3.10 used. Anything else is
/// refused with a message naming the value, never validated against a guess.
public enum CIBSchemaVersion: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `pacemaker-MAJOR.MINOR`, one of `CIBSchemaVersion.known`.
    case pacemaker(major: Int, minor: Int)
    /// `pacemaker-next`: Pacemaker's development schema; we check it with the newest grammar.
    case next
    /// `none`: validation disabled by the administrator (crm_verify warns).
    case none

    /// Every `pacemaker-X.Y` name Pacemaker released up to 3.10, oldest first.
    public static let known: [CIBSchemaVersion] =
        [(1, 0), (1, 2), (1, 3)].map { .pacemaker(major: $0.0, minor: $0.1) }
        + (0...10).map { .pacemaker(major: 2, minor: $0) }
        + (0...10).map { .pacemaker(major: 3, minor: $0) }

    /// The newest version we validate; what a new empty CIB declares.
    public static let latest: CIBSchemaVersion = .pacemaker(major: 3, minor: 10)

    /// Reads a `validate-with` value; nil when it names no schema we know.
    public init?(validateWith value: String) {
        switch value {
        case "none": self = .none
        case "pacemaker-next": self = .next
        default:
            guard value.hasPrefix("pacemaker-") else { return nil }
            let numbers = value.dropFirst("pacemaker-".count).split(separator: ".", omittingEmptySubsequences: false)
            guard numbers.count == 2, let major = Int(numbers[0]), let minor = Int(numbers[1]),
                numbers.allSatisfy({ $0.allSatisfy(\.isASCII) && !$0.isEmpty })
            else { return nil }
            let version = CIBSchemaVersion.pacemaker(major: major, minor: minor)
            guard CIBSchemaVersion.known.contains(version) else { return nil }
            self = version
        }
    }

    /// The `validate-with` spelling.
    public var description: String {
        switch self {
        case .pacemaker(let major, let minor): return "pacemaker-\(major).\(minor)"
        case .next: return "pacemaker-next"
        case .none: return "none"
        }
    }

    /// The grammar family that checks this version; nil for `none`.
    public var family: CIBSchemaGrammar.Family? {
        switch self {
        case .pacemaker(let major, _) where major < 2: return .version1
        case .pacemaker(let major, _) where major < 3: return .version2
        case .pacemaker, .next: return .version3
        case .none: return nil
        }
    }

    /// Whether this version is at least `other` (`next` is newer than every numbered version).
    public func isAtLeast(_ other: CIBSchemaVersion) -> Bool {
        switch (self, other) {
        case (.none, _), (_, .none): return false
        case (.next, _): return true
        case (_, .next): return false
        case (.pacemaker(let a, let b), .pacemaker(let c, let d)): return (a, b) >= (c, d)
        }
    }
}
