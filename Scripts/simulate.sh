#!/usr/bin/env bash
# Runs the messaging simulator over many seeds: Scripts/simulate.sh [--seeds N] [--seed S]
# A failure prints SIM_SEED=<n> with the scenario and a trace; replay it with --seed n.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=5000
seed=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) seeds=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) echo "usage: $0 [--seeds N] [--seed S]" >&2; exit 64 ;;
    esac
done
swift build --build-tests >/dev/null
if [ -n "$seed" ]; then
    SIM_SEED=$seed swift test --skip-build --filter MessagingSimulationTests
else
    SIM_SEEDS=$seeds swift test --skip-build --filter MessagingSimulationTests
fi
