/// The RelaxNG grammar this project writes and ships for the CIB syntax it supports.
///
/// The text is compiled into the library (no schema directory to install or find), so validation works
/// from any working directory, in tests and in tools alike. Pacemaker's `pacemaker-X.Y` schema family is
/// the behaviour reference; Docs/CIB-Schema.md lists what differs and what is not supported yet.
public enum CIBSchemaGrammar {
    /// A syntax family: versions whose CIB syntax one grammar checks.
    public enum Family: String, Sendable, CaseIterable {
        /// pacemaker-1.0 … 1.3: ACLs as `acl_user`/`acl_role` with `read`/`write`/`deny` children.
        case version1
        /// pacemaker-2.0 … 2.10: ACLs as `acl_target`/`acl_group`/`acl_role`/`acl_permission`.
        case version2
        /// pacemaker-3.0 … 3.10 and pacemaker-next: no `requires` on operations, no colocation score attributes.
        case version3
    }

    /// The whole grammar text for `family`, ready to compile.
    public static func text(for family: Family) -> String {
        let familyDefinitions: String
        switch family {
        case .version1: familyDefinitions = aclsVersion1 + "\n" + removedInVersion3
        case .version2: familyDefinitions = "  <define name=\"family-acls\"><ref name=\"acls-v2\"/></define>\n" + removedInVersion3
        case .version3: familyDefinitions = version3
        }
        return [opening, resources, constraints, familyDefinitions, "</grammar>"].joined(separator: "\n")
    }
}
