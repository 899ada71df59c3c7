import Glibc
import XML

extension CrmShadow {
    static func change(_ command: String, name: String, arguments: ToolArguments, environment: [String: String])
        throws(Failure) -> CRMExitCode
    {
        let file = CIBShadow.path(for: name, environment: environment)
        let force = arguments.has("force")
        switch command {
        case "create", "create-empty", "reset":
            if command != "reset", CIBFileIO.exists(file), !force {
                throw Failure(
                    .cannotCreate,
                    "A shadow instance '\(name)' already exists.\n  To prevent accidental destruction of the cluster, "
                        + "the --force flag is required in order to proceed.")
            }
            if command == "reset", !CIBFileIO.exists(file) {
                throw Failure(.noSuchObject, "Could not access shadow instance '\(name)': No such file or directory")
            }
            let document: CIBDocument
            if command == "create-empty" {
                let schema = arguments.value("validate-with") ?? "pacemaker-3.9"
                let empty = CIBDocument.empty(validateWith: schema)
                try? empty.root.setAttribute("epoch", "0")  // Pacemaker's shadow starts at 0.0.0
                document = empty
                ToolStreams.writeOut("Created new \(schema) configuration\n")
            } else {
                do {
                    document = try CIBSession(environment: liveEnvironment(environment)).document
                } catch {
                    throw Failure(error.exitCode, "Could not connect to the CIB: \(error)")
                }
            }
            try write(document, to: file)
            return announce(name, arguments: arguments, environment: environment)
        case "delete":
            guard force else { throw Failure(.usage, dangerous) }
            if CIBFileIO.exists(file), unlink(file) != 0 {
                throw Failure(.osFile, "Could not remove shadow instance '\(name)': \(CIBFileIO.describe(errno))")
            }
            ToolStreams.writeOut("Please remember to unset the CIB_shadow variable by pasting the following into your shell:\n  unset CIB_shadow\n")
            return .ok
        case "commit":
            guard force else { throw Failure(.usage, dangerous) }
            return try commit(name, all: arguments.has("all"), environment: environment)
        default:  // switch
            guard CIBFileIO.exists(file) else {
                throw Failure(.noSuchObject, "Could not access shadow instance '\(name)': No such file or directory")
            }
            ToolStreams.writeOut("To switch to the named shadow instance, paste the following into your shell:\n  CIB_shadow=\(name) ; export CIB_shadow\n")
            return .ok
        }
    }

    private static func write(_ document: CIBDocument, to file: String) throws(Failure) {
        do {
            try CIBFileIO.writeAtomically(Array(document.xml.serialized(pretty: true).utf8), to: file, mode: 0o640)
        } catch {
            throw Failure(error.exitCode, "Could not create the shadow instance: \(error)")
        }
    }

    private static func commit(_ name: String, all: Bool, environment: [String: String]) throws(Failure) -> CRMExitCode {
        let shadow = try loadShadow(name, environment)
        let live: CIBSession
        do {
            live = try CIBSession(environment: liveEnvironment(environment))
        } catch {
            throw Failure(error.exitCode, "Could not connect to the CIB: \(error)")
        }
        let request: CIBRequest
        if all {
            request = .replace(.whole, shadow.root)
        } else {
            guard let configuration = shadow.section(.configuration) else {
                throw Failure(.dataError, "Shadow instance '\(name)' has no configuration section")
            }
            request = .replace(.scope(.configuration), configuration)
        }
        do {
            try live.apply(request)
        } catch {
            throw Failure(error.exitCode, "Could not commit shadow instance '\(name)' to the CIB: \(error)")
        }
        ToolStreams.writeOut("Please remember to unset the CIB_shadow variable by pasting the following into your shell:\n  unset CIB_shadow\n")
        return .ok
    }

    private static func loadShadow(_ name: String, _ environment: [String: String]) throws(Failure) -> CIBDocument {
        let file = CIBShadow.path(for: name, environment: environment)
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

    /// After create/reset: with --batch (or without a terminal) print how to use the shadow;
    /// otherwise start `$SHELL` with CIB_shadow set, as Pacemaker does.
    private static func announce(_ name: String, arguments: ToolArguments, environment: [String: String]) -> CRMExitCode {
        ToolStreams.writeOut("Setting up shadow instance\n")
        if arguments.has("batch") || isatty(0) == 0 {
            ToolStreams.writeOut(
                "A new shadow instance was created.  To begin using it paste the following into your shell:\n"
                    + "  CIB_shadow=\(name) ; export CIB_shadow\n")
            return .ok
        }
        var shellEnvironment = environment
        shellEnvironment["CIB_shadow"] = name
        let shell = environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh"
        let status = spawn([shell], environment: shellEnvironment)
        return status == 0 ? .ok : .error
    }

    /// Runs a program in the foreground with `environment` and returns its exit status.
    static func spawn(_ argv: [String], environment: [String: String]) -> Int32 {
        var pid = pid_t()
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        guard posix_spawnp(&pid, argv[0], nil, nil, arguments, variables) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
