#!/usr/bin/env bash
# Grades resplite with Redis 7.0.15's own test suite (../shared/redis-tests,
# see its README) and prints docs/CONFORMANCE.md's per-unit table.
#
#   scripts/conformance.sh                          # the 14 default units
#   UNITS="unit/type/stream unit/type/stream-cgroups" scripts/conformance.sh
#   SINGLEDB=0 scripts/conformance.sh               # the suite's own databases 9 and 10
#
# Builds the release binary, runs it on a fresh database and a free loopback
# port, and stops it when done. Raw logs: $LOGDIR (default: a temp directory).
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE=${SUITE:-../shared/redis-tests}
cargo build --release -p resplite >&2
WORK=$(mktemp -d)
LOGDIR=${LOGDIR:-$WORK/logs}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/resplite run --port "$PORT" --db "$WORK/grade.db" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK/grade.db"*' EXIT
for _ in $(seq 1 500); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.01; done

LOGDIR=$LOGDIR "$SUITE/grade.sh" 127.0.0.1 "$PORT" | tee "$WORK/grade.txt" >&2
echo "| unit | passed | failed | REF | status |"
echo "|---|---|---|---|---|"
awk '$1 ~ /^unit\// { status = $6; for (i = 7; i <= NF; i++) status = status " " $i;
     printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, status }' "$WORK/grade.txt"
grep -E "passed, .* failed|passes .* tests" "$WORK/grade.txt" || true
echo "failing tests: grep '^\[err\]' $LOGDIR/*.log" >&2
