#!/usr/bin/env bash
# Throughput of resplite vs an in-memory redis-server, same machine, same run.
#
#   bench/run.sh                 # default tests, -c 50, unpipelined and -P 16
#   N=200000 bench/run.sh        # more requests per test
#   TESTS=set,get bench/run.sh   # a subset (redis-benchmark -t names)
#
# Prints requests/s for both servers and the ratio resplite/redis per test.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-ping,set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100,lrange_600}
PIPELINES=${PIPELINES:-"1 16"}

# shellcheck source=bench/lib.sh
source bench/lib.sh

# redis-benchmark --csv prints "TEST","rps",... per test; keep test -> rps.
bench() { redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -n "$N" -t "$TESTS" -P "$2" --csv 2>/dev/null \
    | awk -F'","' 'NR>1 { gsub(/"/,"",$1); print $1 "\t" $2 }'; }

printf '%-18s %4s %14s %14s %7s\n' test P redis_rps resplite_rps ratio
for P in $PIPELINES; do
    bench "$REDIS_PORT" "$P" > "$WORK/redis.tsv"
    bench "$RESPLITE_PORT" "$P" > "$WORK/resplite.tsv"
    join -t $'\t' <(sort "$WORK/redis.tsv") <(sort "$WORK/resplite.tsv") \
        | awk -F'\t' -v P="$P" '{ printf "%-18s %4s %14.0f %14.0f %7.2f\n", $1, P, $2, $3, $3 / $2 }'
done
