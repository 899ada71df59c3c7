// crm_error: names and descriptions of Pacemaker's result codes, as Pacemaker's crm_error prints them.
import ArgumentParser
import CRM
import Foundation
import XML

/// Parses options and prints from `ResultCodeFamily`; the tables live in the CRM library.
struct CRMError: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm_error",
        abstract: "crm_error - display name or description of a Pacemaker error code",
        discussion: """
            Without codes (or with -l) every known code of the family is listed. The family is the legacy \
            function return values by default, standard return codes with -r, tool exit codes with -X. \
            Negative codes go after "--". Always exits 0 unless the options are wrong (64).
            """)

    @Flag(name: [.customShort("n"), .customLong("name")], help: "Show error's name with its description")
    var showName = false

    @Flag(name: [.customShort("l"), .customLong("list")], help: "Show all known errors (enabled by default if no rc is specified)")
    var list = false

    @Flag(name: [.customShort("X"), .customLong("exit")], help: "Interpret as exit code rather than legacy function return value")
    var exitCodes = false

    @Flag(name: [.customShort("r"), .customLong("rc")], help: "Interpret as return code rather than legacy function return value")
    var returnCodes = false

    @Flag(name: [.customShort("V"), .customLong("verbose")], help: "Increase debug output (accepted, no effect)")
    var verbose: Int

    @Option(name: .customLong("output-as"), help: ArgumentHelp("Output format: text (default) or xml", valueName: "FORMAT"))
    var outputAs: ErrorOutputFormat = .text

    @Option(name: .customLong("output-to"), help: ArgumentHelp("File name for output (or \"-\" for stdout)", valueName: "DEST"))
    var outputTo: String?

    @Argument(help: ArgumentHelp("Result codes to describe (negative ones after \"--\")", valueName: "rc"))
    var codes: [String] = []

    func validate() throws {
        for code in codes where Int(code) == nil {
            throw ValidationError("'\(code)' is not a result code (an integer)")
        }
    }

    func run() throws {
        let family: ResultCodeFamily = exitCodes ? .exitCode : (returnCodes ? .standard : .legacy)
        let entries = list || codes.isEmpty ? family.entries : codes.compactMap(Int.init).map(family.entry(for:))
        let listing = list || codes.isEmpty
        let text: String
        switch outputAs {
        case .text:
            text = entries.map { line(for: $0, listing: listing) }.joined()
        case .xml:
            let elements = entries.compactMap(element(for:)).map { $0.serialized() }
            text = PacemakerResult.render(request: CommandLine.arguments.joined(separator: " "), body: elements, code: .ok)
        }
        write(text)
    }

    private func line(for entry: ResultCodeFamily.Entry, listing: Bool) -> String {
        if listing {
            let code = String(repeating: " ", count: max(0, 5 - String(entry.code).count)) + String(entry.code)
            guard showName else { return "\(code): \(entry.description)\n" }
            let name = entry.name.padding(toLength: max(26, entry.name.count), withPad: " ", startingAt: 0)
            return "\(code): \(name)  \(entry.description)\n"
        }
        return showName ? "\(entry.name) - \(entry.description)\n" : "\(entry.description)\n"
    }

    private func element(for entry: ResultCodeFamily.Entry) -> XMLElement? {
        guard let document = try? XMLDocument(rootName: "result-code") else { return nil }
        try? document.root.setAttribute("code", String(entry.code))
        if showName { try? document.root.setAttribute("name", entry.name) }
        try? document.root.setAttribute("description", entry.description)
        return document.root
    }

    private func write(_ text: String) {
        guard let outputTo, outputTo != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        if !FileManager.default.createFile(atPath: outputTo, contents: Data(text.utf8)) {
            FileHandle.standardError.write(Data("crm_error: could not write \(outputTo)\n".utf8))
        }
    }
}

/// `--output-as` values.
enum ErrorOutputFormat: String, ExpressibleByArgument {
    case text, xml
}

CRMError.main()
