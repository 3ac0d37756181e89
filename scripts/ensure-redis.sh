#!/usr/bin/env bash
# Installs redis-server, redis-cli and redis-benchmark from Debian's packages when
# they are missing, and openssl (the TLS migration test makes its certificates
# with it). The tests use them as the semantic oracle, the migration source and
# the benchmark client.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
    && command -v redis-benchmark >/dev/null && command -v openssl >/dev/null; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing redis-server, redis-tools and openssl..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server redis-tools openssl >/dev/null
# The package starts a system service on 6379; the tests start their own servers.
$SUDO systemctl stop redis-server >/dev/null 2>&1 || $SUDO service redis-server stop >/dev/null 2>&1 || true
