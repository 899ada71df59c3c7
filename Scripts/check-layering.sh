#!/usr/bin/env bash
# Enforces the layering of STYLE.md §1: which target may import what, and what Core code may import.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "layering: $*"; status=1; }

# imports allowed per library target (besides the standard library and Swift's own modules)
declare -A allowed=(
    [XML]="CLibXML2 Foundation Glibc"
    [Messaging]="COpenSSL NIOCore NIOPosix Logging Metrics ServiceLifecycle Collections DequeModule OrderedCollections Foundation Glibc Synchronization Dispatch Atomics"
    [Membership]="Messaging NIOCore NIOPosix Logging Metrics ServiceLifecycle Collections DequeModule OrderedCollections Foundation Glibc Synchronization Dispatch"
    [ResourceAgents]="XML NIOCore NIOPosix Logging Metrics ServiceLifecycle Collections DequeModule OrderedCollections Foundation Glibc Synchronization Dispatch"
    [CRM]="XML Membership Messaging ResourceAgents NIOCore NIOPosix Logging Metrics ServiceLifecycle Collections DequeModule OrderedCollections Foundation Glibc Synchronization Dispatch"
    [Launcher]="CRM XML ResourceAgents Membership Messaging Logging Collections DequeModule Foundation Glibc Synchronization Dispatch"
    [Simulation]="Messaging Membership CRM ResourceAgents XML NIOCore Logging Collections DequeModule OrderedCollections Foundation"
)
# what Core folders may import: no I/O, no C shims, no Foundation file/process APIs
core_allowed="XML Messaging Membership ResourceAgents CRM NIOCore Logging Metrics Collections DequeModule OrderedCollections Synchronization"

for target in "${!allowed[@]}"; do
    [ -d "Sources/$target" ] || continue
    while IFS=: read -r file _ line; do
        module=$(echo "$line" | sed -E 's/^[[:space:]]*(@[a-zA-Z_]+(\([^)]*\))?[[:space:]]+)*import[[:space:]]+(struct |class |enum |func |protocol )?([A-Za-z0-9_]+).*/\4/')
        case " ${allowed[$target]} " in *" $module "*) ;; *) fail "$file imports $module, not allowed in $target";; esac
        if [[ "$file" == */Core/* ]]; then
            case " $core_allowed " in *" $module "*) ;; *) fail "$file is Core code and imports $module (Shell only)";; esac
        fi
    done < <(grep -rnE '^[[:space:]]*(@[a-zA-Z_]+(\([^)]*\))?[[:space:]]+)*import[[:space:]]' "Sources/$target" --include='*.swift' | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/' || true)
done
# nothing imports Tools; only tests import Simulation
if grep -rnE '^\s*import\s+Simulation\b' Sources --include='*.swift' | grep -v '^Sources/Simulation/'; then fail "only tests may import Simulation"; fi
exit $status
