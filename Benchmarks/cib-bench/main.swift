// cib-bench: times our CIB code and tools against Debian's Pacemaker tools on gen-cib CIBs.
// See Docs/Benchmarks/cib.md. Usage:
//   cib-bench run [--sizes 100,1000,10000] [--dir DIR]   the comparison table
//   cib-bench query FILE            (child) load + validate (Pacemaker's RNG when installed) + query
//   cib-bench diff-apply OLD NEW    (child) load both, compute the v2 patchset, apply it, verify
import CRM
import Glibc
import XML

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "query" where arguments.count == 2:
    exit(BenchChild.query(arguments[1]))
case "diff-apply" where arguments.count == 3:
    exit(BenchChild.diffApply(arguments[1], arguments[2]))
case "run":
    exit(BenchDriver(arguments: Array(arguments.dropFirst())).run())
default:
    ToolStreams.writeError("usage: cib-bench run [--sizes 100,1000,10000] [--dir DIR] | query FILE | diff-apply OLD NEW\n")
    exit(64)
}
