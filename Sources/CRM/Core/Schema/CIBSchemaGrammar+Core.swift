extension CIBSchemaGrammar {
    /// The grammar's start (the cib element, configuration sections, status) and its shared value types, rules and name/value sets.
    static let opening = #"""
    <grammar xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
      <!-- The CIB syntax this project supports. Written for this project; Pacemaker's schema family is the
           behaviour reference. Status is free-form (the cluster writes it); configuration is checked. -->
      <start>
        <element name="cib">
          <ref name="cib-attributes"/>
          <element name="configuration">
            <interleave>
              <element name="crm_config">
                <zeroOrMore><element name="cluster_property_set"><ref name="nvset"/></element></zeroOrMore>
              </element>
              <optional>
                <element name="rsc_defaults">
                  <zeroOrMore><element name="meta_attributes"><ref name="nvset"/></element></zeroOrMore>
                </element>
              </optional>
              <optional>
                <element name="op_defaults">
                  <zeroOrMore><element name="meta_attributes"><ref name="nvset"/></element></zeroOrMore>
                </element>
              </optional>
              <element name="nodes"><zeroOrMore><ref name="node"/></zeroOrMore></element>
              <element name="resources"><zeroOrMore><ref name="top-resource"/></zeroOrMore></element>
              <element name="constraints"><zeroOrMore><ref name="constraint"/></zeroOrMore></element>
              <optional><ref name="fencing-topology"/></optional>
              <optional><ref name="family-acls"/></optional>
              <optional><ref name="tags"/></optional>
              <optional><ref name="alerts"/></optional>
            </interleave>
          </element>
          <optional><element name="status"><ref name="anything"/></element></optional>
        </element>
      </start>

      <define name="cib-attributes">
        <attribute name="validate-with"><text/></attribute>
        <attribute name="admin_epoch"><data type="nonNegativeInteger"/></attribute>
        <attribute name="epoch"><data type="nonNegativeInteger"/></attribute>
        <attribute name="num_updates"><data type="nonNegativeInteger"/></attribute>
        <optional><attribute name="crm_feature_set"><text/></attribute></optional>
        <optional><attribute name="remote-tls-port"><data type="nonNegativeInteger"/></attribute></optional>
        <optional><attribute name="remote-clear-port"><data type="nonNegativeInteger"/></attribute></optional>
        <optional><attribute name="have-quorum"><ref name="boolean"/></attribute></optional>
        <optional><attribute name="no-quorum-panic"><ref name="boolean"/></attribute></optional>
        <optional><attribute name="dc-uuid"><text/></attribute></optional>
        <optional><attribute name="cib-last-written"><text/></attribute></optional>
        <optional><attribute name="update-origin"><text/></attribute></optional>
        <optional><attribute name="update-client"><text/></attribute></optional>
        <optional><attribute name="update-user"><text/></attribute></optional>
        <optional><attribute name="execution-date"><text/></attribute></optional>
      </define>

      <!-- Anything at all: the status section, written by the cluster itself. -->
      <define name="anything">
        <zeroOrMore>
          <choice>
            <attribute><anyName/><text/></attribute>
            <element><anyName/><ref name="anything"/></element>
            <text/>
          </choice>
        </zeroOrMore>
      </define>

      <!-- Value types. -->
      <define name="boolean"><data type="boolean"/></define>
      <define name="score-value">
        <choice>
          <data type="integer"/>
          <value>INFINITY</value>
          <value>+INFINITY</value>
          <value>-INFINITY</value>
        </choice>
      </define>
      <define name="score"><attribute name="score"><ref name="score-value"/></attribute></define>
      <define name="role-value">
        <choice>
          <value>Stopped</value>
          <value>Started</value>
          <value>Promoted</value>
          <value>Unpromoted</value>
          <value>Master</value>
          <value>Slave</value>
        </choice>
      </define>
      <define name="action-value">
        <choice><value>start</value><value>promote</value><value>demote</value><value>stop</value></choice>
      </define>
      <define name="order-kind-value">
        <choice><value>Optional</value><value>Mandatory</value><value>Serialize</value></choice>
      </define>
      <define name="description"><optional><attribute name="description"><text/></attribute></optional></define>

      <!-- Name/value sets: cluster options, instance, meta and utilization attributes. -->
      <define name="nvset">
        <choice>
          <attribute name="id-ref"><data type="IDREF"/></attribute>
          <group>
            <attribute name="id"><data type="ID"/></attribute>
            <optional><ref name="score"/></optional>
            <interleave>
              <zeroOrMore><ref name="rule"/></zeroOrMore>
              <zeroOrMore><ref name="nvpair"/></zeroOrMore>
            </interleave>
          </group>
        </choice>
      </define>
      <define name="nvpair">
        <element name="nvpair">
          <choice>
            <group>
              <attribute name="id-ref"><data type="IDREF"/></attribute>
              <optional><attribute name="name"><text/></attribute></optional>
            </group>
            <group>
              <attribute name="id"><data type="ID"/></attribute>
              <attribute name="name"><text/></attribute>
              <optional><attribute name="value"><text/></attribute></optional>
            </group>
          </choice>
        </element>
      </define>

      <!-- Rules: node attribute, date, resource and operation expressions, nested with and/or. -->
      <define name="rule">
        <element name="rule">
          <choice>
            <attribute name="id-ref"><data type="IDREF"/></attribute>
            <group>
              <attribute name="id"><data type="ID"/></attribute>
              <optional>
                <attribute name="boolean-op"><choice><value>and</value><value>or</value></choice></attribute>
              </optional>
              <optional><attribute name="role"><text/></attribute></optional>
              <optional>
                <choice>
                  <ref name="score"/>
                  <attribute name="score-attribute"><text/></attribute>
                </choice>
              </optional>
              <oneOrMore>
                <choice>
                  <ref name="expression"/>
                  <ref name="date-expression"/>
                  <ref name="rsc-expression"/>
                  <ref name="op-expression"/>
                  <ref name="rule"/>
                </choice>
              </oneOrMore>
            </group>
          </choice>
        </element>
      </define>
      <define name="expression">
        <element name="expression">
          <attribute name="id"><data type="ID"/></attribute>
          <attribute name="attribute"><text/></attribute>
          <attribute name="operation">
            <choice>
              <value>lt</value><value>gt</value><value>lte</value><value>gte</value>
              <value>eq</value><value>ne</value><value>defined</value><value>not_defined</value>
            </choice>
          </attribute>
          <optional><attribute name="value"><text/></attribute></optional>
          <optional>
            <attribute name="type">
              <choice><value>string</value><value>integer</value><value>number</value><value>version</value></choice>
            </attribute>
          </optional>
          <optional>
            <attribute name="value-source"><choice><value>literal</value><value>param</value><value>meta</value></choice></attribute>
          </optional>
        </element>
      </define>
      <define name="date-expression">
        <element name="date_expression">
          <attribute name="id"><data type="ID"/></attribute>
          <choice>
            <group>
              <attribute name="operation"><value>in_range</value></attribute>
              <choice>
                <group>
                  <attribute name="start"><text/></attribute>
                  <optional><attribute name="end"><text/></attribute></optional>
                </group>
                <attribute name="end"><text/></attribute>
              </choice>
              <optional><ref name="duration"/></optional>
            </group>
            <group>
              <attribute name="operation"><value>gt</value></attribute>
              <attribute name="start"><text/></attribute>
            </group>
            <group>
              <attribute name="operation"><value>lt</value></attribute>
              <attribute name="end"><text/></attribute>
            </group>
            <group>
              <attribute name="operation"><value>date_spec</value></attribute>
              <ref name="date-spec"/>
            </group>
          </choice>
        </element>
      </define>
      <define name="date-fields">
        <optional><attribute name="years"><text/></attribute></optional>
        <optional><attribute name="months"><text/></attribute></optional>
        <optional><attribute name="weeks"><text/></attribute></optional>
        <optional><attribute name="days"><text/></attribute></optional>
        <optional><attribute name="hours"><text/></attribute></optional>
        <optional><attribute name="minutes"><text/></attribute></optional>
        <optional><attribute name="seconds"><text/></attribute></optional>
      </define>
      <define name="duration">
        <element name="duration">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="date-fields"/>
        </element>
      </define>
      <define name="date-spec">
        <element name="date_spec">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="date-fields"/>
          <optional><attribute name="monthdays"><text/></attribute></optional>
          <optional><attribute name="weekdays"><text/></attribute></optional>
          <optional><attribute name="yeardays"><text/></attribute></optional>
          <optional><attribute name="weekyears"><text/></attribute></optional>
          <optional><attribute name="moon"><text/></attribute></optional>
        </element>
      </define>
      <define name="rsc-expression">
        <element name="rsc_expression">
          <attribute name="id"><data type="ID"/></attribute>
          <optional><attribute name="class"><text/></attribute></optional>
          <optional><attribute name="provider"><text/></attribute></optional>
          <optional><attribute name="type"><text/></attribute></optional>
        </element>
      </define>
      <define name="op-expression">
        <element name="op_expression">
          <attribute name="id"><data type="ID"/></attribute>
          <attribute name="name"><text/></attribute>
          <optional><attribute name="interval"><text/></attribute></optional>
        </element>
      </define>

    """#
}
