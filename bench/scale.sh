#!/usr/bin/env bash
# resplite at the size users bring: a redis-server filled with N random keys is
# migrated into a resplite file, then both are driven with keys drawn at random.
#
#   bench/scale.sh                    # N=1000000 strings of 16 bytes
#   N=10000000 bench/scale.sh         # the issue's 10-million-key dataset
#   KIND=hash N=1000000 bench/scale.sh   # N/100 hashes of 100 fields each
#   ROUNDS=3 REQUESTS=200000 bench/scale.sh
#   RESPLITE_ARGS="--pragma-template performance" bench/scale.sh
#
# Prints: Redis' used_memory and RSS next to the file's size; the bulk import
# rate; the first PONG after start on the file; resplite's RSS after the
# runs; and paired medians (redis, resplite, ratio) of random GET/SET (or
# HGET/HSET) at -P 1 and -P 16, -c 50.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
KIND=${KIND:-string}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}

# shellcheck source=bench/lib.sh
source bench/lib.sh
# lib.sh started a resplite on an empty file; this run needs its own.
kill "${PIDS[1]}" 2>/dev/null || true
wait "${PIDS[1]}" 2>/dev/null || true

cli() { redis-cli -p "$REDIS_PORT" "$@"; }
info() { cli info "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }

echo "filling redis-server with $N $KIND keys..." >&2
if [ "$KIND" = hash ]; then
    HASHES=$((N / 100))
    # 100 fields per hash, built server-side a thousand hashes per call.
    for ((start = 0; start < HASHES; start += 1000)); do
        cli eval "for h = ARGV[1], ARGV[2] do
                    local args = {}
                    for f = 0, 99 do args[#args+1] = 'field:' .. f; args[#args+1] = string.rep('v', 16) end
                    redis.call('HSET', string.format('hash:%012d', h), unpack(args))
                  end" 0 "$start" "$((start + 999 < HASHES - 1 ? start + 999 : HASHES - 1))" >/dev/null
    done
    KEYSPACE=$HASHES
    READ="hget hash:__rand_int__ field:42"
    WRITE="hset hash:__rand_int__ field:42 vvvvvvvvvvvvvvvv"
else
    redis-benchmark -p "$REDIS_PORT" -q -t set -n "$N" -r "$N" -d 16 -P 64 -c 20 >/dev/null
    KEYSPACE=$N
    READ="get key:__rand_int__"
    WRITE="set key:__rand_int__ vvvvvvvvvvvvvvvv"
fi
KEYS=$(cli dbsize)
echo "redis: $KEYS keys, used_memory $(info memory used_memory) B, rss $(info memory used_memory_rss) B"

DB="$WORK/scale.db"
started=$(date +%s.%N)
RUST_LOG=warn "$BIN" migrate --from "redis://127.0.0.1:$REDIS_PORT" --to "$DB" \
    --run-id scale --stages bulk --progress none >"$WORK/migrate.log" 2>&1
ended=$(date +%s.%N)
python3 -c "import sys; k=$KEYS; s=$ended-$started; print(f'bulk import: {k} keys in {s:.1f} s = {k/s:,.0f} keys/s')"
sqlite3_size() { stat -c %s "$DB"; }
echo "file: $(sqlite3_size) B (+ WAL $(stat -c %s "$DB-wal" 2>/dev/null || echo 0) B)"

# First PONG: from exec to the first reply, on the full file.
# shellcheck disable=SC2086 # RESPLITE_ARGS: more words for `resplite run`
RUST_LOG=warn "$BIN" run --port "$RESPLITE_PORT" --db "$DB" ${RESPLITE_ARGS:-} 2>"$WORK/resplite.log" &
PIDS+=($!)
t0=$(date +%s%N)
until redis-cli -p "$RESPLITE_PORT" ping >/dev/null 2>&1; do sleep 0.002; done
t1=$(date +%s%N)
echo "first PONG: $(((t1 - t0) / 1000000)) ms"

run() { redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE" -P "$2" --csv $3 2>/dev/null \
        | awk -F'","' 'NR>1 { gsub(/"/,"",$2); print $2 }'; }
printf '%-40s %3s %11s %12s %6s\n' command P redis resplite ratio
for P in 1 16; do
    for cmd in "$READ" "$WRITE"; do
        reds=(); ours=(); ratios=()
        for _ in $(seq 1 "$ROUNDS"); do
            a=$(run "$REDIS_PORT" "$P" "$cmd"); b=$(run "$RESPLITE_PORT" "$P" "$cmd")
            reds+=("$a"); ours+=("$b"); ratios+=("$(python3 -c "print($b/$a)")")
        done
        python3 - "$cmd" "$P" "${reds[*]}" "${ours[*]}" "${ratios[*]}" <<'PY'
import statistics, sys
m = lambda s: statistics.median(float(x) for x in s.split())
print(f"{sys.argv[1][:40]:<40} {sys.argv[2]:>3} {m(sys.argv[3]):>11.0f} {m(sys.argv[4]):>12.0f} {m(sys.argv[5]):>6.2f}")
PY
    done
done
pid=${PIDS[-1]}
echo "resplite rss after the runs: $(awk '/VmRSS/ { print $2 }' "/proc/$pid/status") kB (peak $(awk '/VmHWM/ { print $2 }' "/proc/$pid/status") kB)"
