import CRM
import Glibc

/// Runs each case for us and for Pacemaker in the same run, and prints times, ratio and peak memory.
struct BenchDriver {
    var sizes = [100, 1_000, 10_000]
    var directory = "/tmp/cib-bench"
    let ourTools: String
    let pacemaker = "/usr/sbin"

    init(arguments: [String]) {
        var index = 0
        while index + 1 < arguments.count {
            if arguments[index] == "--sizes" { sizes = arguments[index + 1].split(separator: ",").compactMap { Int($0) } }
            if arguments[index] == "--dir" { directory = arguments[index + 1] }
            index += 2
        }
        let executable = CommandLine.arguments[0]
        ourTools = executable.contains("/") ? CIBFileIO.directory(of: executable) : "."
    }

    /// A measured child run: wall seconds and peak resident set size (MiB).
    struct Sample {
        var seconds: Double
        var peakMiB: Double
        var status: Int32
    }

    func run() -> Int32 {
        mkdir(directory, 0o755)
        let hasPacemaker = CIBFileIO.exists(pacemaker + "/cibadmin")
        print("case                         resources     ours (s)  theirs (s)   ratio  ours peak MiB  theirs peak MiB")
        for size in sizes {
            let file = "\(directory)/cib-\(size).xml"
            if !CIBFileIO.exists(file) {
                _ = measure(["/work/shared/tools/gen-cib", "--nodes", "32", "--resources", "\(size)", "--state", "running", "-o", file], [:])
            }
            let queryOurs = measure(["\(ourTools)/cib-bench", "query", file], [:])
            let queryTool = measure(["\(ourTools)/cibadmin", "-Q", "-o", "resources"], ["CIB_file": file])
            let queryTheirs = hasPacemaker ? measure(["\(pacemaker)/cibadmin", "-Q", "-o", "resources"], ["CIB_file": file]) : nil
            report("load+validate+query", size, queryOurs, queryTheirs)
            report("cibadmin -Q -o resources", size, queryTool, queryTheirs)
            let nvpair = #"<nvpair id="cib-bootstrap-options-have-watchdog" value="true"/>"#
            let ourCopy = "\(directory)/ours-\(size).xml"
            let theirCopy = "\(directory)/theirs-\(size).xml"
            copy(file, ourCopy)
            copy(file, theirCopy)
            let modifyOurs = measure(["\(ourTools)/cibadmin", "-M", "-X", nvpair], ["CIB_file": ourCopy])
            let modifyTheirs = hasPacemaker ? measure(["\(pacemaker)/cibadmin", "-M", "-X", nvpair], ["CIB_file": theirCopy]) : nil
            report("cibadmin -M (one nvpair)", size, modifyOurs, modifyTheirs)
            let diffOurs = measure(["\(ourTools)/cib-bench", "diff-apply", file, ourCopy], [:])
            var diffTheirs: Sample?
            if hasPacemaker {
                let patch = "\(directory)/patch-\(size).xml"
                let made = measure(["/bin/sh", "-c", "\(pacemaker)/crm_diff -o \(file) -n \(theirCopy) > \(patch)"], [:])
                let applied = measure(["/bin/sh", "-c", "\(pacemaker)/crm_diff -o \(file) -p \(patch) > /dev/null"], [:])
                diffTheirs = Sample(
                    seconds: made.seconds + applied.seconds, peakMiB: max(made.peakMiB, applied.peakMiB), status: applied.status)
            }
            report("diff + apply", size, diffOurs, diffTheirs)
        }
        return 0
    }

    func report(_ name: String, _ size: Int, _ ours: Sample, _ theirs: Sample?) {
        let ratio = theirs.map { String(format2($0.seconds / max(ours.seconds, 0.000_001))) + "x" } ?? "-"
        let theirTime = theirs.map { format3($0.seconds) } ?? "-"
        let theirPeak = theirs.map { format1($0.peakMiB) } ?? "-"
        let failed = ours.status != 0 || (theirs?.status ?? 0) > 1 ? "  (exit \(ours.status)/\(theirs?.status ?? 0))" : ""
        print(
            pad(name, 28) + pad("\(size)", 10, left: true) + pad(format3(ours.seconds), 13, left: true)
                + pad(theirTime, 12, left: true) + pad(ratio, 8, left: true) + pad(format1(ours.peakMiB), 15, left: true)
                + pad(theirPeak, 17, left: true) + failed)
    }

    func copy(_ source: String, _ destination: String) {
        guard let bytes = try? CIBFileIO.read(source) else { return }
        try? CIBFileIO.writeAtomically(bytes, to: destination, mode: 0o644)
    }

    /// Spawns `argv` with stdout to /dev/null and measures it with wait4.
    func measure(_ argv: [String], _ extra: [String: String]) -> Sample {
        var environment = CIBSession.processEnvironment()
        environment["CIB_shadow"] = nil
        for (key, value) in extra { environment[key] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var pid = pid_t()
        guard posix_spawn(&pid, argv[0], &actions, nil, arguments, variables) == 0 else {
            return Sample(seconds: 0, peakMiB: 0, status: 127)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        return Sample(seconds: seconds, peakMiB: Double(usage.ru_maxrss) / 1024, status: (status >> 8) & 0xff)
    }
}

func format1(_ value: Double) -> String { fixed(value, 1) }
func format2(_ value: Double) -> String { fixed(value, 2) }
func format3(_ value: Double) -> String { fixed(value, 3) }

func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    var fraction = String(abs(scaled) % Int(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    return digits == 0 ? "\(whole)" : "\(whole).\(fraction)"
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return left ? padding + text : text + padding
}
