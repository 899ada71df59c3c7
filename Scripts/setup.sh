#!/usr/bin/env bash
# Installs the system packages the build, the tests and the demo need, if any are missing (Debian 12, root).
set -euo pipefail
packages=(libxml2-dev libssl-dev pkg-config libxml2-utils iproute2 procps pacemaker-cli-utils resource-agents)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
