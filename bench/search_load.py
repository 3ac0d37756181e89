"""Loads and queries for bench/search.sh (plain sockets, no client library).

    python3 bench/search_load.py PORT fill PREFIX N     -> prints hashes/s
    python3 bench/search_load.py PORT wait INDEX        -> prints seconds until indexed
    python3 bench/search_load.py PORT query INDEX N     -> p50/p99 latency per query form

Documents: `title` three words from a 5,000-word vocabulary, `tag` one of 20,
`price` 0-999; the vocabulary is deterministic so queries find matches."""

import random
import sys
import time

from resp import connect, encode, read_reply

VOCAB = [f"w{i}" for i in range(5000)]
TAGS = [f"t{i}" for i in range(20)]


def fill(port, prefix, n):
    s, f = connect(port)
    rng = random.Random(7)
    start = time.monotonic()
    batch = 1000
    for base in range(0, n, batch):
        out = b"".join(
            encode("HSET", f"{prefix}{i}", "title", " ".join(rng.choice(VOCAB) for _ in range(3)),
                   "tag", rng.choice(TAGS), "price", rng.randrange(1000))
            for i in range(base, min(n, base + batch)))
        s.sendall(out)
        for _ in range(min(n, base + batch) - base):
            read_reply(f)
    print(f"{n / (time.monotonic() - start):.0f}")


def wait(port, index):
    s, f = connect(port)
    start = time.monotonic()
    while True:
        s.sendall(encode("FT.INFO", index))
        info = read_reply(f)
        at = info.index(b"percent_indexed")
        if info[at + 1] == b"1":
            print(f"{time.monotonic() - start:.1f}")
            return
        time.sleep(0.05)


def query(port, index, n):
    s, f = connect(port)
    rng = random.Random(11)
    forms = {
        "term": lambda: [rng.choice(VOCAB)],
        "phrase": lambda: ['"%s %s"' % (rng.choice(VOCAB), rng.choice(VOCAB))],
        "tag+numeric": lambda: ["@tag:{%s} @price:[%d %d]" % (rng.choice(TAGS), lo, lo + 50)
                                for lo in [rng.randrange(950)]],
    }
    for name, make in forms.items():
        times = []
        for _ in range(n):
            q = make()[0]
            t = time.perf_counter()
            s.sendall(encode("FT.SEARCH", index, q, "LIMIT", 0, 10))
            read_reply(f)
            times.append(time.perf_counter() - t)
        times.sort()
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
        print(f"FT.SEARCH {name:<12} p50 {p50 * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms")


port, mode = int(sys.argv[1]), sys.argv[2]
if mode == "fill":
    fill(port, sys.argv[3], int(sys.argv[4]))
elif mode == "wait":
    wait(port, sys.argv[3])
else:
    query(port, sys.argv[3], int(sys.argv[4]))
