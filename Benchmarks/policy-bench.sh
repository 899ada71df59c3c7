#!/usr/bin/env bash
# Policy engine benchmark: our crm_simulate against Debian's Pacemaker 2.1.5 crm_simulate, same CIBs, same run.
# Usage: Benchmarks/policy-bench.sh [--quick] [NODES...]
#   Default matrix: nodes 3 16 32 100 x resources 100 1000 5000 10000 x states empty running failover
#   (failover with and without --fencing) plus a mix with groups and constraints. --quick runs a small subset.
# Prints one line per cell: wall and CPU seconds, peak RSS (MiB) for both, and the ratios.
# Pacemaker is capped at 120 s per cell (reported as ">120"); ours is never capped.
set -uo pipefail
cd "$(dirname "$0")/.."
ours=${OURS:-.build/release/crm_simulate}
theirs=${THEIRS:-/usr/sbin/crm_simulate}
gen=${GEN_CIB:-/work/shared/tools/gen-cib}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$ours" ] || { echo "build first: swift build -c release --product crm_simulate"; exit 2; }

measure() { # cap command... -> "wall cpu rssMiB status"
    local cap=$1; shift
    local out="$work/time.txt"
    if [ "$cap" = 0 ]; then
        /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>&1; local status=$?
    else
        /usr/bin/time -f '%e %U %S %M' -o "$out" timeout "$cap" "$@" >/dev/null 2>&1; local status=$?
    fi
    read -r wall user sys rss < <(tail -1 "$out")
    awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v st="$status" \
        'BEGIN { printf "%.2f %.2f %.0f %d", w, u + s, r / 1024, st }'
}

cell() { # name gen-args...
    local name=$1; shift
    "$gen" "$@" -o "$work/$name.xml" || return
    read -r ow oc om os < <(measure 0 "$ours" -x "$work/$name.xml" -G "$work/ours.xml" -Q)
    read -r tw tc tm ts < <(measure 120 "$theirs" -x "$work/$name.xml" -G "$work/theirs.xml" -Q)
    local capped=""
    [ "$ts" = 124 ] && capped=">"
    awk -v n="$name" -v ow="$ow" -v oc="$oc" -v om="$om" -v tw="$tw" -v tc="$tc" -v tm="$tm" -v c="$capped" -v os="$os" \
        'BEGIN { printf "%-34s ours %7.2fs wall %7.2fs cpu %6d MiB (exit %d) | pacemaker %s%7.2fs wall %7.2fs cpu %6d MiB | cpu x%.1f mem x%.1f\n",
                 n, ow, oc, om, os, c, tw, tc, tm, (oc > 0 ? tc / oc : 0), (om > 0 ? tm / om : 0) }'
}

if [ "${1:-}" = "--quick" ]; then
    shift
    cell "3n-1000r-running" --nodes 3 --resources 1000 --state running
    cell "16n-1000r-failover-fencing" --nodes 16 --resources 1000 --state failover --fencing
    cell "3n-5000r-running" --nodes 3 --resources 5000 --state running
    exit 0
fi
nodes=${*:-3 16 32 100}
for n in $nodes; do
    for r in 100 1000 5000 10000; do
        cell "${n}n-${r}r-empty" --nodes "$n" --resources "$r" --state empty
        cell "${n}n-${r}r-running" --nodes "$n" --resources "$r" --state running
        cell "${n}n-${r}r-failover" --nodes "$n" --resources "$r" --state failover
        cell "${n}n-${r}r-failover-fencing" --nodes "$n" --resources "$r" --state failover --fencing
    done
done
cell "16n-1000r-mix" --nodes 16 --resources 1000 --groups 50 --group-size 4 --location-constraints 100 \
    --colocations 50 --orders 50 --stickiness 100 --state running
