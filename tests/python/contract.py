"""Contract test: the PyPI `redis` package (redis-py) against a server.

usage: contract.py HOST PORT

Covers strings, hashes, lists, sets, sorted sets, pipelines, transactions
(MULTI/EXEC and WATCH), pub/sub, RESP3 (protocol=3) and scripting
(register_script, Lock, FUNCTION/FCALL), through redis-py's
own API and reply parsing. Exits non-zero on the first failed check. Run by
tests/tests/python_contract.rs against the real resplite binary (and usable
against a real redis-server for comparison).
"""

import sys
import threading
import time

import redis

from checks import check, passed

HOST, PORT = sys.argv[1], int(sys.argv[2])


def client(**kw):
    return redis.Redis(host=HOST, port=PORT, decode_responses=True, **kw)


def strings(r):
    check(r.set("s", "hello"), True, "SET")
    check(r.get("s"), "hello", "GET")
    check(r.append("s", " world"), 11, "APPEND")
    check(r.strlen("s"), 11, "STRLEN")
    check(r.getrange("s", 0, 4), "hello", "GETRANGE")
    check(r.set("s", "x", nx=True), None, "SET NX on an existing key")
    check(r.incr("n"), 1, "INCR")
    check(r.incrby("n", 10), 11, "INCRBY")
    check(r.incrbyfloat("n", 0.5), 11.5, "INCRBYFLOAT")
    check(r.mset({"a": "1", "b": "2"}), True, "MSET")
    check(r.mget(["a", "b", "missing"]), ["1", "2", None], "MGET")
    check(r.set("ttl", "v", ex=100), True, "SET EX")
    ttl = r.ttl("ttl")
    check(0 < ttl <= 100, True, "TTL")
    check(r.exists("a", "b", "missing"), 2, "EXISTS")
    check(r.delete("a", "b"), 2, "DEL")
    check(r.type("s"), "string", "TYPE")
    try:
        r.lpush("s", "x")
        raise AssertionError("LPUSH on a string did not fail")
    except redis.ResponseError as e:
        check(str(e).startswith("WRONGTYPE"), True, "WRONGTYPE error")


def hashes(r):
    check(r.hset("h", mapping={"f1": "v1", "f2": "v2"}), 2, "HSET")
    check(r.hget("h", "f1"), "v1", "HGET")
    check(r.hgetall("h"), {"f1": "v1", "f2": "v2"}, "HGETALL")
    check(r.hincrby("h", "c", 5), 5, "HINCRBY")
    check(sorted(r.hkeys("h")), ["c", "f1", "f2"], "HKEYS")
    check(r.hlen("h"), 3, "HLEN")
    check(r.hdel("h", "f1", "nope"), 1, "HDEL")
    check(r.hexists("h", "f1"), False, "HEXISTS")


def lists(r):
    check(r.rpush("l", "a", "b", "c"), 3, "RPUSH")
    check(r.lpush("l", "z"), 4, "LPUSH")
    check(r.lrange("l", 0, -1), ["z", "a", "b", "c"], "LRANGE")
    check(r.lpop("l"), "z", "LPOP")
    check(r.rpop("l", 2), ["c", "b"], "RPOP count")
    check(r.llen("l"), 1, "LLEN")
    check(list(r.blpop(["l"], timeout=1)), ["l", "a"], "BLPOP")
    check(r.blpop(["l"], timeout=0.1), None, "BLPOP timeout")


def sets(r):
    check(r.sadd("st", "a", "b", "c"), 3, "SADD")
    check(r.smembers("st"), {"a", "b", "c"}, "SMEMBERS")
    check(r.sismember("st", "a"), True, "SISMEMBER")
    check(r.sadd("st2", "b", "c", "d"), 3, "SADD")
    check(r.sinter("st", "st2"), {"b", "c"}, "SINTER")
    check(r.sunion("st", "st2"), {"a", "b", "c", "d"}, "SUNION")
    check(r.srem("st", "a"), 1, "SREM")
    check(r.scard("st"), 2, "SCARD")


def zsets(r):
    check(r.zadd("z", {"a": 1, "b": 2, "c": 3.5}), 3, "ZADD")
    check(r.zscore("z", "c"), 3.5, "ZSCORE")
    check(r.zrange("z", 0, -1, withscores=True),
          [("a", 1.0), ("b", 2.0), ("c", 3.5)], "ZRANGE WITHSCORES")
    check(r.zrangebyscore("z", 2, "+inf"), ["b", "c"], "ZRANGEBYSCORE")
    check(r.zincrby("z", 10, "a"), 11.0, "ZINCRBY")
    check(r.zrank("z", "a"), 2, "ZRANK")
    check(r.zpopmin("z"), [("b", 2.0)], "ZPOPMIN")
    check(r.zcard("z"), 2, "ZCARD")


