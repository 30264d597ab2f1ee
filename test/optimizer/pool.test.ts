import { describe, expect, it } from 'vitest';
import { InlineEvaluator } from '../../src/optimizer/evaluators/inline.js';
import { PoolEvaluator } from '../../src/optimizer/evaluators/pool.js';
import { shareSeries } from '../../src/optimizer/evaluators/shared-series.js';
import type { Evaluator } from '../../src/optimizer/evaluators/types.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import { buildSpace } from '../../src/optimizer/space.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runStudy } from '../../src/optimizer/study.js';
import { fixture } from './optimizer-fixture.js';

describe('worker-thread pool', () => {
  it('shares the bars with the threads instead of copying them', async () => {
    const f = await fixture();
    const shared = shareSeries(f.series);
    expect(shared.every((s) => s.close.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(shared[0]!.close).toEqual(f.series[0]!.close);
    expect(shareSeries(shared)[0]!.close).toBe(shared[0]!.close); // already shared: kept as is
  });

  it('gives exactly the results of the inline evaluator: same trajectory, same best, same evaluations', async () => {
    const f = await fixture();
    const run = async (evaluator: Evaluator) => {
      const store = OptimizerStore.open(':memory:');
      try {
        const result = await runStudy({
          spec: f.spec,
          space: buildSpace(f.config.optimize),
          settings: { strategy: 'jade', popSize: 6, seed: 5 },
          generations: 3,
          evaluator,
          store,
        });
        const evaluations = [...store.evaluations(store.trials(result.studyId).map((t) => t.hash)).values()]
          .map((e) => ({ hash: e.hash, evaluation: e.evaluation, worker: e.worker }))
          .sort((a, b) => a.hash.localeCompare(b.hash));
        return { result, evaluations };
      } finally {
        store.close();
        await evaluator.close();
      }
    };
    const inline = await run(new InlineEvaluator(createObjective(f.spec, f.series)));
    const pooled = await run(new PoolEvaluator(f.spec, f.series, 2));
    expect(pooled.result.history).toEqual(inline.result.history);
    expect(pooled.result.best).toEqual(inline.result.best);
    expect(pooled.evaluations.map((e) => e.evaluation)).toEqual(inline.evaluations.map((e) => e.evaluation));
    expect(new Set(pooled.evaluations.map((e) => e.worker))).toEqual(new Set(['pool']));
    // 18 candidates; a repeated parameter set (ints and bools make that likely) is evaluated once.
    expect(inline.result.evaluations).toBe(18);
    expect(inline.result.evaluated).toBe(inline.evaluations.length);
    expect(pooled.result.evaluated).toBe(inline.result.evaluated);
  });
});
