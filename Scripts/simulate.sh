#!/usr/bin/env bash
# Runs the messaging simulator over many seeds.
#   Scripts/simulate.sh [--seeds N]          the test suite's seed test over seeds 1...N (default 5000)
#   Scripts/simulate.sh --seed S             replays one seed through the test suite (prints its trace on failure)
#   Scripts/simulate.sh --from A --to B [--jobs J] [--limit SECONDS]
#                                            seeds A...B split over J test processes (default 2), each stopped
#                                            after SECONDS (default 1800); prints every FAIL line
# A failure prints SIM_SEED=<n> with the scenario; SIM_TRACE=1 with --seed prints its full trace.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=5000
seed=""
from=""
to=""
jobs=2
limit=1800
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) seeds=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --from) from=$2; shift 2 ;;
        --to) to=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --limit) limit=$2; shift 2 ;;
        *) echo "usage: $0 [--seeds N] [--seed S] [--from A --to B [--jobs J] [--limit SECONDS]]" >&2; exit 64 ;;
    esac
done
if [ -n "$from" ]; then
    [ -n "$to" ] || { echo "--from needs --to" >&2; exit 64; }
    swift build --build-tests >/dev/null
    span=$(( (to - from + jobs) / jobs ))
    pids=()
    for (( job = 0; job < jobs; job++ )); do
        first=$(( from + job * span ))
        last=$(( first + span - 1 ))
        (( last > to )) && last=$to
        (( first > last )) && continue
        SIM_FROM=$first SIM_TO=$last SIM_LIMIT_SECONDS=$limit \
            swift test --skip-build --filter 'MessagingSimulationTests/seedsKeepInvariants' 2>&1 |
            grep -E '^(FAIL|SIM stopped)|passed after|failed after' &
        pids+=($!)
    done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    exit $status
fi
swift build --build-tests >/dev/null
if [ -n "$seed" ]; then
    SIM_SEED=$seed swift test --skip-build --filter MessagingSimulationTests
else
    SIM_SEEDS=$seeds swift test --skip-build --filter MessagingSimulationTests
fi
