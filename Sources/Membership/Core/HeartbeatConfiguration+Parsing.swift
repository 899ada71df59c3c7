import Messaging

extension HeartbeatConfiguration {
    /// Directives of Heartbeat's ha.cf that we read but that have no effect (logging goes to the journal).
    static let ignoredDirectives: Set<String> = ["logfacility", "logfile", "debugfile", "use_logd", "debug"]

    /// Heartbeat directives we refuse, with why.
    static let refusedDirectives: [String: String] = [
        "serial": "serial links are not supported; use ucast, mcast or bcast",
        "baud": "serial links are not supported; use ucast, mcast or bcast",
        "crm": "the CRM is started by `ha`, not by heartbeat",
        "pacemaker": "the CRM is started by `ha`, not by heartbeat",
        "auto_failback": "resource placement belongs to the CRM (resource-stickiness)",
        "respawn": "`ha` starts and watches the daemons",
        "ping": "ping nodes are not supported",
        "ping_group": "ping nodes are not supported",
        "stonith": "fencing is configured in the CIB",
        "stonith_host": "fencing is configured in the CIB",
    ]

    /// Parses the text of an ha.cf. `file` names it in errors. Checks the whole file, then the whole
    /// configuration (unique names and ids, this node listed, at least one medium).
    public static func parse(_ text: String, file: String) throws(ConfigurationFileError) -> HeartbeatConfiguration {
        var configuration = HeartbeatConfiguration()
        var timingLines: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let directive = words.first?.lowercased() else { continue }
            var line = DirectiveLine(file: file, number: index + 1, directive: directive, arguments: Array(words.dropFirst()))
            try configuration.apply(&line)
            if ["keepalive", "warntime", "deadtime", "initdead"].contains(directive) {
                timingLines[directive] = index + 1
            }
        }
        try configuration.validate(file: file, timingLines: timingLines)
        return configuration
    }

    private mutating func apply(_ line: inout DirectiveLine) throws(ConfigurationFileError) {
        switch line.directive {
        case "node": try addNodes(line)
        case "ucast":
            try line.expectCount(2, usage: "ucast <interface> <peer address>")
            links.append(.unicast(interface: line.arguments[0], peer: line.arguments[1]))
        case "mcast":
            try line.expectCount(5, usage: "mcast <interface> <group> <port> <ttl> <loop>")
            let group = line.arguments[1]
            guard let octets = IPv4Octets(group), (224...239).contains(octets.first) else {
                throw line.error("mcast: '\(group)' is not an IPv4 multicast group (224.0.0.0 to 239.255.255.255)")
            }
            guard let loop = Int(line.arguments[4]), loop == 0 || loop == 1 else {
                throw line.error("mcast: loop must be 0 or 1, not '\(line.arguments[4])'")
            }
            links.append(
                .multicast(
                    interface: line.arguments[0], group: group,
                    port: try line.integer(at: 2, in: 1...65534), ttl: try line.integer(at: 3, in: 0...255),
                    loop: loop == 1))
        case "bcast":
            guard !line.arguments.isEmpty else { throw line.error("usage: bcast <interface> [<interface> ...]") }
            links.append(.broadcast(interfaces: line.arguments))
        case "udpport":
            try line.expectCount(1, usage: "udpport <port>")
            udpPort = try line.integer(at: 0, in: 1...65535)
        case "keepalive": timings.keepalive = try line.duration()
        case "warntime": timings.warntime = try line.duration()
        case "deadtime": timings.deadtime = try line.duration()
        case "initdead": timings.initdead = try line.duration()
        case "autojoin":
            try line.expectCount(1, usage: "autojoin none|other|any")
            guard let value = Autojoin(rawValue: line.arguments[0].lowercased()) else {
                throw line.error("autojoin must be none, other or any, not '\(line.arguments[0])'")
            }
            autojoin = value
        case "cluster":
            try line.expectCount(1, usage: "cluster <name>")
            clusterName = line.arguments[0]
        case "nodename":
            try line.expectCount(1, usage: "nodename <name>")
            localNodeName = line.arguments[0]
        case "crypto": isEncrypted = try line.flag()
        default: try applyQuorumOrOther(&line)
        }
    }

    private mutating func applyQuorumOrOther(_ line: inout DirectiveLine) throws(ConfigurationFileError) {
        switch line.directive {
        case "expected_votes":
            try line.expectCount(1, usage: "expected_votes <votes>")
            quorum.expectedVotes = try line.integer(at: 0, in: 1...65535)
        case "two_node": quorum.twoNode = try line.flag()
        case "wait_for_all": quorum.waitForAll = try line.flag()
        case "last_man_standing": quorum.lastManStanding = try line.flag()
        case "last_man_standing_window": quorum.lastManStandingWindow = try line.duration(defaultUnitIsMilliseconds: true)
        case "auto_tie_breaker":
            let on = try line.flag()
            quorum.autoTieBreaker = on ? (quorum.autoTieBreaker ?? .lowest) : nil
        case "auto_tie_breaker_node": quorum.autoTieBreaker = try line.tieBreaker()
        case let directive where Self.ignoredDirectives.contains(directive):
            warnings.append("\(line.file):\(line.number): '\(directive)' has no effect (logs go to the journal)")
        case let directive:
            if let reason = Self.refusedDirectives[directive] {
                throw line.error("'\(directive)' is not supported: \(reason)")
            }
            throw line.error("unknown directive '\(directive)'")
        }
    }

    private mutating func addNodes(_ line: DirectiveLine) throws(ConfigurationFileError) {
        guard let first = line.arguments.first else { throw line.error("usage: node <name> [<name> ...] or node <name> id=<n> votes=<n> addr=<ip>") }
        let attributes = line.arguments.dropFirst().filter { $0.contains("=") }
        if attributes.isEmpty {
            for name in line.arguments { nodes.append(Node(name: name, id: NodeID(UInt32(nodes.count + 1)))) }
            return
        }
        guard attributes.count == line.arguments.count - 1 else {
            throw line.error("a node line with attributes names one node: node <name> id=<n> votes=<n> addr=<ip>")
        }
        var node = Node(name: first, id: NodeID(UInt32(nodes.count + 1)))
        for attribute in attributes {
            let parts = attribute.split(separator: "=", maxSplits: 1).map(String.init)
            let value = parts.count == 2 ? parts[1] : ""
            switch parts[0] {
            case "id":
                guard let id = UInt32(value), id > 0 else { throw line.error("node id must be a positive integer, not '\(value)'") }
                node.id = NodeID(id)
            case "votes":
                guard let votes = Int(value), (0...255).contains(votes) else { throw line.error("votes must be 0...255, not '\(value)'") }
                node.votes = votes
            case "addr":
                guard !value.isEmpty else { throw line.error("addr needs an address") }
                node.address = value
            default: throw line.error("unknown node attribute '\(parts[0])' (id, votes, addr)")
            }
        }
        nodes.append(node)
    }

    private func validate(file: String, timingLines: [String: Int]) throws(ConfigurationFileError) {
        guard !nodes.isEmpty else { throw ConfigurationFileError(file: file, line: 0, reason: "no node directive") }
        var names: Set<String> = []
        var ids: Set<NodeID> = []
        for node in nodes {
            guard names.insert(node.name).inserted else {
                throw ConfigurationFileError(file: file, line: 0, reason: "node '\(node.name)' is listed twice")
            }
            guard ids.insert(node.id).inserted else {
                throw ConfigurationFileError(file: file, line: 0, reason: "node id \(node.id) is used twice")
            }
        }
        guard !links.isEmpty || nodes.allSatisfy({ $0.address != nil }) else {
            throw ConfigurationFileError(
                file: file, line: 0, reason: "no medium: add ucast, mcast or bcast, or addr= on every node line")
        }
        if let name = localNodeName, node(named: name) == nil {
            throw ConfigurationFileError(file: file, line: 0, reason: "nodename '\(name)' is not a listed node")
        }
        if timings.deadtime <= timings.keepalive {
            throw ConfigurationFileError(
                file: file, line: timingLines["deadtime"] ?? timingLines["keepalive"] ?? 0,
                reason: "deadtime (\(timings.deadtime)) must be longer than keepalive (\(timings.keepalive))")
        }
        if timings.warntime > timings.deadtime {
            throw ConfigurationFileError(
                file: file, line: timingLines["warntime"] ?? 0, reason: "warntime must not exceed deadtime")
        }
        if quorum.twoNode && configuredVotes.values.reduce(0, +) != 2 && quorum.expectedVotes != 2 {
            throw ConfigurationFileError(file: file, line: 0, reason: "two_node needs exactly two votes in the cluster")
        }
    }
}

