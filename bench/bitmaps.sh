#!/usr/bin/env bash
# Bitmaps against an in-memory redis-server, same machine, same run: random
# SETBIT and GETBIT on bitmaps of 1 KB, 1 MB and 64 MB (a write inside the
# value changes only the pages it touches, so the rate should not fall with
# the size), and whole-value BITCOUNT. SETBIT/GETBIT go through
# bench/bitmap_load.py (4 connections, pipelines of 100), BITCOUNT through
# redis-benchmark (50 connections).
#
#   bench/bitmaps.sh                 # N=20000 requests per test
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
# shellcheck source=bench/lib.sh
source bench/lib.sh

rps() { # port n command...
    local port=$1 n=$2; shift 2
    redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$n" --csv "$@" 2>/dev/null |
        awk -F'","' 'NR>1 { gsub(/"/,"",$2); print $2 }'
}

printf "%-28s %12s %12s %7s\n" test redis resplite ratio
for size in 1024 1048576 67108864; do
    bits=$((size * 8))
    for port in "$REDIS_PORT" "$RESPLITE_PORT"; do
        redis-cli -p "$port" del bm >/dev/null
        redis-cli -p "$port" setbit bm $((bits - 1)) 1 >/dev/null
    done
    for cmd in SETBIT GETBIT; do
        a=$(python3 bench/bitmap_load.py "$REDIS_PORT" "$cmd" "$bits" "$N")
        b=$(python3 bench/bitmap_load.py "$RESPLITE_PORT" "$cmd" "$bits" "$N")
        printf "%-28s %12s %12s %7.2f\n" "$cmd ${size}B bitmap" "$a" "$b" "$(echo "$b / $a" | bc -l)"
    done
    n=$((N / 10)); [ "$size" -gt 1048576 ] && n=200
    a=$(rps "$REDIS_PORT" "$n" BITCOUNT bm)
    b=$(rps "$RESPLITE_PORT" "$n" BITCOUNT bm)
    printf "%-28s %12s %12s %7.2f\n" "BITCOUNT ${size}B bitmap" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
echo "file: $(du -h "$WORK/bench.db" | cut -f1) (bench.db), WAL: $(du -h "$WORK/bench.db-wal" 2>/dev/null | cut -f1)"
