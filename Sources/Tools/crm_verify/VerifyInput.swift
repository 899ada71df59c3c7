import CRM
import Foundation

/// Where crm_verify reads the CIB from: -x, -X, -p, or -L (which honours CIB_file / CIB_shadow).
struct VerifyInput {
    var bytes: [UInt8]
    /// The file name for issue lines; nil for text and stdin.
    var name: String?
    var description: String
    var isText = false

    struct Failure: Error {
        var message: String
        var status: CRMExitCode
    }

    static func resolve(file: String?, text: String?, pipe: Bool, live: Bool) -> Result<VerifyInput, Failure> {
        if let file { return read(path: file, description: "input file: \(file)") }
        if let text {
            return .success(VerifyInput(bytes: Array(text.utf8), name: nil, description: "input string", isText: true))
        }
        if pipe {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return .success(VerifyInput(bytes: Array(data), name: nil, description: "input from STDIN"))
        }
        if live {
            let location = CIBLocation.resolve(CIBSession.processEnvironment())
            if let path = location.path { return read(path: path, description: "input file: \(path)") }
            // The live cluster's CIB through the local crmd.
            do {
                let session = try CIBSession()
                let text = session.document.xml.serialized()
                return .success(VerifyInput(bytes: Array(text.utf8), name: nil, description: "live cluster"))
            } catch .noLiveCluster {
                // Pacemaker 2.1.5's words and exit code when no cluster answers.
                return .failure(Failure(message: "CIB query failed: Input file not available", status: .noInput))
            } catch {
                return .failure(Failure(message: "CIB query failed: \(error)", status: error.exitCode))
            }
        }
        return .failure(Failure(message: "No configuration source specified.  Use --help for usage information.", status: .error))
    }

    private static func read(path: String, description: String) -> Result<VerifyInput, Failure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Failure(message: "Couldn't parse \(description) (cannot read \(path))", status: .error))
        }
        return .success(VerifyInput(bytes: Array(data), name: path, description: description))
    }
}

/// Writes tool output: results to stdout or `--output-to`, diagnostics to stderr.
enum VerifyOutput {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func write(_ text: String, to destination: String?) {
        guard let destination, destination != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        if !FileManager.default.createFile(atPath: destination, contents: Data(text.utf8)) {
            error("Could not write output to \(destination)")
        }
    }
}
