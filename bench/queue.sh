#!/usr/bin/env bash
# Queue workload: N producers LPUSH and N consumers BRPOP on one list, at the
# same time, against an in-memory redis-server and resplite in the same run.
# Prints elements/s delivered to consumers and the ratio resplite/redis.
#
#   bench/queue.sh              # 25 producers, 25 consumers, 100000 elements
#   N=200000 CLIENTS=10 bench/queue.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
CLIENTS=${CLIENTS:-25}

# shellcheck source=bench/lib.sh
source bench/lib.sh

# Elements/s delivered: N elements over the wall time of the slower side.
run() {
    local port=$1 start end
    start=$(date +%s.%N)
    redis-benchmark -p "$port" -c "$CLIENTS" -n "$N" -q BRPOP queue 0 >/dev/null 2>&1 &
    local consumers=$!
    redis-benchmark -p "$port" -c "$CLIENTS" -n "$N" -q LPUSH queue item >/dev/null 2>&1
    wait "$consumers"
    end=$(date +%s.%N)
    awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }'
}

redis_rate=$(run "$REDIS_PORT")
resplite_rate=$(run "$RESPLITE_PORT")
printf '%-34s %12s %12s %7s\n' workload redis resplite ratio
printf '%-34s %12s %12s %7.2f\n' "queue LPUSH/BRPOP ${CLIENTS}x${CLIENTS} (elem/s)" \
    "$redis_rate" "$resplite_rate" "$(awk -v a="$resplite_rate" -v b="$redis_rate" 'BEGIN { print a / b }')"
