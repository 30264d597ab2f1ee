/**
 * Two coordinators on one queue share the jobs of the evaluations they both need (a job's id is the
 * evaluation's hash). When one of them stops (Ctrl-C takes back the jobs nobody started) or Redis loses its
 * jobs (a restart without persistence), the other must still get every result, not wait forever for a job
 * that no longer exists.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalOutcome, EvalTask } from '../../src/optimizer/evaluators/types.js';
import { createObjective, type Params } from '../../src/optimizer/objective/objective.js';
import { QueueEvaluator } from '../../src/optimizer/queue/evaluator.js';
import { jobIdOf } from '../../src/optimizer/queue/protocol.js';
import { startWorkerService, type WorkerService } from '../../src/optimizer/queue/worker-service.js';
import { evaluationHash, objectiveHashOf } from '../../src/optimizer/study.js';
import { redisServer } from '../support/external-tools.js';
import { fixture, type Fixture } from './optimizer-fixture.js';
import { testRedis, type TestRedis } from './redis-fixture.js';

const redisTool = redisServer('the queue tests');

let redis: TestRedis;
let f: Fixture;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (redisTool.missing) return;
  redis = await testRedis();
  f = await fixture();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis?.stop();
});

const PARAMS: Params[] = [{ protectionPct: 0.002 }, { protectionPct: 0.006, stealingEnabled: false }];

async function setUp(): Promise<{ name: string; tasks: EvalTask[]; connect: () => Promise<QueueEvaluator> }> {
  const name = `worksteal-test-shared-${process.pid}-${randomBytes(4).toString('hex')}`;
  const objectiveHash = objectiveHashOf(f.spec);
  const tasks = PARAMS.map((params) => ({ hash: evaluationHash(objectiveHash, params), params }));
  const connect = async (): Promise<QueueEvaluator> => {
    const q = await QueueEvaluator.connect({
      url: redis.url,
      queueName: name,
      spec: f.spec,
      objectiveHash,
      pollMs: 200,
    });
    closers.push(async () => {
      await q.obliterate();
      await q.close();
    });
    return q;
  };
  return { name, tasks, connect };
}

async function startWorker(name: string): Promise<WorkerService> {
  const w = await startWorkerService({ url: redis.url, queueName: name, threads: 1, log: () => undefined });
  closers.push(() => w.close());
  return w;
}

/** Resolves when every job is on the queue. */
async function queued(name: string, tasks: readonly EvalTask[]): Promise<void> {
  const queue = new Queue(name, { connection: { url: redis.url } });
  try {
    for (;;) {
      const jobs = await Promise.all(tasks.map((t) => Job.fromId(queue, jobIdOf(t.hash))));
      if (jobs.every(Boolean)) return;
      await sleep(50);
    }
  } finally {
    await queue.close();
  }
}

/** The evaluation's outcomes, or a failure naming what is still awaited after `ms`. */
function within(p: Promise<EvalOutcome[]>, ms: number, what: string): Promise<EvalOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe.skipIf(redisTool.missing)('jobs shared by two coordinators', () => {
  it('one coordinator stopping takes back its waiting jobs; the other still gets every result', async () => {
    const { name, tasks, connect } = await setUp();
    const a = await connect();
    const b = await connect();
    const stopB = new AbortController();
    // Both need the same evaluations; no worker is running yet, so every job waits.
    const fromA = a.evaluate(tasks);
    const fromB = b.evaluate(tasks, { signal: stopB.signal });
    await queued(name, tasks);
    stopB.abort();
    expect(await fromB).toEqual([]);

    await startWorker(name);
    const outcomes = await within(fromA, 60_000, 'the coordinator still running');
    const objective = createObjective(f.spec, f.series);
    expect(outcomes.map((o) => o.hash)).toEqual(tasks.map((t) => t.hash));
    outcomes.forEach((o, i) => expect(o.evaluation).toEqual(objective(tasks[i]!.params)));
  });

  it('jobs lost by Redis are put on the queue again', async () => {
    const { name, tasks, connect } = await setUp();
    const a = await connect();
    const fromA = a.evaluate(tasks);
    await queued(name, tasks);
    const queue = new Queue(name, { connection: { url: redis.url } });
    closers.push(() => queue.close());
    // What a Redis restart without persistence leaves: the jobs are gone.
    await queue.drain();
    expect(await Job.fromId(queue, jobIdOf(tasks[0]!.hash))).toBeUndefined();

    await startWorker(name);
    const outcomes = await within(fromA, 60_000, 'the coordinator');
    expect(outcomes.map((o) => o.hash)).toEqual(tasks.map((t) => t.hash));
  });
});
