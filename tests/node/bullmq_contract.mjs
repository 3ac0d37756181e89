// Contract test: BullMQ — a Queue, a Worker processing 100 jobs, a delayed
// job, retries with backoff, QueueEvents.
//
// usage: node bullmq_contract.mjs HOST PORT
//
// BullMQ's Lua scripts write job events with XADD and QueueEvents reads them
// with XREAD BLOCK: waitUntilFinished and the 'completed' listener depend on
// them. Prints "N passed, 0 failed".
import { Queue, Worker, QueueEvents } from 'bullmq';

const [host, port] = [process.argv[2], Number(process.argv[3])];
const connection = { host, port, maxRetriesPerRequest: null };
let checks = 0;
function check(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  checks += 1;
}

const queue = new Queue('contract', { connection });
await queue.obliterate({ force: true });
const events = new QueueEvents('contract', { connection });
await events.waitUntilReady();

const attempts = new Map();
const worker = new Worker('contract', async (job) => {
  if (job.name === 'flaky') {
    const n = (attempts.get(job.id) ?? 0) + 1;
    attempts.set(job.id, n);
    if (n < 3) throw new Error(`attempt ${n}`);
    return 'recovered';
  }
  if (job.name === 'fail') throw new Error('boom');
  return job.data.x * 2;
}, { connection, concurrency: 5 });

const completed = [];
events.on('completed', ({ jobId }) => completed.push(jobId));

const jobs = await queue.addBulk(
  Array.from({ length: 100 }, (_, i) => ({ name: 'double', data: { x: i } })));
const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 60000)));
check(results, Array.from({ length: 100 }, (_, i) => i * 2), '100 jobs processed');

const started = Date.now();
const delayed = await queue.add('double', { x: 21 }, { delay: 500 });
check(await queue.getJobState(delayed.id), 'delayed', 'delayed state');
check(await delayed.waitUntilFinished(events, 60000), 42, 'delayed result');
check(Date.now() - started >= 500, true, 'delay honoured');

const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
check(await flaky.waitUntilFinished(events, 60000), 'recovered', 'retried job');
check(attempts.get(flaky.id), 3, 'attempts made');

const failing = await queue.add('fail', {}, { attempts: 2 });
try {
  await failing.waitUntilFinished(events, 60000);
  throw new Error('the failing job did not fail');
} catch (e) {
  check(e.message, 'boom', 'failure reason');
}
check(await queue.getJobState(failing.id), 'failed', 'failed state');
check((await queue.getJobCounts('failed')).failed, 1, 'failed count');
check(completed.length >= 102, true, 'QueueEvents saw the completions');

await worker.close();
await events.close();
await queue.obliterate({ force: true });
await queue.close();
console.log(`bullmq: ${checks} passed, 0 failed`);
