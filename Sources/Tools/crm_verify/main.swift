// crm_verify: check a CIB for schema and configuration errors, as Pacemaker's crm_verify does.
import ArgumentParser
import CRM
import Foundation
import XML

/// Parses options and hands the input to `CIBVerification`; the checks live in the CRM library.
struct CRMVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm_verify",
        abstract: "Check a Pacemaker configuration for errors",
        discussion: """
            Check the well-formedness of a complete Pacemaker XML configuration, its conformance to the \
            configured schema, and the presence of common misconfigurations. Problems reported as errors must \
            be fixed before the cluster will work properly. Exit status: 0 valid, 78 invalid configuration, \
            1 unreadable input, 64 usage, 102 no live cluster (for -L without CIB_file/CIB_shadow).
            """)

    @Flag(name: [.customShort("L"), .customLong("live-check")], help: "Check the configuration used by the running cluster (honours CIB_file and CIB_shadow)")
    var liveCheck = false

    @Option(name: [.customShort("x"), .customLong("xml-file")], help: ArgumentHelp("Check the configuration in the named file", valueName: "FILE"))
    var xmlFile: String?

    @Flag(name: [.customShort("p"), .customLong("xml-pipe")], help: "Check the configuration piped in via stdin")
    var xmlPipe = false

    @Option(name: [.customShort("X"), .customLong("xml-text")], help: ArgumentHelp("Check the configuration in the supplied string", valueName: "XML"))
    var xmlText: String?

    @Option(name: [.customShort("S"), .customLong("save-xml")], help: ArgumentHelp("Save verified XML to named file", valueName: "FILE"))
    var saveXML: String?

    @Flag(name: [.customShort("V"), .customLong("verbose")], help: "Increase debug output (may be specified multiple times)")
    var verbose: Int

    @Option(name: .customLong("output-as"), help: ArgumentHelp("Output format: text (default) or xml", valueName: "FORMAT"))
    var outputAs: OutputFormat = .text

    @Option(name: .customLong("output-to"), help: ArgumentHelp("File name for output (or \"-\" for stdout)", valueName: "DEST"))
    var outputTo: String?

    func run() throws {
        let status = verify()
        if outputAs == .xml {
            let result = PacemakerResult.render(request: CommandLine.arguments.joined(separator: " "), code: status)
            VerifyOutput.write(result, to: outputTo)
        }
        throw ExitCode(status.rawValue)
    }

    private func verify() -> CRMExitCode {
        let input: VerifyInput
        switch VerifyInput.resolve(file: xmlFile, text: xmlText, pipe: xmlPipe, live: liveCheck) {
        case .success(let found): input = found
        case .failure(let failure):
            VerifyOutput.error("crm_verify: \(failure.message)")
            return failure.status
        }
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(input.bytes, source: input.name ?? "<xml-text>")
        } catch {
            VerifyOutput.error("crm_verify: Couldn't parse \(input.description): \(error)")
            return input.isText ? .config : .error
        }
        let verification = CIBVerification(document)
        for line in verification.reportLines(source: input.name, verbosity: verbose) { VerifyOutput.error(line) }
        if let saveXML {
            do {
                try document.serialized(pretty: true).write(toFile: saveXML, atomically: true, encoding: .utf8)
            } catch {
                VerifyOutput.error("crm_verify: Could not save the verified XML to \(saveXML): \(error)")
                return .cannotCreate
            }
        }
        return verification.exitCode
    }
}

/// `--output-as` values.
enum OutputFormat: String, ExpressibleByArgument {
    case text, xml
}

CRMVerify.main()
