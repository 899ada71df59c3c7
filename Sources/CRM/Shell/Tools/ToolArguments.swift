/// A command-line parser with GLib's conventions, which Pacemaker's tools use: `-X value`, `-Xvalue`,
/// `--long value`, `--long=value`, bundled short flags (`-Qn`), optional values only as
/// `--long=value`, and `--` ending the options.
public struct ToolArguments {
    /// How an option takes a value.
    public enum Value: Sendable {
        case none
        case required
        case optional
    }

    /// One option a tool accepts.
    public struct Option: Sendable {
        public var short: Character?
        public var long: String
        public var value: Value

        /// An option with an optional one-letter form.
        public init(_ short: Character?, _ long: String, _ value: Value = .none) {
            self.short = short
            self.long = long
            self.value = value
        }
    }

    /// The options found, by long name, in command-line order (repeats kept).
    public private(set) var options: [(name: String, value: String?)] = []
    /// Arguments that are not options.
    public private(set) var positionals: [String] = []

    /// Parses `arguments` (without the program name).
    /// - Throws: a message naming the offending argument, for exit code 64.
    public init(_ arguments: [String], options specification: [Option]) throws(ToolUsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix(while: { $0 != "=" }))
                let inline = body.contains("=") ? String(body.drop(while: { $0 != "=" }).dropFirst()) : nil
                guard let option = specification.first(where: { $0.long == name }) else {
                    throw ToolUsageError("unrecognized option '--\(name)'")
                }
                options.append((name, try value(for: option, inline: inline, arguments, &index, shown: "--\(name)")))
            } else if argument.hasPrefix("-"), argument.count > 1 {
                var letters = Substring(argument.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let option = specification.first(where: { $0.short == letter }) else {
                        throw ToolUsageError("unrecognized option '-\(letter)'")
                    }
                    if option.value == .none {
                        options.append((option.long, nil))
                        continue
                    }
                    let inline = letters.isEmpty ? nil : String(letters)
                    options.append(
                        (option.long, try value(for: option, inline: inline, arguments, &index, shown: "-\(letter)")))
                    break
                }
            } else {
                positionals.append(argument)
            }
        }
    }

    private func value(
        for option: Option, inline: String?, _ arguments: [String], _ index: inout Int, shown: String
    ) throws(ToolUsageError) -> String? {
        switch option.value {
        case .none:
            if inline != nil { throw ToolUsageError("option \(shown) takes no value") }
            return nil
        case .optional:
            return inline
        case .required:
            if let inline { return inline }
            guard index < arguments.count else { throw ToolUsageError("missing argument for \(shown)") }
            index += 1
            return arguments[index - 1]
        }
    }

    /// Whether option `name` was given.
    public func has(_ name: String) -> Bool { options.contains { $0.name == name } }

    /// The last value given for option `name`.
    public func value(_ name: String) -> String? { options.last { $0.name == name }?.value ?? nil }

    /// How many times option `name` was given.
    public func count(_ name: String) -> Int { options.filter { $0.name == name }.count }
}

/// A usage error: bad or missing options (exit code 64).
public struct ToolUsageError: Error, CustomStringConvertible {
    /// What was wrong.
    public var description: String

    /// An error with a message.
    public init(_ description: String) { self.description = description }
}

extension ToolArguments {
    /// What a tool's `run` does first: parses its arguments (usage error → 64), answers `--help` (→ 0) and
    /// reads `--output-as` (unknown format → 1, as Pacemaker). Returns the parsed arguments and format, or the
    /// exit status to return at once.
    public static func parseCommandLine(
        _ arguments: [String], tool: String, options: [ToolArguments.Option], usage: String
    ) -> Result<(ToolArguments, ToolOutputFormat), ToolExit> {
        let parsed: ToolArguments
        do {
            parsed = try ToolArguments(arguments, options: options)
        } catch {
            ToolStreams.writeError("\(tool): \(error)\n\(usage)")
            return .failure(ToolExit(status: CRMExitCode.usage.rawValue))
        }
        if parsed.has("help") {
            ToolStreams.writeOut(usage)
            return .failure(ToolExit(status: CRMExitCode.ok.rawValue))
        }
        guard let format = ToolOutputFormat(rawValue: parsed.value("output-as") ?? "text") else {
            ToolStreams.writeError(
                "\(tool): Error creating output format \(parsed.value("output-as") ?? ""): Unknown output format\n")
            return .failure(ToolExit(status: CRMExitCode.error.rawValue))
        }
        return .success((parsed, format))
    }
}

/// An exit status a tool returns before doing its work (usage error, `--help`, bad output format).
public struct ToolExit: Error, Sendable {
    public let status: Int32
}
