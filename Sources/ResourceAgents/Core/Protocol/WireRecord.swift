/// The text form of an lrmd message body: records of `name=value` lines, separated by `--` lines.
/// Values escape backslash and newline (`\\`, `\n`), so any value round-trips. Field order is kept.
struct WireRecord: Sendable, Hashable {
    var fields: [(String, String)] = []

    static func == (lhs: WireRecord, rhs: WireRecord) -> Bool {
        lhs.fields.map { "\($0)=\($1)" } == rhs.fields.map { "\($0)=\($1)" }
    }

    func hash(into hasher: inout Hasher) {
        for (name, value) in fields {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    mutating func set(_ name: String, _ value: String) { fields.append((name, value)) }
    mutating func set(_ name: String, _ value: String?) { if let value { fields.append((name, value)) } }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    func require(_ name: String) throws(LRMDProtocolError) -> String {
        guard let value = self[name] else { throw .missingField(name) }
        return value
    }

    func integer(_ name: String) throws(LRMDProtocolError) -> Int64 {
        let text = try require(name)
        guard let value = Int64(text) else { throw .invalidField(name: name, value: text) }
        return value
    }

    func milliseconds(_ name: String, default fallback: Duration = .zero) throws(LRMDProtocolError) -> Duration {
        guard self[name] != nil else { return fallback }
        let value = try integer(name)
        guard value >= 0 else { throw .invalidField(name: name, value: String(value)) }
        return .milliseconds(value)
    }

    /// Fields named `prefix.NAME` as a dictionary keyed by NAME.
    func dictionary(prefix: String) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in fields where name.hasPrefix(prefix + ".") {
            result[String(name.dropFirst(prefix.count + 1))] = value
        }
        return result
    }

    mutating func set(prefix: String, _ dictionary: [String: String]) {
        for (name, value) in dictionary.sorted(by: { $0.key < $1.key }) { set("\(prefix).\(name)", value) }
    }

    static func encode(_ records: [WireRecord]) -> String {
        records.map { record in
            record.fields.map { "\($0)=\(escape($1))\n" }.joined()
        }.joined(separator: "--\n")
    }

    static func decode(_ text: String) throws(LRMDProtocolError) -> [WireRecord] {
        var records: [WireRecord] = [WireRecord()]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line == "--" {
                records.append(WireRecord())
                continue
            }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw .malformedLine(String(line))
            }
            records[records.count - 1].set(String(line[..<equals]), unescape(line[line.index(after: equals)...]))
        }
        return records
    }

    static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\r" }) else { return value }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\r\n": result += "\\r\\n"
            default: result.append(character)
            }
        }
        return result
    }

    static func unescape(_ value: Substring) -> String {
        guard value.contains("\\") else { return String(value) }
        var result = ""
        var isEscaped = false
        for character in value {
            if isEscaped {
                result.append(character == "n" ? "\n" : character == "r" ? "\r" : character)
                isEscaped = false
            } else if character == "\\" {
                isEscaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
