/// What `crm_mon` shows besides the cluster summary, node list and resources.
public struct MonitorOptions: Sendable, Equatable {
    /// `-r`: inactive resources too.
    public var showsInactive = false
    /// `-f`: the migration summary (fail counts).
    public var showsFailCounts = false
    /// `-n`: resources under the node they run on.
    public var groupsByNode = false
    /// `-A`: node attributes.
    public var showsNodeAttributes = false
    /// `-o`: operation history.
    public var showsOperations = false

    /// Pacemaker's defaults: active resources, no extra sections.
    public init() {}
}

/// Facts about the CIB and the moment a view shows, which are not cluster state.
public struct MonitorHeader: Sendable {
    /// When the view was made, already formatted.
    public var lastUpdated: String
    /// `cib-last-written` and the `update-*` attributes of the CIB root.
    public var lastWritten: String?
    public var user: String?
    public var client: String?
    public var origin: String?

    /// A header for a view made at `lastUpdated`.
    public init(lastUpdated: String, lastWritten: String? = nil, user: String? = nil, client: String? = nil, origin: String? = nil) {
        self.lastUpdated = lastUpdated
        self.lastWritten = lastWritten
        self.user = user
        self.client = client
        self.origin = origin
    }

    /// Pacemaker's "last change" text: the time, then ` by USER via CLIENT on ORIGIN` for those present.
    var lastChange: String {
        (lastWritten ?? "") + (user.map { " by \($0)" } ?? "") + (client.map { " via \($0)" } ?? "")
            + (origin.map { " on \($0)" } ?? "")
    }
}

/// Renders a `ClusterStatus` as `crm_mon`'s text: Pacemaker 2.1.5's layout, section by section.
public struct MonitorView {
    public let status: ClusterStatus
    public let header: MonitorHeader
    public let options: MonitorOptions
    /// Formats epoch seconds the way Pacemaker prints times (ctime-like, local time); the shell supplies it.
    public let formatTime: @Sendable (Int) -> String

    /// A view of `status`.
    public init(
        status: ClusterStatus, header: MonitorHeader, options: MonitorOptions, formatTime: @escaping @Sendable (Int) -> String
    ) {
        self.status = status
        self.header = header
        self.options = options
        self.formatTime = formatTime
    }

    /// The whole text, sections separated by blank lines.
    public func text() -> String {
        var sections = [summaryLines(), nodeLines()]
        if options.groupsByNode {
            if options.showsInactive { sections.append(inactiveLines()) }
        } else {
            sections.append(resourceLines())
        }
        if options.showsNodeAttributes, status.nodes.contains(where: { $0.isOnline && !$0.attributes.isEmpty }) {
            sections.append(attributeLines())
        }
        if options.showsOperations {
            sections.append(historyLines(title: "Operations:", withOperations: true))
        } else if options.showsFailCounts {
            sections.append(historyLines(title: "Migration Summary:", withOperations: false))
        }
        if !status.failures.isEmpty { sections.append(failureLines()) }
        return sections.map { $0.map { $0 + "\n" }.joined() }.joined(separator: "\n")
    }

    func summaryLines() -> [String] {
        var lines = ["Cluster Summary:", "  * Stack: \(status.stack)"]
        if let dc = status.dc {
            lines.append(
                "  * Current DC: \(dc.name) (version \(status.dcVersion ?? "unknown")) - partition \(status.hasQuorum ? "with" : "WITHOUT") quorum")
        } else {
            lines.append("  * Current DC: NONE")
        }
        lines.append("  * Last updated: \(header.lastUpdated)")
        lines.append("  * Last change:  \(header.lastChange)")
        let nodeCount = status.nodes.count
        lines.append("  * \(nodeCount) node\(nodeCount == 1 ? "" : "s") configured")
        var resources = "  * \(status.instanceCount) resource instance\(status.instanceCount == 1 ? "" : "s") configured"
        var notes: [String] = []
        if status.disabledCount > 0 { notes.append("\(status.disabledCount) DISABLED") }
        if status.blockedCount > 0 { notes.append("\(status.blockedCount) BLOCKED from further action due to failure") }
        if !notes.isEmpty { resources += " (\(notes.joined(separator: ", ")))" }
        lines.append(resources)
        return lines
    }

