#!/usr/bin/env bash
# Full-text search on hashes (resplite only: Debian's redis-server has no
# RediSearch). Prints:
#   - the cost of indexing on writes: redis-benchmark HSET of three fields
#     (-r 100000, -c 50; a random word and price in each write, so the index
#     really changes) under an indexed prefix vs an unindexed one, -P 1 and
#     -P 16, timed until the index has caught up (the issue's bound: an
#     indexed write at most 2x an unindexed one);
#   - background indexing: N hashes (default 1,000,000) written before
#     FT.CREATE, then the time until FT.INFO says 100% (docs/s);
#   - FT.SEARCH latency, p50/p99, for a term, a phrase, a tag + numeric range.
#
#   bench/search.sh                  # N=1000000
#   N=100000 bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
QUERIES=${QUERIES:-300}
# shellcheck source=bench/lib.sh
source bench/lib.sh
cli() { redis-cli -p "$RESPLITE_PORT" "$@"; }
hset() { # prefix pipeline -> writes/s over the wall time until FT.INFO
    # answers: FT.INFO first indexes whatever writes are still queued, so
    # the indexed figure pays for all of its indexing (the unindexed one
    # pays for the same call).
    local t0 t1
    t0=$(date +%s.%N)
    redis-benchmark -h 127.0.0.1 -p "$RESPLITE_PORT" -c 50 -n 100000 -r 100000 -P "$2" -q \
        HSET "$1__rand_int__" title "hello w__rand_int__ world" tag red price __rand_int__ >/dev/null 2>&1
    cli FT.INFO live >/dev/null
    t1=$(date +%s.%N)
    python3 -c "print(f'{100000 / ($t1 - $t0):.0f}')"; }

cli FT.CREATE live ON HASH PREFIX 1 live: SCHEMA title TEXT tag TAG price NUMERIC >/dev/null
for P in 1 16; do
    for round in 1 2 3; do
        printf 'HSET -P %s\t%s\t%s\n' "$P" "$(hset plain: "$P")" "$(hset live: "$P")" >> "$WORK/writes.tsv"
    done
done
python3 - "$WORK/writes.tsv" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    name, a, b = line.rstrip("\n").split("\t")
    rows[name].append((float(a), float(b)))
print(f"{'write':<12} {'unindexed':>10} {'indexed':>10} {'cost':>6}   (3 rounds, medians; cost = unindexed/indexed)")
for name, v in rows.items():
    a = statistics.median(x for x, _ in v)
    b = statistics.median(y for _, y in v)
    print(f"{name:<12} {a:>10.0f} {b:>10.0f} {a / b:>6.2f}")
PY

rate=$(python3 bench/search_load.py "$RESPLITE_PORT" fill doc: "$N")
echo "filled $N hashes at $rate hashes/s"
cli FT.CREATE docs ON HASH PREFIX 1 doc: SCHEMA title TEXT tag TAG price NUMERIC SORTABLE >/dev/null
secs=$(python3 bench/search_load.py "$RESPLITE_PORT" wait docs)
python3 -c "print(f'background indexing: $N hashes in $secs s, {$N / max($secs, 0.001):.0f} docs/s')"
python3 bench/search_load.py "$RESPLITE_PORT" query docs "$QUERIES"
echo "file: $(du -h "$WORK/bench.db" | cut -f1), RSS: $(($(ps -o rss= -p "${PIDS[1]}") / 1024)) MB"
