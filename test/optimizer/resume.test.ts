import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InlineEvaluator } from '../../src/optimizer/evaluators/inline.js';
import type { EvalTask, EvaluateOptions, Evaluator } from '../../src/optimizer/evaluators/types.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import { buildSpace } from '../../src/optimizer/space.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runStudy, type RunStudyInput } from '../../src/optimizer/study.js';
import { fixture } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Wraps an evaluator and counts how often each hash is actually evaluated. */
function counting(inner: Evaluator, counts: Map<string, number>): Evaluator {
  return {
    name: `counting ${inner.name}`,
    concurrency: inner.concurrency,
    evaluate: (tasks: readonly EvalTask[], options?: EvaluateOptions) =>
      inner.evaluate(tasks, {
        ...options,
        onResult: (o) => {
          counts.set(o.hash, (counts.get(o.hash) ?? 0) + 1);
          options?.onResult?.(o);
        },
      }),
    close: () => inner.close(),
  };
}

describe('resumable studies', () => {
  it('an interrupted and resumed study ends exactly like an uninterrupted one, and no candidate is evaluated twice', async () => {
    // The counts below follow this study's trajectory under the distance ranking.
    const f = await fixture({ victimRanking: 'distance' });
    const objective = createObjective(f.spec, f.series);
    const base = (store: OptimizerStore, evaluator: Evaluator): RunStudyInput => ({
      spec: f.spec,
      space: buildSpace(f.config.optimize),
      settings: { strategy: 'jade', popSize: 6, seed: 11 },
      generations: 3,
      evaluator,
      store,
    });

    // The reference: three generations without a break.
    const refCounts = new Map<string, number>();
    const refStore = OptimizerStore.open(join(dir, 'reference.sqlite'));
    const reference = await runStudy(base(refStore, counting(new InlineEvaluator(objective), refCounts)));
    expect(reference).toMatchObject({
      status: 'done',
      reason: 'maxGenerations',
      generations: 3,
      evaluations: 18,
    });

    // Interrupted after 8 evaluations, i.e. in the middle of the second generation.
    const counts = new Map<string, number>();
    const path = join(dir, 'interrupted.sqlite');
    let store = OptimizerStore.open(path);
    const controller = new AbortController();
    let seen = 0;
    const first = await runStudy({
      ...base(store, counting(new InlineEvaluator(objective), counts)),
      signal: controller.signal,
      onEvaluated: () => {
        if (++seen === 8) controller.abort();
      },
    });
    expect(first).toMatchObject({ status: 'interrupted', generations: 1, evaluated: 8 });
    expect(store.countEvaluations()).toBe(8);
    expect(store.study(first.studyId)).toMatchObject({
      status: 'interrupted',
      generation: 1,
      evaluations: 6,
    });
    store.close();

    // A new process: the store is opened again and the same study continues.
    store = OptimizerStore.open(path);
    const resumed = await runStudy(base(store, counting(new InlineEvaluator(objective), counts)));
    expect(resumed).toMatchObject({ status: 'done', resumed: true, generations: 3, evaluations: 18 });
    expect(resumed.studyId).toBe(reference.studyId);
    expect(resumed.candidates.stored).toBe(2); // the two evaluations of generation 2 stored before the break

    // Same trajectory and same result as the uninterrupted run.
    expect(resumed.history).toEqual(reference.history);
    expect(resumed.best).toEqual(reference.best);
    expect(store.trials(resumed.studyId)).toEqual(refStore.trials(reference.studyId));

    // Every candidate was evaluated exactly once over both processes, and stored once.
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...counts.keys()].sort()).toEqual([...refCounts.keys()].sort());
    expect(store.countEvaluations()).toBe(counts.size);
    const trialHashes = new Set(store.trials(resumed.studyId).map((t) => t.hash));
    expect(trialHashes).toEqual(new Set(counts.keys()));

    // Running the finished study again evaluates nothing and returns the same result.
    const again = await runStudy(base(store, counting(new InlineEvaluator(objective), counts)));
    expect(again.evaluated).toBe(0);
    expect(again.best).toEqual(reference.best);

    // A larger budget continues the same study from where it ended.
    const longer = await runStudy({ ...base(store, new InlineEvaluator(objective)), generations: 4 });
    expect(longer.generations).toBe(4);
    expect(longer.history.slice(0, 3)).toEqual(reference.history);
    store.close();
    refStore.close();
  });
});