    func nodeLines() -> [String] {
        var lines = ["Node List:"]
        if options.groupsByNode {
            for node in status.nodes {
                lines.append("  * Node \(node.name): \(node.stateText):")
                lines.append("    * Resources:")
                for id in node.runningResources {
                    guard let resource = status.resource(id) else { continue }
                    lines.append("      * " + primitiveLine(resource, showsNodes: false))
                }
            }
            return lines
        }
        var online: [String] = []
        var offline: [String] = []
        for node in status.nodes {
            switch node.stateText {
            case "online": online.append(node.name)
            case "OFFLINE": offline.append(node.name)
            case let state: lines.append("  * Node \(node.name): \(state)")
            }
        }
        if !online.isEmpty { lines.append("  * Online: [ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { lines.append("  * OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        return lines
    }

    func resourceLines() -> [String] {
        var lines = [options.showsInactive ? "Full List of Resources:" : "Active Resources:"]
        for resource in status.resources { lines += self.lines(for: resource, depth: 1, showsInactive: options.showsInactive) }
        if lines.count == 1 { lines.append(options.showsInactive ? "  * No resources" : "  * No active resources") }
        return lines
    }

    /// With `-n -r`: the resources that are not wholly active, in full.
    func inactiveLines() -> [String] {
        var lines = ["Inactive Resources:"]
        for resource in status.resources where !isWhollyActive(resource) {
            lines += self.lines(for: resource, depth: 1, showsInactive: true)
        }
        if lines.count == 1 { lines.append("  * No inactive resources") }
        return lines
    }

    private func isWhollyActive(_ resource: ClusterStatus.Resource) -> Bool {
        resource.children.isEmpty ? !resource.nodes.isEmpty : resource.children.allSatisfy(isWhollyActive)
    }

    /// One resource's lines at `depth` (one level = two spaces), by kind.
    func lines(for resource: ClusterStatus.Resource, depth: Int, showsInactive: Bool) -> [String] {
        let indent = String(repeating: "  ", count: depth) + "* "
        guard !resource.children.isEmpty || resource.kind != "primitive" else {
            return showsInactive || resource.isActive ? [indent + primitiveLine(resource, showsNodes: true)] : []
        }
        guard showsInactive || resource.isActive else { return [] }
        let shown = resource.children.filter { showsInactive || $0.isActive }
        var notes: [String] = []
        if !resource.isManaged { notes.append("unmanaged") }
        if resource.isDisabled { notes.append("disabled") }
        let inactive = resource.children.count - shown.count
        if inactive > 0 { notes.append("\(inactive) member\(inactive == 1 ? "" : "s") inactive") }
        let suffix = notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"
        var lines = [indent + "\(Self.title(of: resource.kind)): \(resource.id)\(suffix):"]
        for child in shown { lines += self.lines(for: child, depth: depth + 1, showsInactive: showsInactive) }
        return lines
    }

    /// The heading Pacemaker gives a collective kind.
    static func title(of kind: String) -> String {
        switch kind {
        case "group": return "Resource Group"
        case "clone": return "Clone Set"
        case "bundle": return "Container bundle set"
        default: return "Resource \(kind)"
        }
    }

    /// `id\t(class:provider:type):\t State node (flags)`, as Pacemaker prints a primitive.
    func primitiveLine(_ resource: ClusterStatus.Resource, showsNodes: Bool) -> String {
        var line = "\(resource.id)\t(\(resource.agent)):\t"
        if resource.isOrphan { line += " ORPHANED" }
        if resource.isFailed {
            line += " FAILED" + (resource.role == "Promoted" ? " Promoted" : "")
        } else {
            line += " " + (resource.pendingTask.flatMap(Self.pendingState) ?? resource.role)
        }
        if showsNodes && !resource.nodes.isEmpty {
            line += resource.nodes.count == 1 ? " \(resource.nodes[0])" : " [ \(resource.nodes.joined(separator: " ")) ]"
        }
        var flags: [String] = []
        if resource.pendingTask == "monitor" { flags.append("Monitoring") }
        if resource.nodes.contains(where: { name in status.nodes.first { $0.name == name }?.isOnline == false }) {
            flags.append("OFFLINE")
        }
        if resource.isDisabled { flags.append("disabled") }
        if resource.isBlocked {
            flags.append("blocked")
        } else if !resource.isManaged {
            flags.append("unmanaged")
        }
        if resource.isFailureIgnored { flags.append("failure ignored") }
        return line + (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")
    }

    /// The state Pacemaker shows while an operation is in flight.
    static func pendingState(_ task: String) -> String? {
        switch task {
        case "start": return "Starting"
        case "stop": return "Stopping"
        case "migrate_to", "migrate_from": return "Migrating"
        case "promote": return "Promoting"
        case "demote": return "Demoting"
        default: return nil
        }
    }

    func attributeLines() -> [String] {
        var lines = ["Node Attributes:"]
        for node in status.nodes where node.isOnline && !node.attributes.isEmpty {
            lines.append("  * Node: \(node.name):")
            for (name, value) in node.attributes {
                lines.append("    * \(name.padding(toLength: 32))\t: \(value.padding(toLength: 10))")
            }
        }
        return lines
    }

    /// The migration summary (`withOperations` false) or the operation history.
    func historyLines(title: String, withOperations: Bool) -> [String] {
        var lines = [title]
        for (node, histories) in status.histories where status.nodes.first(where: { $0.name == node })?.isOnline == true {
            let shown = histories.filter { history in
                withOperations ? !history.operations.isEmpty : history.failCount > 0
            }
            guard !shown.isEmpty else { continue }
            lines.append("  * Node: \(node):")
            for history in shown {
                var text = "    * \(history.resource): migration-threshold=\(history.migrationThreshold)"
                if history.failCount > 0 {
                    text += " fail-count=\(Score.format(history.failCount))"
                    if let last = history.lastFailure { text += " last-failure='\(formatTime(last))'" }
                }
                guard withOperations else {
                    lines.append(text)
                    continue
                }
                lines.append(text + ":")
                for operation in history.operations {
                    let interval = operation.intervalMs > 0 ? ": interval=\"\(operation.intervalMs)ms\"" : ""
                    lines.append("      * (\(operation.callID)) \(operation.displayTask)\(interval)")
                }
            }
        }
        return lines
    }

    func failureLines() -> [String] {
        ["Failed Resource Actions:"] + status.failures.map { "  * " + failureText($0) }
    }

    /// Pacemaker's friendly failed-action sentence.
    func failureText(_ failure: ClusterStatus.Operation) -> String {
        var text = MonitorView.resourceName(ofKey: failure.key, fallback: failure.resource) + " "
        if failure.intervalMs > 0 { text += MonitorView.readableInterval(failure.intervalMs) + "-interval " }
        text += "\(failure.displayTask) on \(failure.node)"
        if failure.opStatus == 0 {
            text += " returned '\(MonitorView.exitText(failure.rcCode))'"
            if let reason = failure.exitReason, !reason.isEmpty { text += " (\(reason))" }
        } else {
            text += " could not be executed (\(MonitorView.executionStatusText(failure.opStatus))"
            if let reason = failure.exitReason, !reason.isEmpty { text += ": \(reason)" }
            text += ")"
        }
        if let changed = failure.lastRCChange { text += " at \(formatTime(changed))" }
        if let exec = failure.execTimeMs, exec > 0 { text += " after \(MonitorView.readableInterval(exec))" }
        return text
    }
}
