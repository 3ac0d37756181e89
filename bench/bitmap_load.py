"""Random SETBIT/GETBIT load for bench/bitmaps.sh: redis-benchmark's
__rand_int__ is zero-padded, which Redis refuses as a bit offset.

    python3 bench/bitmap_load.py PORT COMMAND BITS N  -> prints requests/s

Four connections, each sending pipelined batches of 100 commands."""

import random
import socket
import sys
import threading
import time

from resp import encode

port, command, bits, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
CONNS, BATCH = 4, 100


def worker(n, seed):
    rng = random.Random(seed)
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    for _ in range(n // BATCH):
        extra = (1,) if command == "SETBIT" else ()
        s.sendall(b"".join(encode(command, "bm", rng.randrange(bits), *extra) for _ in range(BATCH)))
        for _ in range(BATCH):
            line = f.readline()
            if line.startswith(b"-"):
                raise SystemExit(line.decode())
    s.close()


start = time.time()
threads = [threading.Thread(target=worker, args=(total // CONNS, i)) for i in range(CONNS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%.0f" % (total / (time.time() - start)))
