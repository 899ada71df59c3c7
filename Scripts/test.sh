#!/usr/bin/env bash
# The README's test command: set up, build (warnings are errors), check layering, run every test.
# Extra arguments go to `swift test` (e.g. --filter XMLTests); without them the whole suite runs in two
# passes: everything else in parallel, then the suites that start real processes and time them (daemon
# clusters, the lrmd soak, the launcher's process tests), one suite at a time (--no-parallel), so that other
# tests' blocking waits or another cluster's start-up on a 2-core machine cannot starve them or skew their
# timings.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/check-layering.sh
swift build --build-tests

# Print everything but the per-test "started"/"passed" chatter; failures and the closing lines stay.
quiet() { grep -vE '^(◇ Test|◇ Suite|✔ Test [^r]|✔ Test r[^u]|✔ Suite|↳ )' "$1" || true; }

if [ $# -gt 0 ]; then
    set +e
    swift test --skip-build "$@" > .build/test-output.txt 2>&1
    status=$?
    set -e
    quiet .build/test-output.txt
    exit $status
fi

daemon_suites='HeartbeatDaemonIntegrationTests|PartitionIntegrationTests|ControllerClusterTests|ClusterIntegrationTests|ClusterPartitionTests|MediaIntegrationTests|SoakTests|NodeLauncherTests|HAStartTests'
set +e
swift test --skip-build --skip "$daemon_suites" > .build/test-output.txt 2>&1
first=$?
swift test --skip-build --no-parallel --filter "$daemon_suites" > .build/test-output-daemons.txt 2>&1
second=$?
set -e
quiet .build/test-output.txt
echo "== daemon cluster suites, run alone"
quiet .build/test-output-daemons.txt
[ $first -eq 0 ] && [ $second -eq 0 ]
