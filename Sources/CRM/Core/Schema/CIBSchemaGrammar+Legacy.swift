extension CIBSchemaGrammar {
    /// ACLs as Pacemaker 1.x schemas write them (acl_user, role_ref, read/write/deny).
    static let aclsVersion1 = #"""
      <define name="family-acls">
        <element name="acls">
          <zeroOrMore>
            <choice>
              <element name="acl_user">
                <attribute name="id"><text/></attribute>
                <choice>
                  <zeroOrMore><element name="role_ref"><attribute name="id"><data type="IDREF"/></attribute></element></zeroOrMore>
                  <zeroOrMore><ref name="acl-v1-rule"/></zeroOrMore>
                </choice>
              </element>
              <element name="acl_role">
                <attribute name="id"><data type="ID"/></attribute>
                <zeroOrMore><ref name="acl-v1-rule"/></zeroOrMore>
              </element>
            </choice>
          </zeroOrMore>
        </element>
      </define>
      <define name="acl-v1-rule">
        <element>
          <choice><name>read</name><name>write</name><name>deny</name></choice>
          <attribute name="id"><data type="ID"/></attribute>
          <choice>
            <group>
              <optional><attribute name="tag"><text/></attribute></optional>
              <attribute name="ref"><data type="IDREF"/></attribute>
            </group>
            <attribute name="tag"><text/></attribute>
            <attribute name="xpath"><text/></attribute>
          </choice>
          <optional><attribute name="attribute"><text/></attribute></optional>
        </element>
      </define>
    """#

    /// Syntax the 1.x and 2.x schemas allow and 3.0 removed: `requires` on operations, score attributes on colocations.
    static let removedInVersion3 = #"""
      <define name="family-op-attributes">
        <optional>
          <attribute name="requires">
            <choice><value>nothing</value><value>quorum</value><value>fencing</value><value>unfencing</value></choice>
          </attribute>
        </optional>
      </define>
      <define name="family-colocation-score">
        <choice>
          <attribute name="score-attribute"><text/></attribute>
          <attribute name="score-attribute-mangle"><text/></attribute>
        </choice>
      </define>
    """#

    /// The 3.x forms of the family-dependent patterns.
    static let version3 = #"""
      <define name="family-acls"><ref name="acls-v2"/></define>
      <define name="family-op-attributes"><empty/></define>
      <define name="family-colocation-score"><notAllowed/></define>
    """#
}
