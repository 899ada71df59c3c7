// Runs the messaging simulator over a range of seeds and prints every failing seed with its violation:
//   messaging-sim FIRST LAST [--trace]
// (The test suite runs seeds 1...1000; this tool is for wide ranges, profiling and replaying one seed's trace.)
import Glibc
import Simulation

let arguments = CommandLine.arguments.dropFirst()
let numbers = arguments.compactMap { UInt64($0) }
guard numbers.count == 2, numbers[0] <= numbers[1] else {
    print("usage: messaging-sim FIRST LAST [--trace]")
    exit(64)
}
let showTrace = arguments.contains("--trace")
var failures = 0
var deliveries = 0
for seed in numbers[0]...numbers[1] {
    var simulation = MessagingSimulation(seed: seed)
    let report = simulation.run()
    deliveries += report.deliveries
    guard let violation = report.violation else { continue }
    failures += 1
    if showTrace { print(report.trace.joined(separator: "\n")) }
    print("FAIL \(violation)")
    fflush(nil)  // every FAIL line is out at once, even if a time limit stops the run later
}
print("seeds \(numbers[0])...\(numbers[1]): \(failures) failed, \(deliveries) deliveries")
exit(failures == 0 ? 0 : 1)