def scan(r):
    keys = set(r.scan_iter(match="*", count=2))
    check({"s", "h", "st", "z"} <= keys, True, "SCAN iterates every key")


def pipelines_and_transactions(r):
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.set(f"p{i}", i)
    p.get("p42")
    out = p.execute()
    check(out[-1], "42", "pipeline")
    check(len(out), 101, "pipeline length")

    with r.pipeline() as tx:  # MULTI/EXEC
        tx.incr("tx").incr("tx").get("tx")
        check(tx.execute(), [1, 2, "2"], "MULTI/EXEC")

    # WATCH: a write by someone else aborts the transaction.
    other = client()
    with r.pipeline() as tx:
        tx.watch("w")
        other.set("w", "changed")
        tx.multi()
        tx.set("w", "mine")
        try:
            tx.execute()
            raise AssertionError("EXEC after a watched write did not abort")
        except redis.WatchError:
            check(True, True, "WATCH abort")
    check(r.get("w"), "changed", "aborted EXEC wrote nothing")

    def bump(pipe):
        v = int(pipe.get("counter") or 0)
        pipe.multi()
        pipe.set("counter", v + 1)

    r.transaction(bump, "counter")
    check(r.get("counter"), "1", "transaction helper")

    try:
        with r.pipeline() as tx:
            tx.set("k", "v").lpush("k", "x").set("after", "1")
            tx.execute()
        raise AssertionError("a runtime error in EXEC was not raised")
    except redis.ResponseError as e:
        check("WRONGTYPE" in str(e), True, "EXEC runtime error")
    check(r.get("after"), "1", "EXEC ran the commands after the error")


def pubsub(r, protocol):
    sub = client(protocol=protocol).pubsub()
    sub.subscribe("news")
    sub.psubscribe("ne*")
    msg = sub.get_message(timeout=2)
    check((msg["type"], msg["channel"]), ("subscribe", "news"), "subscribe reply")
    msg = sub.get_message(timeout=2)
    check((msg["type"], msg["channel"]), ("psubscribe", "ne*"), "psubscribe reply")
    check(r.publish("news", "hi"), 2, "PUBLISH receivers")
    msg = sub.get_message(timeout=2)
    check((msg["type"], msg["channel"], msg["data"]), ("message", "news", "hi"), "message")
    msg = sub.get_message(timeout=2)
    check((msg["type"], msg["pattern"], msg["data"]), ("pmessage", "ne*", "hi"), "pmessage")
    check(r.pubsub_numsub("news"), [("news", 1)], "PUBSUB NUMSUB")
    check(r.pubsub_numpat(), 1, "PUBSUB NUMPAT")

    # A listener thread, as apps run it.
    got = []
    sub2 = client(protocol=protocol).pubsub()
    sub2.subscribe(**{"jobs": lambda m: got.append(m["data"])})
    worker = sub2.run_in_thread(sleep_time=0.01)
    time.sleep(0.1)
    for i in range(50):
        r.publish("jobs", str(i))
    deadline = time.time() + 5
    while len(got) < 50 and time.time() < deadline:
        time.sleep(0.02)
    worker.stop()
    check(got, [str(i) for i in range(50)], "thread listener got every message in order")

    # Keyspace notifications, as cache-invalidation apps use them.
    r.config_set("notify-keyspace-events", "KEA")
    sub.punsubscribe("ne*")
    sub.unsubscribe("news")
    sub.psubscribe("__keyspace@0__:watched*")
    while sub.get_message(timeout=0.2):
        pass
    r.set("watched1", "v")
    msg = sub.get_message(timeout=2)
    check((msg["channel"], msg["data"]), ("__keyspace@0__:watched1", "set"), "keyspace event")
    r.config_set("notify-keyspace-events", "")
    sub.close()
    sub2.close()


