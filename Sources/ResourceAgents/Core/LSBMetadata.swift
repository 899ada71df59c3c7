import XML

/// Meta-data for LSB init scripts, made from their `### BEGIN INIT INFO` header as Pacemaker does.
public enum LSBMetadata {
    /// Builds OCF-style meta-data XML for an init script.
    public static func synthesize(name: String, script: String) -> String {
        var fields: [String: String] = [:]
        var isInHeader = false
        for line in script.split(separator: "\n") {
            if line.hasPrefix("### BEGIN INIT INFO") {
                isInHeader = true
                continue
            }
            if line.hasPrefix("### END INIT INFO") { break }
            guard isInHeader, line.hasPrefix("# "), let colon = line.firstIndex(of: ":") else { continue }
            let key = line[line.index(line.startIndex, offsetBy: 2)..<colon].trimmedSpaces
            fields[key] = line[line.index(after: colon)...].trimmedSpaces
        }
        let short = xmlEscaped(fields["Short-Description"] ?? name)
        let long = xmlEscaped(fields["Description"] ?? fields["Short-Description"] ?? name)
        return """
            <?xml version="1.0"?>
            <resource-agent name="\(xmlEscaped(name))" version="0.1">
              <version>1.0</version>
              <longdesc lang="en">\(long)</longdesc>
              <shortdesc lang="en">\(short)</shortdesc>
              <parameters/>
              <actions>
                <action name="meta-data" timeout="5s"/>
                <action name="start" timeout="15s"/>
                <action name="stop" timeout="15s"/>
                <action name="status" timeout="15s"/>
                <action name="restart" timeout="15s"/>
                <action name="force-reload" timeout="15s"/>
                <action name="monitor" timeout="15s" interval="15s"/>
              </actions>
            </resource-agent>

            """
    }

}
