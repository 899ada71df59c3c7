extension CIBSchemaGrammar {
    /// Nodes and resources: primitive, template, group, clone (and legacy master), bundle, operations.
    static let resources = #"""
      <!-- Nodes. -->
      <define name="node">
        <element name="node">
          <attribute name="id"><text/></attribute>
          <attribute name="uname"><text/></attribute>
          <optional>
            <attribute name="type">
              <choice><value>member</value><value>normal</value><value>ping</value><value>remote</value></choice>
            </attribute>
          </optional>
          <ref name="description"/>
          <optional><ref name="score"/></optional>
          <zeroOrMore>
            <choice>
              <element name="instance_attributes"><ref name="nvset"/></element>
              <element name="utilization"><ref name="nvset"/></element>
            </choice>
          </zeroOrMore>
        </element>
      </define>

      <!-- Resources. -->
      <define name="top-resource">
        <choice>
          <ref name="primitive"/>
          <ref name="template"/>
          <ref name="group"/>
          <ref name="clone"/>
          <ref name="bundle"/>
        </choice>
      </define>
      <define name="agent">
        <choice>
          <group>
            <attribute name="class"><value>ocf</value></attribute>
            <attribute name="provider"><text/></attribute>
          </group>
          <attribute name="class">
            <choice>
              <value>lsb</value><value>heartbeat</value><value>stonith</value><value>upstart</value>
              <value>service</value><value>systemd</value><value>nagios</value>
            </choice>
          </attribute>
        </choice>
        <attribute name="type"><text/></attribute>
      </define>
      <define name="resource-attribute-sets">
        <zeroOrMore>
          <choice>
            <element name="meta_attributes"><ref name="nvset"/></element>
            <element name="instance_attributes"><ref name="nvset"/></element>
          </choice>
        </zeroOrMore>
      </define>
      <define name="primitive-content">
        <ref name="description"/>
        <interleave>
          <ref name="resource-attribute-sets"/>
          <zeroOrMore><element name="utilization"><ref name="nvset"/></element></zeroOrMore>
          <optional><ref name="operations"/></optional>
        </interleave>
      </define>
      <define name="primitive">
        <element name="primitive">
          <attribute name="id"><data type="ID"/></attribute>
          <choice>
            <ref name="agent"/>
            <attribute name="template"><data type="IDREF"/></attribute>
          </choice>
          <ref name="primitive-content"/>
        </element>
      </define>
      <define name="template">
        <element name="template">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="agent"/>
          <ref name="primitive-content"/>
        </element>
      </define>
      <define name="operations">
        <element name="operations">
          <choice>
            <attribute name="id-ref"><data type="IDREF"/></attribute>
            <group>
              <optional><attribute name="id"><data type="ID"/></attribute></optional>
              <zeroOrMore><ref name="op"/></zeroOrMore>
            </group>
          </choice>
        </element>
      </define>
      <define name="op">
        <element name="op">
          <attribute name="id"><data type="ID"/></attribute>
          <attribute name="name"><text/></attribute>
          <attribute name="interval"><text/></attribute>
          <ref name="description"/>
          <optional><attribute name="start-delay"><text/></attribute></optional>
          <optional><attribute name="interval-origin"><text/></attribute></optional>
          <optional><attribute name="timeout"><text/></attribute></optional>
          <optional><attribute name="enabled"><ref name="boolean"/></attribute></optional>
          <optional><attribute name="record-pending"><ref name="boolean"/></attribute></optional>
          <optional><attribute name="role"><ref name="role-value"/></attribute></optional>
          <optional>
            <attribute name="on-fail">
              <choice>
                <value>ignore</value><value>block</value><value>demote</value><value>stop</value>
                <value>restart</value><value>standby</value><value>fence</value><value>restart-container</value>
              </choice>
            </attribute>
          </optional>
          <ref name="family-op-attributes"/>
          <ref name="resource-attribute-sets"/>
        </element>
      </define>
      <define name="group">
        <element name="group">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="description"/>
          <interleave>
            <ref name="resource-attribute-sets"/>
            <oneOrMore><ref name="primitive"/></oneOrMore>
          </interleave>
        </element>
      </define>
      <define name="clone">
        <element>
          <choice><name>clone</name><name>master</name></choice>
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="description"/>
          <interleave>
            <ref name="resource-attribute-sets"/>
            <choice><ref name="primitive"/><ref name="group"/></choice>
          </interleave>
        </element>
      </define>
      <define name="bundle">
        <element name="bundle">
          <attribute name="id"><data type="ID"/></attribute>
          <ref name="description"/>
          <interleave>
            <ref name="resource-attribute-sets"/>
            <zeroOrMore><element name="utilization"><ref name="nvset"/></element></zeroOrMore>
            <element>
              <choice><name>docker</name><name>rkt</name><name>podman</name></choice>
              <attribute name="image"><text/></attribute>
              <optional><attribute name="replicas"><data type="integer"/></attribute></optional>
              <optional><attribute name="replicas-per-host"><data type="integer"/></attribute></optional>
              <optional>
                <choice>
                  <attribute name="masters"><data type="integer"/></attribute>
                  <attribute name="promoted-max"><data type="integer"/></attribute>
                </choice>
              </optional>
              <optional><attribute name="run-command"><text/></attribute></optional>
              <optional><attribute name="network"><text/></attribute></optional>
              <optional><attribute name="options"><text/></attribute></optional>
            </element>
            <optional><ref name="bundle-network"/></optional>
            <optional><ref name="bundle-storage"/></optional>
            <optional><ref name="primitive"/></optional>
          </interleave>
        </element>
      </define>
      <define name="bundle-network">
        <element name="network">
          <optional><attribute name="ip-range-start"><text/></attribute></optional>
          <optional><attribute name="control-port"><data type="integer"/></attribute></optional>
          <optional><attribute name="host-interface"><text/></attribute></optional>
          <optional><attribute name="host-netmask"><data type="integer"/></attribute></optional>
          <optional><attribute name="add-host"><ref name="boolean"/></attribute></optional>
          <zeroOrMore>
            <element name="port-mapping">
              <attribute name="id"><data type="ID"/></attribute>
              <choice>
                <group>
                  <attribute name="port"><data type="integer"/></attribute>
                  <optional><attribute name="internal-port"><data type="integer"/></attribute></optional>
                </group>
                <attribute name="range"><text/></attribute>
              </choice>
            </element>
          </zeroOrMore>
        </element>
      </define>
      <define name="bundle-storage">
        <element name="storage">
          <zeroOrMore>
            <element name="storage-mapping">
              <attribute name="id"><data type="ID"/></attribute>
              <choice>
                <attribute name="source-dir"><text/></attribute>
                <attribute name="source-dir-root"><text/></attribute>
              </choice>
              <attribute name="target-dir"><text/></attribute>
              <optional><attribute name="options"><text/></attribute></optional>
            </element>
          </zeroOrMore>
        </element>
      </define>

    """#
}
