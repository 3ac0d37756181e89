"""Contract test: RQ (Redis Queue) — enqueue, a burst worker, results, the
failed-job registry.

usage: rq_contract.py HOST PORT

RQ 2's workers keep job results in streams (XADD, XREVRANGE) besides
scripts and transactions. The worker logs at WARNING only, so the output is
the checks alone and compares equal between servers.
Prints "N passed, 0 failed".
"""

import sys

from redis import Redis
from rq import Queue, Worker
from rq.job import JobStatus

import rq_tasks

from checks import check, passed



def main():
    conn = Redis(host=sys.argv[1], port=int(sys.argv[2]))
    conn.flushall()
    queue = Queue("contract", connection=conn)
    jobs = [queue.enqueue(rq_tasks.add, i, 1) for i in range(20)]
    failing = queue.enqueue(rq_tasks.fail)
    check(len(queue), 21, "jobs queued")
    Worker([queue], connection=conn).work(burst=True, logging_level="WARNING")
    check([j.return_value() for j in jobs], list(range(1, 21)), "results")
    check(jobs[3].latest_result().return_value, 4, "the result read back from its stream")
    check(len(jobs[3].results()), 1, "one result per run")
    check(jobs[0].get_status(refresh=True), JobStatus.FINISHED, "finished status")
    failing.refresh()
    check(failing.get_status(), JobStatus.FAILED, "failed status")
    check("ValueError: boom" in (failing.exc_info or ""), True, "the failure's traceback")
    check(queue.failed_job_registry.get_job_ids(), [failing.id], "failed-job registry")
    check(len(queue), 0, "queue drained")
    print(f"rq: {passed()} passed, 0 failed")


if __name__ == "__main__":
    main()
