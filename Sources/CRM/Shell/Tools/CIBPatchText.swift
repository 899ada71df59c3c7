import XML

/// Renders a v2 patchset the way Pacemaker logs one (`crm_shadow --diff`, `crm_diff` text).
public enum CIBPatchText {
    /// One line per change: `+  path:  @name=value` (modify), `++ path:  <element/>` (create),
    /// `-- path` (delete), `+~ path moved to offset N` (move), after the two version lines.
    public static func render(_ patch: XMLElement) -> String {
        var text = ""
        let version = patch.firstChild(named: "version")
        if let source = version?.firstChild(named: "source") { text += "Diff: --- \(CIBVersion(of: source))\n" }
        if let target = version?.firstChild(named: "target") { text += "Diff: +++ \(CIBVersion(of: target))\n" }
        for change in patch.children(named: "change") {
            let path = change[attribute: "path"] ?? ""
            switch change[attribute: "operation"] {
            case "create":
                for child in change.children { text += "++ \(path):  \(child.serialized())\n" }
            case "delete":
                text += "-- \(path)\n"
            case "move":
                text += "+~ \(path) moved to offset \(change[attribute: "position"] ?? "?")\n"
            default:
                let attributes = change.firstChild(named: "change-list")?.children(named: "change-attr") ?? []
                let set = attributes.filter { $0[attribute: "operation"] == "set" }
                    .map { "@\($0[attribute: "name"] ?? "")=\($0[attribute: "value"] ?? "")" }
                let unset = attributes.filter { $0[attribute: "operation"] == "unset" }.map { "@\($0[attribute: "name"] ?? "")" }
                if !set.isEmpty { text += "+  \(path):  \(set.joined(separator: ", "))\n" }
                if !unset.isEmpty { text += "-- \(path):  \(unset.joined(separator: ", "))\n" }
            }
        }
        return text
    }
}
