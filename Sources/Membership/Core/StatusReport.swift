import Messaging

/// The output formats of `--output-as`.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Plain text, as the classic tools print.
    case text
    /// Pacemaker's `<pacemaker-result>` XML.
    case xml
}

/// Formats a `DaemonStatus` for `crm_node` and `ha-status`. Pure, so tools stay thin and tests read it.
public struct StatusReport: Sendable {
    /// The status to show.
    public let status: DaemonStatus

    /// Wraps a status.
    public init(_ status: DaemonStatus) { self.status = status }

    /// Whether this node's partition has quorum.
    public var isQuorate: Bool { status.view?.quorum.isQuorate ?? false }

    /// `crm_node -l`: every known node as `id name state`.
    public func nodeList(_ format: OutputFormat, request: String) -> String {
        switch format {
        case .text:
            return status.nodes.map { "\($0.id) \($0.name) \(Self.state($0.state))\n" }.joined()
        case .xml:
            let nodes = status.nodes.map {
                "    <node id=\"\($0.id)\" name=\"\(escape($0.name))\" state=\"\(Self.state($0.state))\"/>\n"
            }
            return wrap("  <nodes>\n" + nodes.joined() + "  </nodes>\n", request: request)
        }
    }

    /// `crm_node -p`: the names of this partition's members on one line.
    public func partition(_ format: OutputFormat, request: String) -> String {
        let members = status.view?.members ?? []
        switch format {
        case .text: return members.map(\.name).joined(separator: " ") + "\n"
        case .xml:
            let nodes = members.map { "    <node id=\"\($0.node)\" name=\"\(escape($0.name))\" state=\"member\"/>\n" }
            return wrap("  <nodes>\n" + nodes.joined() + "  </nodes>\n", request: request)
        }
    }

    /// `crm_node -q`: 1 if quorate, else 0.
    public func quorum(_ format: OutputFormat, request: String) -> String {
        switch format {
        case .text: return isQuorate ? "1\n" : "0\n"
        case .xml: return wrap("  <cluster-info quorum=\"\(isQuorate ? 1 : 0)\"/>\n", request: request)
        }
    }

    /// `crm_node -n` / `-i` / `-N`: one node's name or id.
    public func node(id: NodeID, name: String, _ format: OutputFormat, showID: Bool, request: String) -> String {
        switch format {
        case .text: return showID ? "\(id)\n" : "\(name)\n"
        case .xml: return wrap("  <node-info nodeid=\"\(id)\" uname=\"\(escape(name))\"/>\n", request: request)
        }
    }

    /// The name of node `id`, from the configuration or the view.
    public func name(of id: NodeID) -> String? { status.nodes.first { $0.id == id }?.name }

    /// `ha-status` in the manner of `corosync-quorumtool -s`.
    public func summary(_ format: OutputFormat, request: String) -> String {
        format == .text ? summaryText : wrap(summaryXML, request: request)
    }

    private var summaryText: String {
        let view = status.view
        let quorum = view?.quorum
        var lines = [
            "Quorum information", "------------------",
            "Cluster name:     \(status.clusterName)",
            "Quorum provider:  heartbeat (votequorum rules)",
            "Nodes:            \(view?.members.count ?? 0)",
            "Node ID:          \(status.local.node)",
            "View ID:          \(view.map { "\($0.id.epoch).\($0.id.coordinator)" } ?? "none")",
            "Quorate:          \(isQuorate ? "Yes" : "No")", "",
            "Votequorum information", "----------------------",
            "Expected votes:   \(quorum?.state.expectedVotes ?? 0)",
            "Total votes:      \(quorum?.totalVotes ?? 0)",
            "Quorum:           \(quorum?.quorum ?? 0)\(isQuorate ? "" : " Activity blocked")",
            "Flags:            \(flags.joined(separator: " "))", "",
            "Membership information", "----------------------",
            "    Nodeid      Votes Name             Link",
        ]
        for node in status.nodes {
            let local = node.id == status.local.node ? " (local)" : ""
            let member = node.state == .member ? "" : " [lost]"
            lines.append(
                pad(node.id.description, 10) + pad("\(node.votes)", 11) + " "
                    + (node.name + local + member).padding(16) + " " + (node.isLinkUp ? "up" : "down"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var summaryXML: String {
        let view = status.view
        let quorum = view?.quorum
        var xml = "  <quorum cluster-name=\"\(escape(status.clusterName))\" node-id=\"\(status.local.node)\""
        xml += " view-id=\"\(view.map { "\($0.id.epoch).\($0.id.coordinator)" } ?? "")\" quorate=\"\(isQuorate)\""
        xml += " expected-votes=\"\(quorum?.state.expectedVotes ?? 0)\" total-votes=\"\(quorum?.totalVotes ?? 0)\""
        xml += " quorum=\"\(quorum?.quorum ?? 0)\" flags=\"\(flags.joined(separator: " "))\"/>\n  <nodes>\n"
        for node in status.nodes {
            xml += "    <node id=\"\(node.id)\" name=\"\(escape(node.name))\" votes=\"\(node.votes)\""
            xml += " state=\"\(Self.state(node.state))\" link=\"\(node.isLinkUp ? "up" : "down")\""
            xml += " local=\"\(node.id == status.local.node)\"/>\n"
        }
        return xml + "  </nodes>\n"
    }

    private var flags: [String] {
        var flags: [String] = []
        if status.quorumFlags.contains(.twoNode) { flags.append("2Node") }
        if isQuorate { flags.append("Quorate") }
        if status.quorumFlags.contains(.waitForAll) { flags.append("WaitForAll") }
        if status.quorumFlags.contains(.lastManStanding) { flags.append("LastManStanding") }
        if status.quorumFlags.contains(.autoTieBreaker) { flags.append("AutoTieBreaker") }
        return flags
    }

    private static func state(_ state: NodeStatus.State) -> String { state == .member ? "member" : "lost" }

    private func wrap(_ body: String, request: String) -> String {
        "<pacemaker-result api-version=\"2.25\" request=\"\(escape(request))\">\n" + body
            + "  <status code=\"0\" message=\"OK\"/>\n</pacemaker-result>\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}

/// Escapes text for an XML attribute.
func escape(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        default: result.append(character)
        }
    }
    return result
}
