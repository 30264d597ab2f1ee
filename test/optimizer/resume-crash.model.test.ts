/**
 * A study that dies at any point (any number of times) and is started again ends exactly like one that ran
 * without a break: the same history and best, every candidate evaluated once. The death is modelled as the
 * evaluator throwing after its k-th stored result (what the store holds after a kill -9: every result that
 * arrived, no DE state past the last finished generation), including right after a generation's last
 * result, before that generation is saved.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../src/optimizer/de/index.js';
import type {
  EvalOutcome,
  EvalTask,
  EvaluateOptions,
  Evaluator,
} from '../../src/optimizer/evaluators/types.js';
import type { ObjectiveSpec } from '../../src/optimizer/objective/objective.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runStudy, type RunStudyInput, type StudyResult } from '../../src/optimizer/study.js';

const SPEC = {
  version: 1,
  data: [],
  onBadData: 'refuse',
  config: {},
  folds: [],
  score: 'sharpe',
  codeVersion: 't',
};

const SPACE: ParamSpec[] = [
  { name: 'a', kind: 'real', min: 0, max: 1, log: false },
  { name: 'n', kind: 'int', min: 0, max: 3, log: false },
  { name: 'on', kind: 'bool', min: 0, max: 1, log: false },
];

const score = (p: EvalTask['params']): number =>
  -(((p.a as number) - 0.37) ** 2) - 0.1 * Math.abs((p.n as number) - 2) + (p.on ? 0.05 : 0);

class Crash extends Error {}

/** Scores the tasks in order; after `crashAfter` results in this process it dies (throws). */
function evaluator(runs: Map<string, number>, crashAfter = Infinity): Evaluator {
  let done = 0;
  return {
    name: 'model',
    concurrency: 1,
    evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}): Promise<EvalOutcome[]> {
      const out: EvalOutcome[] = [];
      for (const t of tasks) {
        if (done >= crashAfter) return Promise.reject(new Crash('killed'));
        runs.set(t.hash, (runs.get(t.hash) ?? 0) + 1);
        const oos = score(t.params);
        const o = {
          hash: t.hash,
          evaluation: { oos, is: oos, folds: [] },
          elapsedMs: 0,
          worker: 'm',
          attempts: 1,
        };
        options.onResult?.(o);
        out.push(o);
        done++;
      }
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

const input = (store: OptimizerStore, ev: Evaluator, strategy: 'jade' | 'rand1bin'): RunStudyInput => ({
  spec: SPEC as unknown as ObjectiveSpec,
  space: SPACE,
  settings: { strategy, popSize: 6, seed: 3 },
  generations: 5,
  evaluator: ev,
  store,
});

const comparable = (r: StudyResult) => ({ history: r.history, best: r.best, generations: r.generations });

describe('a study killed at any points and started again', () => {
  for (const strategy of ['jade', 'rand1bin'] as const) {
    it(`${strategy}: ends exactly like an uninterrupted run, evaluating each candidate once`, async () => {
      const refStore = OptimizerStore.open(':memory:');
      const refRuns = new Map<string, number>();
      const reference = comparable(await runStudy(input(refStore, evaluator(refRuns), strategy)));
      refStore.close();
      expect([...refRuns.values()].every((n) => n === 1)).toBe(true);

      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }), async (crashes) => {
          // One store file across the "processes", as on disk.
          const store = OptimizerStore.open(':memory:');
          const runs = new Map<string, number>();
          for (const k of crashes) {
            // Dies after k more results, unless the study finishes first.
            await runStudy(input(store, evaluator(runs, k), strategy)).catch((e: unknown) => {
              if (!(e instanceof Crash)) throw e;
            });
          }
          const final = await runStudy(input(store, evaluator(runs), strategy));
          store.close();
          expect(comparable(final)).toEqual(reference);
          expect(runs).toEqual(refRuns);
        }),
        { seed: 24, numRuns: 60 },
      );
    });
  }
});
