import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { progressLabel } from '../../src/cli/commands/optimize.js';
import type {
  EvalOutcome,
  EvalTask,
  EvaluateOptions,
  Evaluator,
} from '../../src/optimizer/evaluators/types.js';
import { buildSpace } from '../../src/optimizer/space.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runStudy, type StudyProgress } from '../../src/optimizer/study.js';
import { fixture } from '../optimizer/optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scores each candidate by a fixed function of its parameters, so the test needs no simulation. */
function scoring(score: (params: Record<string, unknown>) => number): Evaluator {
  return {
    name: 'scoring',
    concurrency: 1,
    evaluate: async (tasks: readonly EvalTask[], options?: EvaluateOptions) => {
      const done: EvalOutcome[] = [];
      for (const t of tasks) {
        if (options?.signal?.aborted) break;
        const oos = score(t.params);
        const outcome = {
          hash: t.hash,
          evaluation: { oos, is: oos, folds: [] },
          elapsedMs: 1,
          worker: 'main',
          attempts: 1,
        };
        done.push(outcome);
        options?.onResult?.(outcome);
      }
      return done;
    },
    close: async () => undefined,
  };
}

const firstParam = (params: Record<string, unknown>): number => Number(Object.values(params)[0]);

describe('optimizer progress', () => {
  it('shows work, the rate and the best score from the first finished evaluation of generation 1', async () => {
    const f = await fixture();
    const store = OptimizerStore.open(join(dir, 'progress.sqlite'));
    const events: StudyProgress[] = [];
    const scores: number[] = [];
    await runStudy({
      spec: f.spec,
      space: buildSpace(f.config.optimize),
      settings: { strategy: 'jade', popSize: 5, seed: 3 },
      generations: 2,
      evaluator: scoring(firstParam),
      store,
      onEvaluated: (o) => scores.push(o.evaluation.oos),
      onProgress: (p) => events.push({ ...p }),
    });
    store.close();
    const firstGeneration = events.filter((e) => e.generation === 0 && e.inGeneration > 0);
    // One event per finished evaluation of the first generation, before DE is told anything.
    expect(firstGeneration.map((e) => e.told + e.inGeneration)).toEqual([1, 2, 3, 4, 5]);
    firstGeneration.forEach((e, i) => {
      expect(e.evaluated).toBe(i + 1);
      expect(e.rate).toBeGreaterThan(0);
      expect(e.bestOos).toBe(Math.max(...scores.slice(0, i + 1)));
      // A rate of zero, not a rate that ends in 0.00 (2600.00 eval/s on a fast machine).
      expect(progressLabel(e)).not.toMatch(/best —|(^|[^\d.])0\.00 eval\/s/);
    });
  });

  it('the label never claims a rate before an evaluation finished, and always names the generation', () => {
    const progress = fc.record({
      generation: fc.nat(50),
      generations: fc.integer({ min: 1, max: 50 }),
      told: fc.nat(1000),
      budget: fc.nat(1000),
      inGeneration: fc.nat(100),
      popSize: fc.integer({ min: 4, max: 100 }),
      bestOos: fc.oneof(fc.double({ noNaN: true, min: -10, max: 10 }), fc.constant(Number.NEGATIVE_INFINITY)),
      evaluated: fc.nat(1000),
      reused: fc.nat(1000),
      rate: fc.double({ min: 0, max: 1000, noNaN: true }),
    });
    fc.assert(
      fc.property(progress, (p) => {
        const label = progressLabel(p);
        expect(label).toMatch(/gen \d+\/\d+/);
        if (p.evaluated === 0) expect(label).not.toMatch(/eval\/s/);
        else expect(label).toMatch(/eval\/s/);
        expect(label.includes('best —')).toBe(!Number.isFinite(p.bestOos));
      }),
      { seed: 15, numRuns: 500 },
    );
  });
});
