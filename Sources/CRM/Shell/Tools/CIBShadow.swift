import Glibc
import XML

/// Shadow copies of the CIB (`crm_shadow`): named files `shadow.NAME` in the shadow directory.
public enum CIBShadow {
    /// The shadow directory: `CIB_shadow_dir`, else `/var/lib/pacemaker/cib` for root and hacluster,
    /// else `$HOME/.cib` (as Pacemaker chooses it).
    public static func directory(environment: [String: String]) -> String {
        if let directory = environment["CIB_shadow_dir"], !directory.isEmpty { return directory }
        let user = CIBSession.effectiveUser()
        if CIBAccessControl.privilegedUsers.contains(user) { return "/var/lib/pacemaker/cib" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cib" }
        return "/tmp"
    }

    /// The file of shadow copy `name`.
    public static func path(for name: String, environment: [String: String]) -> String {
        directory(environment: environment) + "/shadow." + name
    }

    /// Checks that `name` can name a shadow file (no slashes, not empty).
    public static func validate(name: String) throws(CIBStoreError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw .shadow("invalid shadow name '\(name)': it must be non-empty and contain no '/'")
        }
    }
}
