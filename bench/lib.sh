# Shared by the bench scripts: build resplite, start it and an in-memory
# redis-server on free loopback ports, stop both on exit.
# After sourcing: $REDIS_PORT, $RESPLITE_PORT, $WORK (a scratch directory).

scripts/ensure-redis.sh
# RESPLITE_BIN=path/to/resplite benchmarks another build (an older commit's).
if [ -z "${RESPLITE_BIN:-}" ]; then
    cargo build --release -p resplite >&2
fi
BIN=${RESPLITE_BIN:-target/release/resplite}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 500); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.01; done; echo "server on $1 did not start" >&2; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
PIDS+=($!)
RESPLITE_PORT=$(free_port)
RUST_LOG=warn "$BIN" run --port "$RESPLITE_PORT" --db "$WORK/bench.db" 2>"$WORK/resplite.log" &
PIDS+=($!)
wait_ready "$REDIS_PORT"
wait_ready "$RESPLITE_PORT"
