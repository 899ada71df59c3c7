import Foundation
import Glibc

/// How to run one daemon: its executable, arguments and the socket that shows it is ready (nil: ready at once).
public struct DaemonCommand: Sendable, Equatable {
    /// The executable.
    public var path: String
    /// Its arguments (without the program name).
    public var arguments: [String]
    /// A Unix socket that accepts connections once the daemon serves clients.
    public var readinessSocket: String?

    /// A command.
    public init(path: String, arguments: [String], readinessSocket: String? = nil) {
        self.path = path
        self.arguments = arguments
        self.readinessSocket = readinessSocket
    }
}

/// The process primitives of the launcher: posix_spawn into a new process group with default signal
/// dispositions, non-blocking reaping of one pid, signals, and a connect probe for readiness.
enum DaemonProcess {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// Looked up at run time: Swift's Glibc module does not export this glibc 2.34+ function.
    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// util-linux's `setpriv`: the launcher runs each daemon through `setpriv --pdeathsig KILL`, so the kernel
    /// kills the daemon if `ha start` dies without stopping it (kill -9, a crash): no orphans.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { access($0, X_OK) == 0 }

    /// Spawns `command` in its own process group (so a terminal's Ctrl-C reaches only `ha start`, which
    /// stops the daemons in order), stdin from /dev/null, stdout and stderr inherited or appended to
    /// `output`. Returns the pid or an error text. Call it from a thread that outlives the child: the
    /// parent-death signal follows the spawning thread.
    static func spawn(
        _ command: DaemonCommand, environment: [String: String], output: String? = nil
    ) -> Result<Int32, SpawnError> {
        var argv = [command.path] + command.arguments
        if let setpriv { argv = [setpriv, "--pdeathsig", "KILL", "--"] + argv }
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
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
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        _ = addCloseFrom?(&actions, 3)
        let program = argv[0]
        let status = withCStrings(argv) { argv in
            withCStrings(envp) { envp in posix_spawn(&pid, program, &actions, &attributes, argv, envp) }
        }
        guard status == 0 else { return .failure(SpawnError(path: argv[0], errno: status)) }
        return .success(pid)
    }

    /// Reaps `pid` if it has ended, without blocking.
    static func reap(_ pid: Int32) -> (exited: Bool, status: Int32, signal: Int32) {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            let signal = status & 0x7f
            return signal == 0 ? (true, (status >> 8) & 0xff, 0) : (true, 0, signal)
        }
        if result < 0 && errno == ECHILD { return (true, 0, SIGKILL) }
        return (false, 0, 0)
    }

    /// SIGTERM to the daemon; SIGKILL to its whole process group (the daemon leads it).
    static func send(_ terminate: Bool, to pid: Int32) {
        if terminate {
            kill(pid, SIGTERM)
        } else {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }

    /// Whether a Unix stream socket at `path` accepts a connection.
    static func accepts(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            buffer[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    private static func withCStrings<T>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// posix_spawn failed.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    /// The program.
    public let path: String
    /// The error number.
    public let errno: Int32
    /// `cannot run PATH: reason`.
    public var description: String { "cannot run \(path): \(String(cString: strerror(errno)))" }
}
