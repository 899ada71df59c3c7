import XML

extension Cibadmin {
    /// Runs one command against an open session and prints its output.
    static func perform(
        _ command: String, target: CIBTarget, input: XMLDocument?, arguments: ToolArguments, session: CIBSession
    ) throws(Failure) -> CRMExitCode {
        let request: CIBRequest
        switch command {
        case "query":
            let elements: [XMLElement]
            do {
                elements = try session.query(target)
            } catch {
                throw callFailed(error)
            }
            ToolStreams.writeOut(
                CIBQueryOutput.render(
                    elements, noChildren: arguments.has("no-children"), nodePaths: arguments.has("node-path")))
            return .ok
        case "erase": request = .erase
        case "bump": request = .bump
        case "delete", "delete-all":
            if case .xpath = target {
                request = .delete(
                    target, input?.root, allMatches: command == "delete-all" || arguments.has("delete-all"))
            } else {
                request = .delete(target, try required(input, command).root, allMatches: false)
            }
        case "create": request = .create(target, try required(input, command).root)
        case "modify":
            request = .modify(target, try required(input, command).root, allowCreate: arguments.has("allow-create"))
        case "replace": request = .replace(target, try required(input, command).root)
        case "patch": request = .applyPatch(try required(input, command).root)
        default: throw Failure(.usage, "cibadmin: unknown command --\(command)")
        }
        do {
            try session.apply(request)
        } catch {
            switch error {
            case .cib(let error):
                if case .alreadyExists = error, let element = input?.root { printFailedCreate(element) }
                throw callFailed(error)
            case .store(let error):
                throw Failure(error.exitCode, "cibadmin: \(error)")
            case .cluster(let code, let message):
                throw Failure(code, "Call failed: \(code.description): \(message)")
            }
        }
        return .ok
    }

    private static func required(_ input: XMLDocument?, _ command: String) throws(Failure) -> XMLDocument {
        guard let input else {
            throw Failure(
                .usage, "cibadmin: --\(command) needs XML input (-X/--xml-text, -x/--xml-file or -p/--xml-pipe)")
        }
        return input
    }

    private static func callFailed(_ error: CIBError) -> Failure {
        Failure(error.exitCode, "Call failed: \(error.exitCode.description): \(error)")
    }

    /// Pacemaker prints the rejected object of a failed create on stdout.
    private static func printFailedCreate(_ element: XMLElement) {
        guard let document = try? XMLDocument(rootName: "failed") else { return }
        let update = try? document.root.addChild(
            "failed_update",
            attributes: [
                ("id", element[attribute: "id"] ?? ""), ("object_type", element.name), ("operation", "cib_create"),
                ("reason", "File exists"),
            ])
        update?.appendCopy(of: element)
        ToolStreams.writeOut(document.serialized(pretty: true))
    }
}
