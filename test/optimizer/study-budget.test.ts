/**
 * A stored study and a smaller --generations: the same command on a fresh store returns the best of that many
 * generations, so returning the stored study's later best instead would make the answer depend on what the
 * store happened to hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { ParamSpec } from '../../src/optimizer/de/index.js';
import type { EvalTask, EvaluateOptions, Evaluator } from '../../src/optimizer/evaluators/types.js';
import type { ObjectiveSpec } from '../../src/optimizer/objective/objective.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runStudy, type RunStudyInput } from '../../src/optimizer/study.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only hashed, never run: the evaluator below scores the parameters directly. */
const SPEC = {
  version: 1,
  data: [],
  onBadData: 'refuse',
  config: {},
  folds: [],
  score: 'sharpe',
  codeVersion: 't',
};

/** A bowl with its top at (0.2, 0.3, 0.4, 0.5): higher is better, as the objective's median OOS score. */
const bowl: Evaluator = {
  name: 'bowl',
  concurrency: 1,
  evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}) {
    const outcomes = tasks.map((t) => {
      const oos = -Object.values(t.params).reduce<number>(
        (s, v, i) => s + ((v as number) - 0.1 * (i + 2)) ** 2,
        0,
      );
      const outcome = {
        hash: t.hash,
        evaluation: { oos, is: oos, folds: [] },
        elapsedMs: 0,
        worker: 'test',
        attempts: 1,
      };
      options.onResult?.(outcome);
      return outcome;
    });
    return Promise.resolve(outcomes);
  },
  close: () => Promise.resolve(),
};

const SPACE: ParamSpec[] = ['a', 'b', 'c', 'd'].map((name) => ({
  name,
  kind: 'real',
  min: 0,
  max: 1,
  log: false,
}));

const input = (store: OptimizerStore, generations: number): RunStudyInput => ({
  spec: SPEC as unknown as ObjectiveSpec,
  space: SPACE,
  settings: { strategy: 'jade', popSize: 8, seed: 5 },
  generations,
  evaluator: bowl,
  store,
});

describe('a stored study asked for fewer generations than it ran', () => {
  it('is refused, naming --generations and the generations stored, instead of answering with a later best', async () => {
    const fresh = OptimizerStore.open(join(dir, 'fresh.sqlite'));
    const three = await runStudy(input(fresh, 3));
    fresh.close();

    const store = OptimizerStore.open(join(dir, 'ran-six.sqlite'));
    const six = await runStudy(input(store, 6));
    expect(six.generations).toBe(6);
    // The six-generation study found a better point than three generations do: a different answer.
    expect(six.best!.evaluation.oos).toBeGreaterThan(three.best!.evaluation.oos);

    const error = await runStudy(input(store, 3)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const text = String((error as Error).message) + JSON.stringify((error as ValidationError).issues);
    expect(text).toContain('--generations');
    expect(text).toMatch(/\b6\b/);
    // Nothing was changed: the same or a larger budget still continues the stored study.
    expect((await runStudy(input(store, 6))).best).toEqual(six.best);
    expect((await runStudy(input(store, 7))).generations).toBe(7);
    store.close();
  });
});
