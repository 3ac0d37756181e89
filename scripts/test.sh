#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need
# (redis-server and redis-tools, from Debian's packages; a Python venv with
# PyPI's `redis` for the Python contract test) when missing, builds the binary
# the end-to-end tests start, then runs every test in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-redis.sh
scripts/ensure-python.sh >/dev/null
# Before the tests: their threads would otherwise race one `npm ci`.
scripts/ensure-node.sh >/dev/null

cargo build --workspace --bins --examples
cargo test --workspace -- "$@"
