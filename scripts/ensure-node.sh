#!/usr/bin/env bash
# Node.js and tests/node's packages (BullMQ, socket.io and its sharded Redis
# adapter, node-redis), for tests/tests/node_contract.rs.
# Installs Debian's nodejs/npm when missing, then `npm ci` when node_modules is
# missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
cd tests/node
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --silent >&2
    touch node_modules
fi
command -v node