def resp3():
    r = client(protocol=3)
    info = r.execute_command("HELLO", "3")
    check(info["proto"], 3, "HELLO 3 proto")
    r.hset("h3", mapping={"a": "1"})
    check(r.hgetall("h3"), {"a": "1"}, "RESP3 map")
    r.sadd("s3", "x", "y")
    check(r.smembers("s3"), {"x", "y"}, "RESP3 set")
    r.zadd("z3", {"m": 1.5})
    check(r.zscore("z3", "m"), 1.5, "RESP3 double")
    check([tuple(p) for p in r.zrange("z3", 0, -1, withscores=True)], [("m", 1.5)],
          "RESP3 withscores")
    check(r.get("missing"), None, "RESP3 null")
    check(r.config_get("maxclients")["maxclients"].isdigit(), True, "CONFIG GET map")
    check(r.client_id() > 0, True, "CLIENT ID")
    check(isinstance(r.info()["redis_version"], str), True, "INFO parsed")
    check(r.ping(), True, "PING")
    pipe = r.pipeline()
    pipe.hgetall("h3").smembers("s3")
    check(pipe.execute(), [{"a": "1"}, {"x", "y"}], "RESP3 pipeline")


def scripting(r):
    # register_script: EVALSHA, and EVAL again after NOSCRIPT (SCRIPT FLUSH).
    limiter = r.register_script(
        "local n = redis.call('INCR', KEYS[1]) "
        "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
        "if n > tonumber(ARGV[1]) then return 0 end return 1")
    check([limiter(keys=["rl"], args=[3, 60000]) for _ in range(5)], [1, 1, 1, 0, 0],
          "rate limiter script")
    check(0 < r.pttl("rl") <= 60000, True, "script set the TTL")
    r.script_flush()
    check(limiter(keys=["rl2"], args=[1, 1000]), 1, "register_script after SCRIPT FLUSH")
    check(r.script_exists(limiter.sha), [True], "SCRIPT EXISTS")
    check(r.eval("return {1, 'two', {3}}", 0), [1, "two", [3]], "EVAL nested reply")
    try:
        r.eval("return redis.call('LPUSH', KEYS[1], 'x')", 1, "rl")
        raise AssertionError("LPUSH on a string inside a script did not fail")
    except redis.ResponseError as e:
        check(str(e).startswith("WRONGTYPE"), True, "script error reply")
    pipe = r.pipeline()
    limiter(keys=["rl3"], args=[5, 1000], client=pipe)
    pipe.get("rl3")
    check(pipe.execute(), [1, "1"], "script in a pipeline")

    # Lock: its acquire, extend and release are Lua scripts.
    lock = r.lock("resource", timeout=10, blocking_timeout=0.1)
    check(lock.acquire(), True, "Lock.acquire")
    other = r.lock("resource", timeout=10, blocking_timeout=0.1)
    check(other.acquire(), False, "a second Lock times out")
    check(lock.extend(5), True, "Lock.extend")
    check(lock.owned(), True, "Lock.owned")
    lock.release()
    check(other.acquire(), True, "Lock acquired after release")
    check((lock.owned(), other.owned()), (False, True), "ownership moved")
    check(lock.extend(1) if lock.local.token else "no token", "no token", "released lock")
    other.release()
    counter = {"n": 0}

    def worker():
        for _ in range(20):
            with client().lock("shared", timeout=5, blocking_timeout=10):
                n = counter["n"]
                time.sleep(0.0005)
                counter["n"] = n + 1

    threads = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    check(counter["n"], 80, "Lock serializes four threads")

    # Functions.
    r.function_flush()
    lib = ("#!lua name=contract\n"
           "redis.register_function('hello', function(keys, args) "
           "return 'hello ' .. args[1] end)\n"
           "redis.register_function{function_name='get', callback=function(keys) "
           "return redis.call('GET', keys[1]) end, flags={'no-writes'}}")
    check(r.function_load(lib), "contract", "FUNCTION LOAD")
    check(r.fcall("hello", 0, "world"), "hello world", "FCALL")
    r.set("fk", "v")
    check(r.fcall_ro("get", 1, "fk"), "v", "FCALL_RO")
    listed = r.function_list()
    check(listed[0][:4], ["library_name", "contract", "engine", "LUA"], "FUNCTION LIST")
    check(r.function_delete("contract"), True, "FUNCTION DELETE")


def main():
    r = client()
    r.flushall()
    check(r.ping(), True, "PING")
    r.client_setname("contract")
    check(r.client_getname(), "contract", "CLIENT GETNAME")
    strings(r)
    hashes(r)
    lists(r)
    sets(r)
    zsets(r)
    scan(r)
    pipelines_and_transactions(r)
    pubsub(r, 2)
    pubsub(r, 3)
    resp3()
    scripting(r)
    r.flushall()
    print(f"python redis {redis.__version__}: {passed()} passed, 0 failed")


if __name__ == "__main__":
    main()
