#!/usr/bin/env bash
# EVALSHA throughput of resplite vs an in-memory redis-server, same run: a
# fixed-window rate limiter (INCR, PEXPIRE on the first hit, compare), the
# read-modify-write script most apps run, over 10,000 keys.
#
#   bench/script.sh                  # -c 50, unpipelined and -P 16, 3 rounds
#   N=200000 ROUNDS=5 bench/script.sh
#
# Prints each round's requests/s on both and the median ratio resplite/redis.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
CLIENTS=${CLIENTS:-50}
ROUNDS=${ROUNDS:-3}
PIPELINES=${PIPELINES:-"1 16"}

# shellcheck source=bench/lib.sh
source bench/lib.sh

LIMITER="local n = redis.call('INCR', KEYS[1]) \
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end \
if n > tonumber(ARGV[1]) then return 0 end return 1"
SHA=$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "$LIMITER")
[ "$(redis-cli -p "$RESPLITE_PORT" SCRIPT LOAD "$LIMITER")" = "$SHA" ] || { echo "SHA mismatch" >&2; exit 1; }

bench() { local n=$N; [ "$2" -gt 1 ] && n=$((N * 5))
    redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -n "$n" -P "$2" -r 10000 --csv \
        EVALSHA "$SHA" 1 "rl:__rand_int__" 1000000 60000 2>/dev/null \
    | awk -F'","' 'NR>1 { gsub(/"/,"",$2); print $2 }'; }

for P in $PIPELINES; do
    for r in $(seq 1 "$ROUNDS"); do
        echo "$P $(bench "$REDIS_PORT" "$P") $(bench "$RESPLITE_PORT" "$P")" >> "$WORK/rounds"
    done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
from collections import defaultdict
rounds = defaultdict(list)
for line in open(sys.argv[1]):
    p, redis, ours = line.split()
    rounds[int(p)].append((float(redis), float(ours)))
print(f"{'test':<28} {'P':>3} {'redis_rps':>11} {'resplite_rps':>12} {'ratio':>6} {'min':>6}")
for p, rs in sorted(rounds.items()):
    ratios = [o / r for r, o in rs]
    print(f"{'EVALSHA rate limiter':<28} {p:>3} {statistics.median(r for r, _ in rs):>11.0f} "
          f"{statistics.median(o for _, o in rs):>12.0f} {statistics.median(ratios):>6.2f} {min(ratios):>6.2f}")
PY
