#!/usr/bin/env bash
# Runs ha-bench messaging and Corosync's corosync-ring kit in the same session on this machine, printing both
# sets of RESULT lines (see Docs/Benchmarks/messaging.md). Needs root for the Corosync kit (network namespaces).
# Usage: Benchmarks/messaging-vs-corosync.sh [seconds] [--netns]   (default 10; --netns runs ours in namespaces too)
# HA_BENCH_DIR: where ha-bench and ha-messaging-node are (default .build/release, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=10
placement=()
for argument in "$@"; do
    case "$argument" in
        --netns) placement=(--netns) ;;
        *) seconds=$argument ;;
    esac
done
ring=/work/shared/tools/corosync/corosync-ring
directory=${HA_BENCH_DIR:-.build/release}
bench=$directory/ha-bench
if [ ! -x "$bench" ] || [ ! -x "$directory/ha-messaging-node" ]; then
    swift build -c release --product ha-bench
    swift build -c release --product ha-messaging-node
fi
echo "== ours (3 node processes${placement:+ in network namespaces}, AES-256-GCM unless noted)"
for size in 64 1024 65536; do
    for senders in 1 3; do
        "$bench" messaging "${placement[@]}" --nodes 3 --size "$size" --seconds "$seconds" --senders "$senders" \
            --latency-seconds 5 | grep '^RESULT'
    done
done
"$bench" messaging "${placement[@]}" --nodes 3 --size 1024 --seconds "$seconds" --latency-seconds 10 --no-crypto \
    | grep '^RESULT'
if [ -x "$ring" ] && [ "$(id -u)" -eq 0 ]; then
    echo "== corosync 3 (knet, aes256/sha256, 3 nodes in network namespaces)"
    "$ring" setup 3 >/dev/null
    "$ring" start >/dev/null
    for size in 64 1024 65536; do
        for senders in 1 3; do "$ring" bench --size "$size" --seconds "$seconds" --senders "$senders" | grep '^RESULT'; done
    done
    "$ring" latency --size 1024 --rate 100 --seconds 10 | grep '^RESULT'
    "$ring" latency --size 1024 --rate 100 --seconds 10 --load 1024 | grep '^RESULT'
    "$ring" rss | grep '^RESULT'
    "$ring" teardown >/dev/null
else
    echo "== corosync-ring skipped (needs root and $ring)"
fi
