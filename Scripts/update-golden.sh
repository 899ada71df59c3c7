#!/usr/bin/env bash
# Rewrites the expected graphs of our own policy scenarios (Tests/Golden/policy) with Pacemaker's
# crm_simulate, for a reviewed diff. Needs Pacemaker's crm_simulate at /usr/sbin/crm_simulate.
set -euo pipefail
cd "$(dirname "$0")/../Tests/Golden/policy"
for input in xml/*.xml; do
    name=$(basename "$input" .xml)
    /usr/sbin/crm_simulate -x "$input" -G "exp/$name.exp" -Q
    echo "updated exp/$name.exp"
done