/// One directive line being parsed, with helpers that throw errors naming its place.
struct DirectiveLine {
    let file: String
    let number: Int
    let directive: String
    let arguments: [String]

    init(file: String, number: Int, directive: String, arguments: [String]) {
        self.file = file
        self.number = number
        self.directive = directive
        self.arguments = arguments
    }

    func error(_ reason: String) -> ConfigurationFileError { ConfigurationFileError(file: file, line: number, reason: reason) }

    func expectCount(_ count: Int, usage: String) throws(ConfigurationFileError) {
        guard arguments.count == count else { throw error("usage: \(usage)") }
    }

    func integer(at index: Int, in range: ClosedRange<Int>) throws(ConfigurationFileError) -> Int {
        guard let value = Int(arguments[index]), range.contains(value) else {
            throw error("\(directive): '\(arguments[index])' is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func flag() throws(ConfigurationFileError) -> Bool {
        try expectCount(1, usage: "\(directive) on|off")
        switch arguments[0].lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: throw error("\(directive) must be on or off, not '\(arguments[0])'")
        }
    }

    /// Heartbeat's durations: seconds by default (`2`, `1.5`), or with a unit (`500ms`, `2s`).
    func duration(defaultUnitIsMilliseconds: Bool = false) throws(ConfigurationFileError) -> Duration {
        try expectCount(1, usage: "\(directive) <time> (seconds, or with ms/s)")
        var text = arguments[0].lowercased()
        var scale = defaultUnitIsMilliseconds ? 1.0 : 1000.0
        if text.hasSuffix("ms") {
            text.removeLast(2)
            scale = 1
        } else if text.hasSuffix("s") {
            text.removeLast()
            scale = 1000
        }
        guard let value = Double(text), value > 0, value * scale <= 86_400_000 else {
            throw error("\(directive): '\(arguments[0])' is not a positive time")
        }
        return .microseconds(Int64((value * scale * 1000).rounded()))
    }

    func tieBreaker() throws(ConfigurationFileError) -> TieBreaker {
        guard !arguments.isEmpty else { throw error("usage: auto_tie_breaker_node lowest|highest|<node id> ...") }
        switch arguments[0].lowercased() {
        case "lowest" where arguments.count == 1: return .lowest
        case "highest" where arguments.count == 1: return .highest
        default:
            var nodes: [NodeID] = []
            for argument in arguments {
                guard let id = UInt32(argument), id > 0 else {
                    throw error("auto_tie_breaker_node: '\(argument)' is not lowest, highest or a node id")
                }
                nodes.append(NodeID(id))
            }
            return .list(nodes)
        }
    }
}

/// A dotted-quad IPv4 address read without the C library (Core does no I/O).
struct IPv4Octets {
    /// The first octet.
    let first: Int

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var values: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = Int(part), (0...255).contains(value)
            else { return nil }
            values.append(value)
        }
        first = values[0]
    }
}
