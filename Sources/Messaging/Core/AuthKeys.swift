/// The contents of a Heartbeat `authkeys` file: `auth N` names the key used to send; lines `N method secret`
/// list every key accepted on receipt (so keys can be rolled over one node at a time).
///
/// Methods: `hmac-sha256` (ours, as written by `ha-keygen`), and Heartbeat's `sha1` and `md5`, whose secrets are
/// mapped to a cluster key the same way (the wire always uses HMAC-SHA256 or AES-256-GCM; see
/// Docs/Messaging-Wire-Format.md). `crc` authenticates nothing and is refused. The secrets never appear in a
/// description or a log.
public struct AuthKeys: Sendable, CustomStringConvertible {
    /// One numbered key line.
    public struct Entry: Sendable {
        /// `hmac-sha256`, `sha1` or `md5`.
        public var method: String
        /// The secret text as written in the file.
        public var secret: String
        /// Builds a key line.
        public init(method: String, secret: String) {
            self.method = method
            self.secret = secret
        }
    }
    /// The key number used to send (`auth N`).
    public var activeKeyNumber: UInt8
    /// Every configured key by number.
    public var entries: [UInt8: Entry]

    /// Builds the contents of a file.
    public init(activeKeyNumber: UInt8, entries: [UInt8: Entry]) {
        self.activeKeyNumber = activeKeyNumber
        self.entries = entries
    }

    /// Parses an authkeys file; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(AuthKeysError) -> AuthKeys {
        var active: (number: UInt8, line: Int)?
        var entries: [UInt8: Entry] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            if first == "auth" {
                guard fields.count == 2, let number = UInt8(fields[1]), number > 0 else {
                    throw .invalid(path: path, line: line, reason: "expected 'auth N' with N in 1...255")
                }
                guard active == nil else { throw .invalid(path: path, line: line, reason: "a second 'auth' line") }
                active = (number, line)
                continue
            }
            guard let number = UInt8(first), number > 0 else {
                throw .invalid(path: path, line: line, reason: "expected 'auth N' or 'N method secret'")
            }
            guard fields.count >= 3 else {
                throw .invalid(path: path, line: line, reason: "key \(number) needs a method and a secret")
            }
            let method = fields[1].lowercased()
            guard ["hmac-sha256", "sha1", "md5"].contains(method) else {
                let hint = method == "crc" ? "crc authenticates nothing; run ha-keygen" : "unknown method"
                throw .invalid(path: path, line: line, reason: "key \(number): \(hint) '\(method)'")
            }
            guard entries[number] == nil else {
                throw .invalid(path: path, line: line, reason: "key \(number) is defined twice")
            }
            let secret = fields[2...].joined(separator: " ")
            guard secret.utf8.count >= 8 else {
                throw .invalid(path: path, line: line, reason: "key \(number) is shorter than 8 characters")
            }
            entries[number] = Entry(method: method, secret: secret)
        }
        guard let active else { throw .invalid(path: path, line: 0, reason: "no 'auth N' line") }
        guard entries[active.number] != nil else {
            throw .invalid(path: path, line: active.line, reason: "'auth \(active.number)' names no key line")
        }
        return AuthKeys(activeKeyNumber: active.number, entries: entries)
    }

    /// The file text for these keys (as `ha-keygen` writes it).
    public var fileText: String {
        var text = "# Cluster authentication keys (mode 0600). Written by ha-keygen.\nauth \(activeKeyNumber)\n"
        for number in entries.keys.sorted() {
            guard let entry = entries[number] else { continue }
            text += "\(number) \(entry.method) \(entry.secret)\n"
        }
        return text
    }

    public var description: String { "AuthKeys(auth \(activeKeyNumber), keys \(entries.keys.sorted()), redacted)" }
}

/// An authkeys file is unusable; the message names the file, the line and the reason, never a secret.
public enum AuthKeysError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A syntax or content error.
    case invalid(path: String, line: Int, reason: String)
    /// Group or others may read the file (Heartbeat refuses such files too).
    case unsafePermissions(path: String, mode: UInt32)
    /// The file cannot be read or written.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .unsafePermissions(let path, let mode):
            "\(path): mode \(String(mode, radix: 8)) lets group or others read the keys; chmod 600 it"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
