import Glibc
import ResourceAgents

/// The physical floor: posix_spawn + waitpid of the agent with the same argv and environment, output to
/// /dev/null, nothing else.
enum LRMBareSpawner {
    static func measure(_ command: AgentCommand, count: Int, workers: Int) throws -> LRMTiming {
        let argv = command.arguments.map { strdup($0) } + [nil]
        let envp = command.environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0) }
        let own = lrmProcessCPUSeconds(children: false)
        let child = lrmProcessCPUSeconds(children: true)
        let switches = lrmContextSwitches()
        let start = ContinuousClock.now
        var running = 0
        var started = 0
        var finished = 0
        while finished < count {
            while running < workers && started < count {
                var pid: pid_t = 0
                let status = posix_spawn(&pid, command.path, &actions, nil, argv, envp)
                guard status == 0 else { throw LRMBenchError.spawnFailed(status) }
                running += 1
                started += 1
            }
            var status: Int32 = 0
            guard wait(&status) > 0 else { break }
            running -= 1
            finished += 1
        }
        return LRMTiming(
            count: count, wall: lrmSeconds(ContinuousClock.now - start),
            ownCPU: lrmProcessCPUSeconds(children: false) - own,
            childCPU: lrmProcessCPUSeconds(children: true) - child, switches: lrmContextSwitches() - switches)
    }
}

enum LRMBenchError: Error, CustomStringConvertible {
    case spawnFailed(Int32)
    case operationFailed(String)

    var description: String {
        switch self {
        case .spawnFailed(let number): "posix_spawn failed: \(String(cString: strerror(number)))"
        case .operationFailed(let message): message
        }
    }
}
