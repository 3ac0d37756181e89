#!/usr/bin/env bash
# EVALSHA throughput of resplite vs an in-memory redis-server, same run: a
# fixed-window rate limiter (INCR, PEXPIRE on the first hit, compare), the
# read-modify-write script most apps run, over 100 keys (a hot set: what the
# script machinery costs) and over 10,000 (each call writes a cold page: what
# the write path costs).
#
#   bench/script.sh                  # -c 50, unpipelined and -P 16, 3 rounds
#   N=200000 ROUNDS=5 KEYSPACES="10000" bench/script.sh
#
# Prints the median requests/s on both and the median ratio resplite/redis.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
CLIENTS=${CLIENTS:-50}
ROUNDS=${ROUNDS:-3}
PIPELINES=${PIPELINES:-"1 16"}
KEYSPACES=${KEYSPACES:-"100 10000"}

# shellcheck source=bench/lib.sh
source bench/lib.sh

LIMITER="local n = redis.call('INCR', KEYS[1]) \
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end \
if n > tonumber(ARGV[1]) then return 0 end return 1"
SHA=$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "$LIMITER")
[ "$(redis-cli -p "$RESPLITE_PORT" SCRIPT LOAD "$LIMITER")" = "$SHA" ] || { echo "SHA mismatch" >&2; exit 1; }

bench() { local n=$N; [ "$2" -gt 1 ] && n=$((N * 5))
    redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -n "$n" -P "$2" -r "$3" --csv \
        EVALSHA "$SHA" 1 "rl:__rand_int__" 1000000 60000 2>/dev/null \
    | awk -F'","' 'NR>1 { gsub(/"/,"",$2); print $2 }'; }

for K in $KEYSPACES; do
    for P in $PIPELINES; do
        for r in $(seq 1 "$ROUNDS"); do
            echo "$K $P $(bench "$REDIS_PORT" "$P" "$K") $(bench "$RESPLITE_PORT" "$P" "$K")" >> "$WORK/rounds"
        done
    done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
from collections import defaultdict
rounds = defaultdict(list)
for line in open(sys.argv[1]):
    k, p, redis, ours = line.split()
    rounds[(int(k), int(p))].append((float(redis), float(ours)))
print(f"{'test':<36} {'P':>3} {'redis_rps':>11} {'resplite_rps':>12} {'ratio':>6} {'min':>6}")
for (k, p), rs in sorted(rounds.items()):
    ratios = [o / r for r, o in rs]
    name = f"EVALSHA rate limiter, {k} keys"
    print(f"{name:<36} {p:>3} {statistics.median(r for r, _ in rs):>11.0f} "
          f"{statistics.median(o for _, o in rs):>12.0f} {statistics.median(ratios):>6.2f} {min(ratios):>6.2f}")
PY
