/**
 * A queue worker's lines name the study as the coordinator does. The worker wrote `study <objective hash>`,
 * which is not the study id `optimize` prints (`study <id>: new …`; several studies share one objective), so
 * a worker's line could not be matched to the study it served. Now the coordinator puts the study id in each
 * job, and every line about a job starts with the coordinator's label; an evaluation outside a study (the
 * fixed rows of `optimize --compare`) is named by its objective, said as such.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvaluator } from '../../src/optimizer/queue/evaluator.js';
import { jobLabel } from '../../src/optimizer/queue/protocol.js';
import { startWorkerService, type WorkerService } from '../../src/optimizer/queue/worker-service.js';
import { buildSpace } from '../../src/optimizer/space.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import {
  evaluateMissing,
  evaluationHash,
  objectiveHashOf,
  runStudy,
  studyLabel,
} from '../../src/optimizer/study.js';
import { redisServer } from '../support/external-tools.js';
import { fixture, type Fixture } from './optimizer-fixture.js';
import { testRedis, type TestRedis } from './redis-fixture.js';

const redisTool = redisServer('the queue worker log test');

describe('the label of a job', () => {
  const objectiveHash = 'a'.repeat(64);
  it('is the study as optimize prints it', () => {
    expect(jobLabel({ objectiveHash, studyId: `0123456789ab${'c'.repeat(52)}` })).toBe('study 0123456789ab');
    expect(studyLabel(`0123456789ab${'c'.repeat(52)}`)).toBe('study 0123456789ab');
  });
  it('is the objective, said as such, for an evaluation outside a study', () => {
    expect(jobLabel({ objectiveHash })).toBe('objective aaaaaaaaaaaa');
  });
});

let redis: TestRedis;
let f: Fixture;
let worker: WorkerService;
let queue: QueueEvaluator;
const lines: string[] = [];

beforeAll(async () => {
  if (redisTool.missing) return;
  redis = await testRedis();
  f = await fixture();
  const queueName = `worksteal-test-lines-${process.pid}-${randomBytes(4).toString('hex')}`;
  worker = await startWorkerService({
    url: redis.url,
    queueName,
    threads: 1,
    log: (line) => lines.push(line),
  });
  queue = await QueueEvaluator.connect({
    url: redis.url,
    queueName,
    spec: f.spec,
    objectiveHash: objectiveHashOf(f.spec),
    pollMs: 500,
  });
});

afterAll(async () => {
  await queue?.obliterate().catch(() => undefined);
  await queue?.close();
  await worker?.close();
  await redis?.stop();
});

describe.skipIf(redisTool.missing)('a queue worker serving a study', () => {
  it("names the coordinator's study on every line about its jobs", async () => {
    const store = OptimizerStore.open(':memory:');
    let coordinatorSays = '';
    const result = await runStudy({
      spec: f.spec,
      space: buildSpace(f.config.optimize),
      settings: { strategy: 'jade', popSize: 4, seed: 5 },
      generations: 1,
      evaluator: queue,
      store,
      // What optimize prints when a study starts (src/cli/commands/optimize.ts).
      onStart: (st) => (coordinatorSays = `${studyLabel(st.studyId)}: new`),
    });
    const label = studyLabel(result.studyId);
    expect(coordinatorSays).toBe(`${label}: new`);
    const objective = objectiveHashOf(f.spec).slice(0, 12);
    expect(label).not.toBe(`study ${objective}`);

    const jobLines = lines.filter((l) => / (loaded|start|done) /.test(l));
    expect(jobLines.some((l) => l.startsWith(`${label}: loaded SOLUSDT, LINKUSDT, AVAXUSDT in `))).toBe(true);
    expect(
      jobLines.filter((l) => new RegExp(`^${label}: start [0-9a-f]{12} attempt 1$`).test(l)),
    ).toHaveLength(4);
    expect(
      jobLines.filter((l) => new RegExp(`^${label}: done [0-9a-f]{12} in \\d+ ms$`).test(l)),
    ).toHaveLength(4);
    expect(jobLines.every((l) => l.startsWith(`${label}: `))).toBe(true);

    // An evaluation outside the study (as optimize --compare's fixed rows are) names its objective.
    lines.length = 0;
    const params = { protectionPct: 0.004 };
    const hash = evaluationHash(objectiveHashOf(f.spec), params);
    await evaluateMissing([{ hash, params }], objectiveHashOf(f.spec), queue, store);
    expect(lines).toContain(`objective ${objective}: start ${hash.slice(0, 12)} attempt 1`);
    store.close();
  }, 120_000);
});
