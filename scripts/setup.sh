#!/usr/bin/env bash
# Installs what the build needs when it is missing: pkg-config, libzmq (libzmq3-dev), SQLite headers.
# Sourced by scripts/run-demo and scripts/test; safe to run again.
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists libzmq || need+=(libzmq3-dev)
    pkg-config --exists sqlite3 || need+=(libsqlite3-dev)
else
    need+=(libzmq3-dev libsqlite3-dev)
fi

if ((${#need[@]})); then
    echo "setup: installing ${need[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (expected Swift 6 at /opt/swift)" >&2; exit 1; }
