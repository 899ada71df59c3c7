import Glibc

/// A freshly spawned child: its pid (= process group id), a pidfd to learn of its exit, and pipe read ends.
struct SpawnedProcess {
    var pid: pid_t
    var pidfd: Int32
    var standardOutput: Int32
    var standardError: Int32

    /// No pidfd to watch, or both pipes at end of file (the usual sign of an exit): worth a `waitpid(WNOHANG)`.
    var isExitLikely: Bool { pidfd < 0 || (standardOutput < 0 && standardError < 0) }
}

enum SpawnOutcome {
    case spawned(SpawnedProcess)
    case failed(ProcessTermination)
}

/// posix_spawn with the child set up as Pacemaker's executor does: own process group, default signal
/// dispositions and an empty mask, only fds 0-2 open, the given environment and nothing else.
enum ProcessSpawner {
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Looked up at run time: Swift's Glibc module does not export these glibc 2.34+/2.36 functions.
    static let pidfdOpen: PidfdOpen? = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }
    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// The bound on stdin content: it is written in one go into the pipe before the child can block on it.
    static let maximumInputBytes = 60 * 1024

    static func spawn(_ command: AgentCommand, usesPidfd: Bool = true) -> SpawnOutcome {
        guard command.standardInput.utf8.count <= maximumInputBytes else {
            return .failed(
                .spawnFailed(errno: E2BIG, message: "stdin for the agent is over \(maximumInputBytes) bytes"))
        }
        guard let output = makePipe(), let errors = makePipe() else {
            return .failed(.spawnFailed(errno: errno, message: "pipe: \(String(cString: strerror(errno)))"))
        }
        let input = command.standardInput.isEmpty ? nil : makePipe()
        defer {
            Glibc.close(output.write)
            Glibc.close(errors.write)
            if let input { Glibc.close(input.read) }
        }
        var pid: pid_t = 0
        let status = withSpawnAttributes { attributes in
            withFileActions(output: output.write, errors: errors.write, input: input?.read) { actions in
                withCStrings(command.arguments) { argv in
                    withCStrings(command.environment.compactMap(environmentEntry)) { envp in
                        posix_spawn(&pid, command.path, actions, attributes, argv, envp)
                    }
                }
            }
        }
        guard status == 0 else {
            for fd in [output.read, errors.read] + (input.map { [$0.write] } ?? []) { Glibc.close(fd) }
            if status == ENOENT || status == ENOTDIR { return .failed(.notFound) }
            return .failed(.spawnFailed(errno: status, message: String(cString: strerror(status))))
        }
        if let input { writeInput(command.standardInput, to: input.write) }
        let pidfd = usesPidfd ? pidfdOpen?(pid, 0) ?? -1 : -1  // pidfd_open always sets close-on-exec
        for fd in [output.read, errors.read] { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
        return .spawned(SpawnedProcess(pid: pid, pidfd: pidfd, standardOutput: output.read, standardError: errors.read))
    }

    private static func environmentEntry(_ entry: (String, String)) -> String? {
        let (name, value) = entry
        guard !name.isEmpty, !name.contains("="), !name.contains("\0"), !value.contains("\0") else { return nil }
        return "\(name)=\(value)"
    }

    private static func writeInput(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
        Glibc.close(fd)
    }

    private static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private static func withSpawnAttributes<T>(_ body: (UnsafePointer<posix_spawnattr_t>) -> T) -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
        return body(&attributes)
    }

    private static func withFileActions<T>(
        output: Int32, errors: Int32, input: Int32?, _ body: (UnsafePointer<posix_spawn_file_actions_t>) -> T
    ) -> T {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        _ = addCloseFrom?(&actions, 3)
        return body(&actions)
    }

    private static func withCStrings<T>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
