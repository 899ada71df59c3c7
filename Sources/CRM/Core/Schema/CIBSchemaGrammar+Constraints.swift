extension CIBSchemaGrammar {
    /// Constraints, fencing topology, the ACLs of Pacemaker 2.0 and later, tags and alerts.
    static let constraints = #"""
      <!-- Constraints. -->
      <define name="constraint">
        <choice>
          <ref name="location"/>
          <ref name="colocation"/>
          <ref name="order"/>
          <ref name="ticket"/>
        </choice>
      </define>
      <define name="lifetime">
        <optional><element name="lifetime"><oneOrMore><ref name="rule"/></oneOrMore></element></optional>
      </define>
      <define name="resource-set">
        <element name="resource_set">
          <choice>
            <attribute name="id-ref"><data type="IDREF"/></attribute>
            <group>
              <attribute name="id"><data type="ID"/></attribute>
              <optional><attribute name="sequential"><ref name="boolean"/></attribute></optional>
              <optional><attribute name="require-all"><ref name="boolean"/></attribute></optional>
              <optional><attribute name="ordering"><choice><value>group</value><value>listed</value></choice></attribute></optional>
              <optional><attribute name="action"><ref name="action-value"/></attribute></optional>
              <optional><attribute name="role"><ref name="role-value"/></attribute></optional>
              <optional>
                <choice>
                  <ref name="score"/>
                  <attribute name="kind"><ref name="order-kind-value"/></attribute>
                </choice>
              </optional>
              <oneOrMore>
                <element name="resource_ref"><attribute name="id"><data type="IDREF"/></attribute></element>
              </oneOrMore>
            </group>
          </choice>
        </element>
      </define>
      <define name="location">
        <element name="rsc_location">
          <attribute name="id"><data type="ID"/></attribute>
          <choice>
            <group>
              <choice>
                <attribute name="rsc"><data type="IDREF"/></attribute>
                <attribute name="rsc-pattern"><text/></attribute>
              </choice>
              <optional><attribute name="role"><ref name="role-value"/></attribute></optional>
            </group>
            <oneOrMore><ref name="resource-set"/></oneOrMore>
          </choice>
          <choice>
            <group>
              <ref name="score"/>
              <attribute name="node"><text/></attribute>
            </group>
            <oneOrMore><ref name="rule"/></oneOrMore>
          </choice>
          <ref name="lifetime"/>
          <optional>
            <attribute name="resource-discovery">
              <choice><value>always</value><value>never</value><value>exclusive</value></choice>
            </attribute>
          </optional>
        </element>
      </define>
      <define name="colocation">
        <element name="rsc_colocation">
          <attribute name="id"><data type="ID"/></attribute>
          <optional>
            <choice>
              <ref name="score"/>
              <ref name="family-colocation-score"/>
            </choice>
          </optional>
          <optional><attribute name="influence"><text/></attribute></optional>
          <ref name="lifetime"/>
          <choice>
            <oneOrMore><ref name="resource-set"/></oneOrMore>
            <group>
              <attribute name="rsc"><data type="IDREF"/></attribute>
              <attribute name="with-rsc"><data type="IDREF"/></attribute>
              <optional><attribute name="node-attribute"><text/></attribute></optional>
              <optional><attribute name="rsc-role"><ref name="role-value"/></attribute></optional>
              <optional><attribute name="with-rsc-role"><ref name="role-value"/></attribute></optional>
            </group>
          </choice>
        </element>
      </define>
      <define name="order">
        <element name="rsc_order">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="lifetime"/>
          <optional><attribute name="symmetrical"><ref name="boolean"/></attribute></optional>
          <optional><attribute name="require-all"><ref name="boolean"/></attribute></optional>
          <optional>
            <choice>
              <ref name="score"/>
              <attribute name="kind"><ref name="order-kind-value"/></attribute>
            </choice>
          </optional>
          <choice>
            <oneOrMore><ref name="resource-set"/></oneOrMore>
            <group>
              <attribute name="first"><data type="IDREF"/></attribute>
              <attribute name="then"><data type="IDREF"/></attribute>
              <optional><attribute name="first-action"><ref name="action-value"/></attribute></optional>
              <optional><attribute name="then-action"><ref name="action-value"/></attribute></optional>
            </group>
          </choice>
        </element>
      </define>
      <define name="ticket">
        <element name="rsc_ticket">
          <attribute name="id"><data type="ID"/></attribute>
          <choice>
            <oneOrMore><ref name="resource-set"/></oneOrMore>
            <group>
              <attribute name="rsc"><data type="IDREF"/></attribute>
              <optional><attribute name="rsc-role"><ref name="role-value"/></attribute></optional>
            </group>
          </choice>
          <attribute name="ticket"><text/></attribute>
          <optional>
            <attribute name="loss-policy">
              <choice><value>stop</value><value>demote</value><value>fence</value><value>freeze</value></choice>
            </attribute>
          </optional>
        </element>
      </define>

      <!-- Fencing topology. -->
      <define name="fencing-topology">
        <element name="fencing-topology">
          <zeroOrMore>
            <element name="fencing-level">
              <attribute name="id"><data type="ID"/></attribute>
              <choice>
                <attribute name="target"><text/></attribute>
                <attribute name="target-pattern"><text/></attribute>
                <group>
                  <attribute name="target-attribute"><text/></attribute>
                  <attribute name="target-value"><text/></attribute>
                </group>
              </choice>
              <attribute name="index"><data type="positiveInteger"/></attribute>
              <attribute name="devices"><data type="string"><param name="pattern">([a-zA-Z0-9_\.\-]+)(,[a-zA-Z0-9_\.\-]+)*</param></data></attribute>
            </element>
          </zeroOrMore>
        </element>
      </define>

      <!-- ACLs as Pacemaker 2.0 and later write them. -->
      <define name="acls-v2">
        <element name="acls">
          <zeroOrMore>
            <choice>
              <element>
                <choice><name>acl_target</name><name>acl_group</name></choice>
                <attribute name="id"><text/></attribute>
                <optional><attribute name="name"><text/></attribute></optional>
                <zeroOrMore>
                  <element name="role"><attribute name="id"><data type="IDREF"/></attribute></element>
                </zeroOrMore>
              </element>
              <element name="acl_role">
                <attribute name="id"><data type="ID"/></attribute>
                <ref name="description"/>
                <zeroOrMore>
                  <element name="acl_permission">
                    <attribute name="id"><data type="ID"/></attribute>
                    <attribute name="kind"><choice><value>read</value><value>write</value><value>deny</value></choice></attribute>
                    <choice>
                      <attribute name="xpath"><text/></attribute>
                      <attribute name="reference"><data type="IDREF"/></attribute>
                      <group>
                        <attribute name="object-type"><text/></attribute>
                        <optional><attribute name="attribute"><text/></attribute></optional>
                      </group>
                    </choice>
                    <ref name="description"/>
                  </element>
                </zeroOrMore>
              </element>
            </choice>
          </zeroOrMore>
        </element>
      </define>

      <!-- Tags. -->
      <define name="tags">
        <element name="tags">
          <zeroOrMore>
            <element name="tag">
              <attribute name="id"><data type="ID"/></attribute>
              <oneOrMore>
                <element name="obj_ref"><attribute name="id"><data type="IDREF"/></attribute></element>
              </oneOrMore>
            </element>
          </zeroOrMore>
        </element>
      </define>

      <!-- Alerts. -->
      <define name="alert-attribute-sets">
        <zeroOrMore>
          <choice>
            <element name="meta_attributes"><ref name="nvset"/></element>
            <element name="instance_attributes"><ref name="nvset"/></element>
          </choice>
        </zeroOrMore>
      </define>
      <define name="alerts">
        <element name="alerts">
          <zeroOrMore>
            <element name="alert">
              <attribute name="id"><data type="ID"/></attribute>
              <attribute name="path"><text/></attribute>
              <ref name="description"/>
              <interleave>
                <optional><ref name="alert-select"/></optional>
                <ref name="alert-attribute-sets"/>
                <zeroOrMore>
                  <element name="recipient">
                    <attribute name="id"><data type="ID"/></attribute>
                    <attribute name="value"><text/></attribute>
                    <ref name="description"/>
                    <ref name="alert-attribute-sets"/>
                  </element>
                </zeroOrMore>
              </interleave>
            </element>
          </zeroOrMore>
        </element>
      </define>
      <define name="alert-select">
        <element name="select">
          <interleave>
            <optional><element name="select_nodes"><empty/></element></optional>
            <optional><element name="select_fencing"><empty/></element></optional>
            <optional><element name="select_resources"><empty/></element></optional>
            <optional>
              <element name="select_attributes">
                <zeroOrMore>
                  <element name="attribute">
                    <attribute name="id"><data type="ID"/></attribute>
                    <attribute name="name"><text/></attribute>
                  </element>
                </zeroOrMore>
              </element>
            </optional>
          </interleave>
        </element>
      </define>
    """#
}
