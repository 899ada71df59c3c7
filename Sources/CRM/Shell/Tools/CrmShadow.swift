import Glibc
import XML

/// `crm_shadow`: stage CIB changes in a named shadow copy, then commit them (Pacemaker's options,
/// messages and exit codes).
public enum CrmShadow {
    static let options: [ToolArguments.Option] = [
        .init("?", "help"), .init("$", "version"), .init("V", "verbose"),
        .init("w", "which"), .init("p", "display"), .init("E", "edit"), .init("d", "diff"), .init("F", "file"),
        .init("c", "create", .required), .init("e", "create-empty", .required), .init("C", "commit", .required),
        .init("D", "delete", .required), .init("r", "reset", .required), .init("s", "switch", .required),
        .init("f", "force"), .init("b", "batch"), .init("a", "all"), .init("v", "validate-with", .required),
    ]

    static let commands = ["which", "display", "edit", "diff", "file", "create", "create-empty", "commit", "delete", "reset", "switch"]

    static let dangerous =
        "The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, "
        + "the --force flag is required in order to proceed."

    /// Runs crm_shadow with `arguments` (no program name); returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String] = CIBSession.processEnvironment()) -> Int32 {
        let parsed: ToolArguments
        do {
            parsed = try ToolArguments(arguments, options: options)
        } catch {
            return Cibadmin.fail("crm_shadow: \(error)\n\(usage)", .usage)
        }
        if parsed.has("help") {
            ToolStreams.writeOut(usage)
            return 0
        }
        let given = commands.filter { parsed.has($0) }
        guard given.count == 1, let command = given.first else {
            return Cibadmin.fail("crm_shadow: exactly one command is needed\n\(usage)", .usage)
        }
        do {
            return try execute(command, parsed, environment: environment).rawValue
        } catch {
            return Cibadmin.fail(error.message, error.code)
        }
    }

    static let usage = """
        Usage: crm_shadow <query>|<command> [options]
        Queries: -w/--which  -p/--display  -E/--edit  -d/--diff  -F/--file
        Commands: -c/--create NAME  -e/--create-empty NAME  -C/--commit NAME  -D/--delete NAME
          -r/--reset NAME  -s/--switch NAME
        Options: -f/--force  -b/--batch  -a/--all  -v/--validate-with SCHEMA
        Shadow files live in CIB_shadow_dir (see Docs/CIB.md); CIB_shadow selects one for every tool.

        """

    typealias Failure = Cibadmin.Failure

    private static func execute(_ command: String, _ arguments: ToolArguments, environment: [String: String])
        throws(Failure) -> CRMExitCode
    {
        let active = environment["CIB_shadow"].flatMap { $0.isEmpty ? nil : $0 }
        switch command {
        case "which":
            guard let active else { throw Failure(.noSuchObject, "No active shadow configuration defined") }
            ToolStreams.writeOut(active + "\n")
            return .ok
        case "file", "display", "edit", "diff":
            guard let active else { throw Failure(.noSuchObject, "No active shadow configuration defined") }
            return try query(command, name: active, arguments: arguments, environment: environment)
        default:
            let name = arguments.value(command) ?? ""
            do {
                try CIBShadow.validate(name: name)
            } catch {
                throw Failure(.usage, "crm_shadow: \(error)")
            }
            return try change(command, name: name, arguments: arguments, environment: environment)
        }
    }

    private static func path(_ name: String, _ environment: [String: String]) -> String {
        CIBShadow.path(for: name, environment: environment)
    }

    private static func load(_ name: String, _ environment: [String: String]) throws(Failure) -> CIBDocument {
        let file = path(name, environment)
        do {
            return try CIBDocument.parse(CIBFileIO.read(file), source: file)
        } catch let error as CIBStoreError {
            throw Failure(error.exitCode, "Could not access shadow instance '\(name)': \(error)")
        } catch let error as CIBError {
            throw Failure(error.exitCode, "Shadow instance '\(name)' is not a valid CIB: \(error)")
        } catch {
            throw Failure(.error, "\(error)")
        }
    }

    /// The CIB a shadow is created from and committed to: the live one, i.e. CIB_file without CIB_shadow.
    static func liveEnvironment(_ environment: [String: String]) -> [String: String] {
        var live = environment
        live["CIB_shadow"] = nil
        return live
    }

    private static func query(_ command: String, name: String, arguments: ToolArguments, environment: [String: String])
        throws(Failure) -> CRMExitCode
    {
        let file = path(name, environment)
        switch command {
        case "file":
            ToolStreams.writeOut(file + "\n")
            return .ok
        case "display":
            ToolStreams.writeOut(try load(name, environment).xml.serialized(pretty: true))
            return .ok
        case "edit":
            _ = try load(name, environment)
            let editor = environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
            let status = CrmShadow.spawn(["/bin/sh", "-c", "exec \(editor) \"$0\"", file], environment: environment)
            guard status == 0 else { throw Failure(.error, "crm_shadow: \(editor) exited with status \(status)") }
            _ = try load(name, environment)
            return .ok
        default:
            let shadow = try load(name, environment)
            let live: CIBSession
            do {
                live = try CIBSession(environment: liveEnvironment(environment))
            } catch {
                throw Failure(error.exitCode, "Could not connect to the CIB: \(error)")
            }
            guard let patch = CIBPatch.create(from: live.document.xml, to: shadow.xml) else { return .ok }
            ToolStreams.writeOut(CIBPatchText.render(patch.root))
            return .error
        }
    }
}
