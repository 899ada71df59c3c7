#!/usr/bin/env bash
# Policy engine benchmark: our crm_simulate against Debian's Pacemaker 2.1.5 crm_simulate, same CIBs, same run.
# Usage: Benchmarks/policy-bench.sh [--quick] [NODES...]
#   Default matrix: nodes 3 16 32 100 x resources 100 1000 5000 10000 x states empty running failover
#   (failover with and without --fencing) plus a mix with groups and constraints. --quick runs a small subset.
# Environment:
#   RESOURCES="100 1000"   resource counts (default 100 1000 5000 10000)
#   STATES="running failover"  states (default empty running failover failover-fencing)
#   ONLY=ours|pacemaker    measure one side only (the other columns print as 0)
#   PACEMAKER_CPU_CAP=120  Pacemaker's CPU-second limit per cell (reported as ">")
#   PACEMAKER_WALL_CAP=900 Pacemaker's wall-clock limit per cell (reported as ">")
#   PACEMAKER_MEM_CAP_MIB=8192  Pacemaker's address-space limit (a cell over it is reported as "mem>")
# Prints one line per cell: wall and CPU seconds (user + system), peak RSS (MiB) for both, the ratios and
# the load average. Ours is never capped. CIBs are generated per cell and removed afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
ours=${OURS:-.build/release/crm_simulate}
theirs=${THEIRS:-/usr/sbin/crm_simulate}
gen=${GEN_CIB:-/work/shared/tools/gen-cib}
cpu_cap=${PACEMAKER_CPU_CAP:-120}
wall_cap=${PACEMAKER_WALL_CAP:-900}
mem_cap=${PACEMAKER_MEM_CAP_MIB:-8192}
only=${ONLY:-both}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ "$only" = pacemaker ] || [ -x "$ours" ] || { echo "build first: swift build -c release --product crm_simulate"; exit 2; }

measure() { # capped(0|1) command... -> "wall cpu rssMiB status"
    local capped=$1; shift
    local out="$work/time.txt"
    if [ "$capped" = 0 ]; then
        /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>&1; local status=$?
    else
        /usr/bin/time -f '%e %U %S %M' -o "$out" \
            prlimit --cpu="$cpu_cap" --as=$((mem_cap * 1024 * 1024)) timeout "$wall_cap" "$@" >/dev/null 2>&1
        local status=$?
    fi
    read -r wall user sys rss < <(tail -1 "$out")
    awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v st="$status" \
        'BEGIN { printf "%.2f %.2f %.0f %d", w, u + s, r / 1024, st }'
}

cell() { # name gen-args...
    local name=$1; shift
    "$gen" "$@" -o "$work/$name.xml" || return
    local ow=0 oc=0 om=0 os=0 tw=0 tc=0 tm=0 ts=0
    if [ "$only" != pacemaker ]; then
        read -r ow oc om os < <(measure 0 "$ours" -x "$work/$name.xml" -G "$work/ours.xml" -Q)
    fi
    if [ "$only" != ours ]; then
        read -r tw tc tm ts < <(measure 1 "$theirs" -x "$work/$name.xml" -G "$work/theirs.xml" -Q)
    fi
    rm -f "$work/$name.xml"
    local capped=""
    # 124: wall timeout; 137/152: killed at the CPU limit (SIGKILL/SIGXCPU); other failures under the
    # address-space cap are allocation failures.
    case "$ts" in
        0) ;;
        124|137|152) capped=">" ;;
        *) capped="fail$ts:" ;;
    esac
    local load
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    awk -v n="$name" -v ow="$ow" -v oc="$oc" -v om="$om" -v tw="$tw" -v tc="$tc" -v tm="$tm" -v c="$capped" \
        -v os="$os" -v la="$load" \
        'BEGIN { printf "%-30s ours %7.2fs wall %7.2fs cpu %6d MiB (exit %d) | pacemaker %s%7.2fs wall %7.2fs cpu %6d MiB | cpu x%.1f mem x%.1f | load %s\n",
                 n, ow, oc, om, os, c, tw, tc, tm, (oc > 0 ? tc / oc : 0), (om > 0 ? tm / om : 0), la }'
}

state_args() { # state -> gen-cib arguments
    case "$1" in
        failover-fencing) echo "--state failover --fencing" ;;
        *) echo "--state $1" ;;
    esac
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
    for r in ${RESOURCES:-100 1000 5000 10000}; do
        for s in ${STATES:-empty running failover failover-fencing}; do
            # shellcheck disable=SC2046
            cell "${n}n-${r}r-$s" --nodes "$n" --resources "$r" $(state_args "$s")
        done
    done
done
if [ -z "${RESOURCES:-}${STATES:-}" ]; then
    cell "16n-1000r-mix" --nodes 16 --resources 1000 --groups 50 --group-size 4 --location-constraints 100 \
        --colocations 50 --orders 50 --stickiness 100 --state running
fi
