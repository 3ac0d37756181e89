#!/usr/bin/env bash
# Streams against an in-memory redis-server, same machine, same run:
# XADD unpipelined and -P 16 (one stream, and 100k streams drawn at random),
# and a consumer-group queue (producers XADD, consumers XREADGROUP + XACK).
#
#   bench/streams.sh                 # 3 rounds, medians
#   ROUNDS=5 N=200000 bench/streams.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
NP=${NP:-$((N * 10))}
ROUNDS=${ROUNDS:-3}
QUEUE=${QUEUE:-100000}

# shellcheck source=bench/lib.sh
source bench/lib.sh
cargo build --release -p resplite-tests --bin stream_queue >&2
QUEUE_BIN=target/release/stream_queue

xadd() { # port pipeline random-keys
    local n=$N; [ "$2" -gt 1 ] && n=$NP
    local key=s r=()
    [ "$3" -gt 0 ] && key=s:__rand_int__ && r=(-r "$3")
    redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -n "$n" -P "$2" "${r[@]}" --csv \
        XADD "$key" '*' field value 2>/dev/null | awk -F'","' 'NR>1 { gsub(/"/,"",$2); print $2 }'
}

for r in $(seq 1 "$ROUNDS"); do
    for K in 0 100000; do
        for P in 1 16; do
            printf 'XADD -r %s -P %s\t%s\t%s\n' "$K" "$P" "$(xadd "$REDIS_PORT" "$P" "$K")" \
                "$(xadd "$RESPLITE_PORT" "$P" "$K")" >> "$WORK/all.tsv"
        done
    done
    printf 'group queue 25x25 (acked/s)\t%s\t%s\n' "$("$QUEUE_BIN" "$REDIS_PORT" "$QUEUE")" \
        "$("$QUEUE_BIN" "$RESPLITE_PORT" "$QUEUE")" >> "$WORK/all.tsv"
done
python3 - "$WORK/all.tsv" "$ROUNDS" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    name, a, b = line.rstrip("\n").split("\t")
    rows[name].append((float(a), float(b)))
print(f"{'workload':<30} {'redis':>10} {'resplite':>10} {'ratio':>6} {'min':>6}   ({sys.argv[2]} rounds, medians)")
for name, v in rows.items():
    ratios = [b / a for a, b in v]
    print(f"{name:<30} {statistics.median(a for a, _ in v):>10.0f} {statistics.median(b for _, b in v):>10.0f} "
          f"{statistics.median(ratios):>6.2f} {min(ratios):>6.2f}")
PY
