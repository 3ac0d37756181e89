#!/usr/bin/env bash
# Throughput of resplite vs an in-memory redis-server, same machine, same run.
#
#   bench/run.sh                 # default tests, -c 50, unpipelined and -P 16
#   N=200000 bench/run.sh        # more requests per test (pipelined: NP, default 10 N)
#   TESTS=set,get bench/run.sh   # a subset (redis-benchmark -t names)
#   ROUNDS=5 bench/run.sh        # more rounds (default 3)
#   KEYSPACES="0" bench/run.sh   # one key per test only (default "0 100000": each
#                                # test also with -r 100000, keys drawn at random)
#
# Each round runs one test against redis, then at once against resplite, so
# both meet the same moment of a shared, noisy machine. Prints the median
# requests/s of each server and the median of the rounds' ratios
# resplite/redis, plus the lowest ratio: on a shared 2-core machine the client
# competes with the servers and a single round can be off by 20%.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
# Pipelined runs get more requests: 100,000 at a million per second is a tenth
# of a second, mostly connection set-up and warm-up.
NP=${NP:-$((N * 10))}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-ping,set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100,lrange_600}
PIPELINES=${PIPELINES:-"1 16"}
ROUNDS=${ROUNDS:-3}
# 0: redis-benchmark's single key per test (a hot row); N: -r N random keys, so
# that a hot key's figures never stand for the whole.
KEYSPACES=${KEYSPACES:-"0 100000"}

# shellcheck source=bench/lib.sh
source bench/lib.sh

# redis-benchmark --csv prints "TEST","rps",... per test; keep test -> rps.
bench() { local n=$N; [ "$2" -gt 1 ] && n=$NP
    local r=(); [ "$4" -gt 0 ] && r=(-r "$4")
    redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -n "$n" -t "$3" -P "$2" "${r[@]}" --csv 2>/dev/null \
    | awk -F'","' 'NR>1 { gsub(/"/,"",$1); print $1 "\t" $2 }'; }

for K in $KEYSPACES; do
for P in $PIPELINES; do
    for t in ${TESTS//,/ }; do
        for r in $(seq 1 "$ROUNDS"); do
            bench "$REDIS_PORT" "$P" "$t" "$K" | sed "s/^/$K\t$P\t$r\tredis\t/" >> "$WORK/all.tsv"
            bench "$RESPLITE_PORT" "$P" "$t" "$K" | sed "s/^/$K\t$P\t$r\tresplite\t/" >> "$WORK/all.tsv"
        done
    done
done
done
python3 - "$WORK/all.tsv" "$ROUNDS" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(dict)  # (keyspace, P, test) -> {(round, server): rps}
for line in open(sys.argv[1]):
    k, p, r, server, test, rps = line.rstrip("\n").split("\t")
    rows[(int(k), int(p), test)][(r, server)] = float(rps)
print(f"{'test':<36} {'-r':>7} {'P':>3} {'redis_rps':>11} {'resplite_rps':>12} {'ratio':>6} {'min':>6}   ({sys.argv[2]} rounds, medians)")
geo = defaultdict(list)
for (k, p, test), v in sorted(rows.items()):
    rounds = sorted({r for r, _ in v})
    ratios = [v[(r, "resplite")] / v[(r, "redis")] for r in rounds if (r, "redis") in v and (r, "resplite") in v]
    if not ratios:
        continue
    red = statistics.median(v[(r, "redis")] for r in rounds if (r, "redis") in v)
    ours = statistics.median(v[(r, "resplite")] for r in rounds if (r, "resplite") in v)
    geo[(k, p)].append(statistics.median(ratios))
    print(f"{test:<36} {k:>7} {p:>3} {red:>11.0f} {ours:>12.0f} {statistics.median(ratios):>6.2f} {min(ratios):>6.2f}")
for (k, p), ratios in sorted(geo.items()):
    print(f"geomean of {len(ratios)} tests, -r {k}, -P {p}: {statistics.geometric_mean(ratios):.2f}")
PY
