#!/usr/bin/env bash
# Migration benchmark: bulk import from a local redis-server into a fresh
# resplite file, on this machine (source and destination share its cores).
#   - N small string keys (default 1,000,000): keys/s
#   - M keys with 1 KB values (default 200,000): MB/s
#   - a mixed dataset (hashes, sets, lists, zsets): keys/s
#   - the final delta of D dirty keys (default 10,000): seconds
# For each bulk: wall time, keys/s, MB/s and the source's extra CPU seconds.
# Usage: bench/migrate.sh            (N=1000000 M=200000 MIXED=200000 D=10000)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
M=${M:-200000}
MIXED=${MIXED:-200000}
D=${D:-10000}

scripts/ensure-redis.sh
cargo build --release -p resplite >&2
BIN=$PWD/target/release/resplite

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(free_port)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --enable-debug-command yes --notify-keyspace-events KEA >/dev/null &
PIDS+=($!)
for _ in $(seq 1 500); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.01; done
URL="redis://127.0.0.1:$PORT"
cli() { redis-cli -p "$PORT" "$@"; }

# CPU seconds the source has used (user + sys), from its own INFO.
source_cpu() { cli info cpu | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%.2f", s}'; }

# bulk <label> <run-id> <db>: times one bulk import, prints the figures.
bulk() {
    local label=$1 run=$2 db=$3
    local keys bytes cpu0 cpu1 t0 t1
    keys=$(cli dbsize)
    cpu0=$(source_cpu)
    t0=$(date +%s.%N)
    "$BIN" migrate --from "$URL" --to "$db" --run-id "$run" --stages bulk --progress none >"$WORK/$run.log"
    t1=$(date +%s.%N)
    cpu1=$(source_cpu)
    bytes=$(python3 -c "import sqlite3; print(sqlite3.connect('$db').execute(\"select migrated_bytes from migration_runs where run_id='$run'\").fetchone()[0])")
    python3 - "$label" "$keys" "$bytes" "$t0" "$t1" "$cpu0" "$cpu1" <<'PY'
import sys
label, keys, nbytes, t0, t1, c0, c1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:])
secs = t1 - t0
print(f"{label:<28} {keys:>9} keys  {secs:7.2f} s  {keys / secs:>9.0f} keys/s  {nbytes / secs / 1e6:7.1f} MB/s  source CPU {c1 - c0:6.2f} s ({(c1 - c0) / secs * 100:.0f}% of one core)")
PY
}

echo "migration bulk import, source redis-server $(cli info server | awk -F: '/^redis_version/ {print $2}' | tr -d '\r') on this machine"

cli flushall >/dev/null
cli debug populate "$N" key 10 >/dev/null
bulk "small strings (10 B)" small "$WORK/small.db"

cli flushall >/dev/null
cli debug populate "$M" val 1024 >/dev/null
bulk "1 KB strings" kb "$WORK/kb.db"

cli flushall >/dev/null
python3 - "$MIXED" <<'PY' | redis-cli -p "$PORT" --pipe >/dev/null
import sys
n = int(sys.argv[1])
def cmd(*a):
    out = [f"*{len(a)}\r\n"]
    for x in a:
        x = str(x)
        out.append(f"${len(x.encode())}\r\n{x}\r\n")
    sys.stdout.write("".join(out))
for i in range(n):
    k = i % 4
    if k == 0: cmd("HSET", f"h:{i}", "a", i, "b", i * 2, "c", "x" * 20)
    elif k == 1: cmd("SADD", f"s:{i}", "m1", "m2", "m3", i)
    elif k == 2: cmd("RPUSH", f"l:{i}", "e1", "e2", "e3", i)
    else: cmd("ZADD", f"z:{i}", 1, "a", 2, "b", i, "c")
PY
# The final delta: a tracker running from before bulk, D keys written after.
"$BIN" migrate track --from "$URL" --to "$WORK/mixed.db" --run-id mixed >"$WORK/track.log" 2>&1 &
PIDS+=($!)
until python3 -c "import sqlite3,sys; r=sqlite3.connect('$WORK/mixed.db').execute(\"select tracker_state from migration_run_state where run_id='mixed'\").fetchone(); sys.exit(0 if r and r[0]=='running' else 1)" 2>/dev/null; do sleep 0.05; done
bulk "mixed (h/s/l/z, ~4 elems)" mixed "$WORK/mixed.db"

python3 - "$D" <<'PY' | redis-cli -p "$PORT" --pipe >/dev/null
import sys
for i in range(int(sys.argv[1])):
    k = f"h:{i * 4}"
    sys.stdout.write(f"*4\r\n$4\r\nHSET\r\n${len(k)}\r\n{k}\r\n$1\r\nd\r\n$3\r\nnew\r\n")
PY
# Wait until the tracker has recorded them (it flushes every 50 ms).
until [ "$(python3 -c "import sqlite3; print(sqlite3.connect('$WORK/mixed.db').execute(\"select count(*) from migration_dirty_keys where run_id='mixed' and state='dirty'\").fetchone()[0])")" -ge "$D" ]; do sleep 0.05; done
t0=$(date +%s.%N)
"$BIN" migrate --from "$URL" --to "$WORK/mixed.db" --run-id mixed --stages delta --progress none >"$WORK/delta.log"
t1=$(date +%s.%N)
python3 -c "print(f'final delta of $D dirty keys     {$t1 - $t0:7.2f} s')"
grep -h "delta:" "$WORK/delta.log" | head -2
"$BIN" migrate --from "$URL" --to "$WORK/mixed.db" --run-id mixed --stages verify --progress none | tail -1
