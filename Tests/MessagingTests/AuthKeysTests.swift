import Foundation
import Messaging
import Testing

@Suite("authkeys")
struct AuthKeysTests {
    @Test("Heartbeat's format with numbered keys parses; the description hides secrets")
    func parses() throws {
        let keys = try AuthKeys.parse(
            "# comment\nauth 2\n1 sha1 OldSecretValue\n2 hmac-sha256 0123456789abcdef\n", path: "authkeys")
        #expect(keys.activeKeyNumber == 2)
        #expect(keys.entries.keys.sorted() == [1, 2])
        #expect(!"\(keys)".contains("Secret"))
        let reparsed = try AuthKeys.parse(keys.fileText, path: "again")
        #expect(reparsed.entries[2]?.secret == "0123456789abcdef")
    }

    @Test("bad files are refused with file, line and reason", arguments: [
        ("1 sha1 abcdefghij\n", 0), ("auth 1\n1 crc whatever123\n", 2), ("auth 3\n1 md5 abcdefghij\n", 1),
        ("auth 1\n1 sha1 short\n", 2), ("auth 1\n1 sha1 abcdefghij\n1 md5 abcdefghij\n", 3),
    ])
    func refusesBadFiles(text: String, line: Int) {
        do {
            _ = try AuthKeys.parse(text, path: "authkeys")
            Issue.record("accepted \(text)")
        } catch {
            guard case .invalid(let path, let errorLine, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path == "authkeys")
            #expect(errorLine == line)
        }
    }

    @Test("a file others may read is refused; ha-keygen's file loads")
    func permissions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("authkeys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secret = try AuthKeysFile.generateSecret()
        #expect(secret.count == 64)
        try AuthKeysFile.write(AuthKeys(activeKeyNumber: 1, entries: [1: .init(method: "hmac-sha256", secret: secret)]), to: path)
        let loaded = try AuthKeysFile.load(path: path)
        #expect(loaded.active == 1)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: AuthKeysError.unsafePermissions(path: path, mode: 0o644)) { try AuthKeysFile.load(path: path) }
    }
}
