/**
 * The distributed path for real: a Redis, two `worksteal worker` processes, the coordinator in this process.
 * The result must equal a local run with the same seed; a worker killed (SIGKILL) in the middle of a job
 * must have that job retried by the other worker and counted once.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineEvaluator } from '../../src/optimizer/evaluators/inline.js';
import type { Evaluator } from '../../src/optimizer/evaluators/types.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import { QueueEvaluator } from '../../src/optimizer/queue/evaluator.js';
import { buildSpace } from '../../src/optimizer/space.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { objectiveHashOf, runStudy, type StudyResult } from '../../src/optimizer/study.js';
import { spawnCli } from '../support/cli.js';
import { fixture, type Fixture } from './optimizer-fixture.js';
import { redisServer } from '../support/external-tools.js';
import { testRedis, type TestRedis } from './redis-fixture.js';

const redisTool = redisServer('the distributed optimizer tests');

interface WorkerProcess {
  child: ChildProcess;
  id: string;
  lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
}

/** `worksteal worker` as a user would start it, with short lock and stall times so a dead worker is noticed fast. */
async function startWorker(url: string, queueName: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawnCli(
    [
      'worker',
      '--queue',
      url,
      '--queue-name',
      queueName,
      '--threads',
      '1',
      '--lock-ms',
      '2000',
      '--stalled-ms',
      '1000',
      ...extra,
    ],
    {},
    // The study runs in this process, from source: its workers must run the same code (code version).
    { fromSource: true },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = line.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', (l) => onLine(`stderr: ${l}`));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
    const seen = lines.map((l) => l.match(pattern)).find(Boolean);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `worker did not print ${pattern} within ${timeoutMs} ms; it printed:\n${lines.join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  const ready = await waitFor(/^worker (\S+) ready/);
  return { child, id: ready[1]!, lines, waitFor, exit };
}

async function stopWorker(w: WorkerProcess): Promise<number | null> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return w.exit;
}

const SETTINGS = { strategy: 'jade' as const, popSize: 6, seed: 7 };
const GENERATIONS = 3;

let redis: TestRedis;
let f: Fixture;
let local: StudyResult;
const workers: WorkerProcess[] = [];
const queues: QueueEvaluator[] = [];

async function study(evaluator: Evaluator, store: OptimizerStore): Promise<StudyResult> {
  return runStudy({
    spec: f.spec,
    space: buildSpace(f.config.optimize),
    settings: SETTINGS,
    generations: GENERATIONS,
    evaluator,
    store,
  });
}

const queueName = (what: string): string =>
  `worksteal-test-${what}-${process.pid}-${randomBytes(4).toString('hex')}`;

async function connect(name: string): Promise<QueueEvaluator> {
  const q = await QueueEvaluator.connect({
    url: redis.url,
    queueName: name,
    spec: f.spec,
    objectiveHash: objectiveHashOf(f.spec),
    pollMs: 500,
  });
  queues.push(q);
  return q;
}

beforeAll(async () => {
  if (redisTool.missing) return;
  redis = await testRedis();
  f = await fixture();
  const store = OptimizerStore.open(':memory:');
  local = await study(new InlineEvaluator(createObjective(f.spec, f.series)), store);
  store.close();
});

afterAll(async () => {
  for (const q of queues) {
    await q.obliterate().catch(() => undefined);
    await q.close();
  }
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
});

describe.skipIf(redisTool.missing)('distributed optimisation on a BullMQ queue', () => {
  it('two worker processes give exactly the result of a local run with the same seed', async () => {
    const name = queueName('pair');
    const a = await startWorker(redis.url, name);
    const b = await startWorker(redis.url, name);
    workers.push(a, b);
    const store = OptimizerStore.open(':memory:');
    const remote = await study(await connect(name), store);
    expect(remote.history).toEqual(local.history);
    expect(remote.best).toEqual(local.best);
    expect(remote.evaluated).toBe(local.evaluated);
    const stored = [...store.evaluations(store.trials(remote.studyId).map((t) => t.hash)).values()];
    // Both workers took part, and each evaluation is stored once with the worker that ran it.
    expect(new Set(stored.map((e) => e.worker))).toEqual(new Set([a.id, b.id]));
    expect(store.countEvaluations()).toBe(local.evaluated);
    store.close();
    // A worker stops cleanly on SIGTERM (running jobs finish first).
    expect(await stopWorker(a)).toBe(0);
    expect(await stopWorker(b)).toBe(0);
  });

  it('a worker killed in the middle of a job: the other retries it, the job is counted once, the result is unchanged', async () => {
    const name = queueName('kill');
    // This worker holds every job it takes for a minute: it is certainly mid-job when killed.
    const doomed = await startWorker(redis.url, name, ['--delay-ms', '60000']);
    const survivor = await startWorker(redis.url, name);
    workers.push(doomed, survivor);
    const store = OptimizerStore.open(':memory:');
    const running = study(await connect(name), store);
    const held = await doomed.waitFor(/^study [0-9a-f]{12}: start ([0-9a-f]{12}) attempt 1$/);
    doomed.child.kill('SIGKILL');
    await doomed.exit;
    const remote = await running;

    expect(remote.history).toEqual(local.history);
    expect(remote.best).toEqual(local.best);
    const stored = [...store.evaluations(store.trials(remote.studyId).map((t) => t.hash)).values()];
    expect(stored).toHaveLength(local.evaluated);
    expect(store.countEvaluations()).toBe(local.evaluated);
    const retried = stored.filter((e) => e.hash.startsWith(held[1]!));
    expect(retried).toHaveLength(1);
    // Its lock expired with the dead worker; BullMQ put it back and the survivor ran it as a second attempt.
    expect(retried[0]).toMatchObject({ worker: survivor.id, attempts: 2 });
    expect(survivor.lines).toContain(`study ${remote.studyId.slice(0, 12)}: start ${held[1]} attempt 2`);
    expect(stored.every((e) => e.worker === survivor.id)).toBe(true);
    store.close();
  });
});
