// ha-keygen: writes a Heartbeat-style authkeys file with a fresh random key (like corosync-keygen).
import ArgumentParser
import Foundation
import Messaging

struct HAKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha-keygen",
        abstract: "Generate the cluster authentication key file (authkeys, mode 0600).",
        discussion: """
            Writes 'auth 1' and '1 hmac-sha256 <64 hex digits>' from OpenSSL's random generator, with fsync and an \
            atomic rename. Copy the file to every node. To roll keys over without downtime: run with --add on one \
            node and copy the file everywhere (all nodes now accept both keys), then run --activate N and copy it \
            again (nodes send with the new key), then remove the old line.
            """)

    @Option(name: [.short, .customLong("key-file")], help: "The authkeys file to write.")
    var keyFile = "/etc/ha.d/authkeys"
    @Flag(name: .shortAndLong, help: "Overwrite an existing file.") var force = false
    @Flag(help: "Add a new key with the next free number to an existing file (it stays inactive).") var add = false
    @Option(help: "Make key number N the one used to send.") var activate: UInt8?

    func validate() throws {
        if add && activate != nil { throw ValidationError("use --add and --activate in separate steps") }
    }

    func run() throws {
        let exists = FileManager.default.fileExists(atPath: keyFile)
        if add || activate != nil {
            guard exists else { throw ValidationError("\(keyFile) does not exist; run ha-keygen without options") }
            let text = try String(contentsOfFile: keyFile, encoding: .utf8)
            var keys = try AuthKeys.parse(text, path: keyFile)
            if add {
                guard let number = (1...UInt8.max).first(where: { keys.entries[$0] == nil }) else {
                    throw ValidationError("\(keyFile) already holds 255 keys")
                }
                keys.entries[number] = .init(method: "hmac-sha256", secret: try AuthKeysFile.generateSecret())
                print("ha-keygen: added key \(number) to \(keyFile) (inactive)")
            }
            if let activate {
                guard keys.entries[activate] != nil else { throw ValidationError("\(keyFile) has no key \(activate)") }
                keys.activeKeyNumber = activate
                print("ha-keygen: key \(activate) is now used to send")
            }
            try AuthKeysFile.write(keys, to: keyFile)
            return
        }
        if exists && !force { throw ValidationError("\(keyFile) exists; use --force to replace it") }
        let keys = AuthKeys(
            activeKeyNumber: 1, entries: [1: .init(method: "hmac-sha256", secret: try AuthKeysFile.generateSecret())])
        try AuthKeysFile.write(keys, to: keyFile)
        print("ha-keygen: wrote \(keyFile)")
    }
}

HAKeygen.main()
