#!/usr/bin/env bash
# The README's main command. First `ha demo`: a 3-node cluster on loopback (127.0.0.1-3), each node an
# `ha start` running heartbeat, lrmd and crmd; Examples/demo-cib.xml loaded with cibadmin (a group of three
# Dummy resources, a clone of Dummy, the fence_ha_test fence device, stonith-enabled=true); the status; the
# node running the group killed with kill -9; the group running elsewhere with the failover time, split into
# phases; the node started again. Then a short walk through the CIB tools on the example CIB in
# Examples/cib.xml: verify, list, change options and attributes, move/ban/clear resources, watch an invalid
# edit being refused, stage a change in a shadow CIB. Every step checks its exit status; the script fails if
# one is wrong. Everything the demo starts is stopped, and its files removed, at the end, on failure and on
# Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh

tools=(heartbeat lrmd crmd ha crm_verify cibadmin crm_attribute crm_resource crm_error crm_shadow)
[ -d Sources/Tools/crm_mon ] && tools+=(crm_mon)
echo "==> Building the daemons and tools in release mode (${tools[*]})"
for tool in "${tools[@]}"; do swift build -c release --product "$tool" >/dev/null; done
bin="$(swift build -c release --show-bin-path)"
export PATH="$bin:$PATH"

echo "==> The cluster demo: 3 nodes on 127.0.0.1-3, the node running a group killed with SIGKILL"
if [ -t 0 ]; then ha demo; else ha demo --non-interactive; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp Examples/cib.xml "$work/cib.xml"
export CIB_file="$work/cib.xml"

step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
# run EXPECTED_STATUS COMMAND...: runs a command, shows its output, checks its exit status.
run() {
    local expected=$1
    shift
    show "$@"
    set +e
    "$@"
    local status=$?
    set -e
    if [ "$status" != "$expected" ]; then
        echo "demo: '$*' exited $status, expected $expected" >&2
        exit 1
    fi
    [ "$expected" = 0 ] || echo "(exit status $status as expected: $(crm_error -X "$status"))"
}

step "The example CIB (Examples/cib.xml, copied to $CIB_file; CIB_file points every tool at it)"
run 0 cibadmin -Q -o resources

step "crm_verify checks it against our RelaxNG schema and for configuration mistakes: no output means valid"
run 0 crm_verify -L -V

step "crm_resource lists the resources (nothing runs: there is no live cluster yet)"
run 0 crm_resource --list
run 0 crm_resource --list-raw

step "crm_attribute sets, reads and deletes a cluster option; the epoch moves with each change"
run 0 crm_attribute -n maintenance-mode -v true
run 0 crm_attribute -n maintenance-mode -G
run 0 crm_attribute -n maintenance-mode -D
run 105 crm_attribute -n maintenance-mode -G
run 0 cibadmin -Q -A '/cib/@epoch' -e

step "... and a permanent node attribute, in XML as scripts read it"
run 0 crm_attribute -N node2 -n rack -v B12
run 0 crm_attribute -N node2 -n rack -G --output-as xml

step "crm_resource changes a resource's instance and meta attributes"
run 0 crm_resource -r web-ip -p cidr_netmask -v 16
run 0 crm_resource -r web-ip -g cidr_netmask
run 0 crm_resource -r web --meta -p target-role -v Stopped
run 0 crm_resource --list

step "Ban the web group from node1, prefer node2 for an hour, look at the constraints, then clear them"
run 0 crm_resource -r web --ban -N node1
run 0 crm_resource -r web --move -N node2 --lifetime PT1H
run 0 cibadmin -Q -o constraints
run 0 crm_resource -r web --clear

step "An edit that would break the schema (an ocf primitive without a provider) is refused and changes nothing"
cp "$CIB_file" "$work/before.xml"
run 78 cibadmin -C -o resources -X '<primitive id="broken" class="ocf" type="Dummy"/>'
cmp -s "$CIB_file" "$work/before.xml" && echo "the CIB file is unchanged"

step "crm_verify explains what is wrong with a broken copy (a dangling reference and a duplicate operation)"
sed -e 's/with-rsc="database-clone"/with-rsc="no-such-resource"/' "$CIB_file" > "$work/broken.xml"
run 78 crm_verify -x "$work/broken.xml"
sed -e 's/interval="11s" role="Unpromoted"/interval="10s" role="Unpromoted"/' "$CIB_file" > "$work/duplicate.xml"
run 78 crm_verify -V -x "$work/duplicate.xml"

step "crm_shadow stages a change in a shadow copy; the real CIB changes only on commit"
export CIB_shadow_dir="$work"
run 0 crm_shadow --batch --create demo
export CIB_shadow=demo
run 0 crm_attribute -n no-quorum-policy -v freeze
run 1 crm_shadow --diff    # exits 1 when the shadow differs from the CIB
unset CIB_shadow
run 0 crm_attribute -n no-quorum-policy -G
run 0 crm_shadow --commit demo --force --batch
run 0 crm_attribute -n no-quorum-policy -G
run 0 crm_shadow --delete demo --force --batch

step "crm_error names Pacemaker's exit codes"
run 0 crm_error -X -n 78 105 107 108

printf '\nDemo finished: every step exited as expected.\n'
