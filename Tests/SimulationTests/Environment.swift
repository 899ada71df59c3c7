import Glibc

/// Reads the simulation's environment knobs.
enum Environment {
    /// `SIM_SEED`: replay one seed.
    static var seed: String? { getenv("SIM_SEED").map { String(cString: $0) } }
}
