"""Contract test: Celery with the Redis broker and result backend.

usage: celery_contract.py HOST PORT

Starts a real Celery worker (solo pool) against the server, then checks a
task's result, a failing task's state and exception, a retried task and a
chord (its header results counted in the backend, then the callback). Exits
non-zero on the first failed check; prints "N passed, 0 failed".
"""

import os
import subprocess
import sys

from celery import Celery, chord

from checks import check, passed

HOST, PORT = (sys.argv[1], sys.argv[2]) if __name__ == "__main__" else (
    os.environ["CONTRACT_HOST"], os.environ["CONTRACT_PORT"])
URL = f"redis://{HOST}:{PORT}/0"
app = Celery("celery_contract", broker=URL, backend=URL)
app.conf.update(broker_connection_retry_on_startup=True, result_expires=600,
                task_acks_late=True, worker_prefetch_multiplier=1)


@app.task
def add(x, y):
    return x + y


@app.task
def fail():
    raise ValueError("boom")


@app.task(bind=True, max_retries=2, default_retry_delay=0.1)
def flaky(self, key):
    # Fails twice, then succeeds: the attempts are counted in the server.
    n = app.backend.client.incr(key)
    if n < 3:
        raise self.retry(exc=RuntimeError(f"attempt {n}"))
    return n


@app.task
def total(values):
    return sum(values)




def main():
    app.backend.client.flushall()
    env = dict(os.environ, CONTRACT_HOST=HOST, CONTRACT_PORT=PORT)
    here = os.path.dirname(os.path.abspath(__file__))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_contract", "worker",
         "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=here, env=env, stdout=sys.stderr)
    try:
        check(add.delay(2, 3).get(timeout=60), 5, "a task's result")
        failed = fail.delay()
        try:
            failed.get(timeout=60)
            raise AssertionError("the failing task did not fail")
        except ValueError as e:
            check(str(e), "boom", "the failing task's exception")
        check(failed.state, "FAILURE", "the failing task's state")
        check(flaky.delay("celery-contract:attempts").get(timeout=60), 3, "a retried task")
        result = chord(add.s(i, i) for i in range(10))(total.s())
        check(result.get(timeout=60), 90, "a chord")
        group = [add.delay(i, 1) for i in range(20)]
        check([r.get(timeout=60) for r in group], list(range(1, 21)), "20 tasks in flight")
        check(worker.poll(), None, "the worker is still running")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    print(f"celery {__import__('celery').__version__}: {passed()} passed, 0 failed")


if __name__ == "__main__":
    main()
