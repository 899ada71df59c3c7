import Glibc

/// Reads the simulation's environment knobs.
enum Environment {
    /// `SIM_SEED`: replay one seed.
    static var seed: String? { getenv("SIM_SEED").map { String(cString: $0) } }
    /// `SIM_SEEDS=FIRST-LAST`: run a range of seeds (Scripts or a developer running thousands).
    static var seedRange: ClosedRange<UInt64>? {
        guard let text = getenv("SIM_SEEDS").map({ String(cString: $0) }) else { return nil }
        let bounds = text.split(separator: "-").compactMap { UInt64($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
        return bounds[0]...bounds[1]
    }
}
