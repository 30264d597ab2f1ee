/**
 * A study's candidate counts add up and say what each part is: evaluated by this run, found in the store
 * (stored before this run asked), repeats of a candidate this run had already asked for, told by earlier runs
 * of the study, and apart from those, evaluations of a generation the run did not finish. The counts once
 * read 2 + 4 found in the store + 12 "from earlier runs" on a brand-new store (the 16 were repeats within the
 * run), and 258 evaluated out of 250 candidates after a resume.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CandidateTally, candidatesLine, type CandidateCounts } from '../../src/optimizer/counts.js';
import type { ParamSpec } from '../../src/optimizer/de/index.js';
import type { EvalTask, EvaluateOptions, Evaluator } from '../../src/optimizer/evaluators/types.js';
import { decodeJson } from '../../src/optimizer/json.js';
import type { ObjectiveSpec } from '../../src/optimizer/objective/objective.js';
import type { OptimizeMeta } from '../../src/optimizer/output.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { evaluationHash, objectiveHashOf, runStudy } from '../../src/optimizer/study.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sum = (c: CandidateCounts): number => c.earlier + c.evaluated + c.stored + c.repeats;

describe('CandidateTally', () => {
  it('splits every candidate into exactly one named part, for any sequence of hashes and stored set', () => {
    const hash = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.array(fc.array(hash, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        fc.uniqueArray(hash),
        fc.nat(50),
        (generations, preStored, earlier) => {
          const tally = new CandidateTally(earlier);
          // The store before each generation: what was there before the run, and what the run stored since.
          const store = new Set(preStored);
          for (const hashes of generations) {
            tally.told(hashes, new Set(store));
            for (const h of hashes) store.add(h);
          }
          const c = tally.value;
          const all = generations.flat();
          const distinct = new Set(all);
          expect(c.candidates).toBe(earlier + all.length);
          expect(sum(c)).toBe(c.candidates);
          expect(c.repeats).toBe(all.length - distinct.size);
          expect(c.stored).toBe([...distinct].filter((h) => preStored.includes(h)).length);
          expect(c.evaluated).toBe([...distinct].filter((h) => !preStored.includes(h)).length);
          expect(c.unfinished).toBe(0);
        },
      ),
      { seed: 20240611, numRuns: 300 },
    );
  });

  it('names each part in the line, and never attributes same-run repeats to earlier runs', () => {
    const tally = new CandidateTally(0);
    tally.told(['a', 'b', 'a', 'a', 'b', 'b'], new Set());
    tally.told(['a', 'b', 'a', 'a', 'b', 'b'], new Set(['a', 'b']));
    tally.told(['a', 'b', 'a', 'a', 'b', 'b'], new Set(['a', 'b']));
    expect(candidatesLine({ generations: 3, candidates: tally.value })).toBe(
      '3 generations, 18 candidates: 2 evaluated by this run, 16 repeats of candidates this run had already asked for',
    );
    const resumed = new CandidateTally(240);
    resumed.unfinished(8);
    expect(candidatesLine({ generations: 24, candidates: resumed.value })).toBe(
      '24 generations, 240 candidates: 0 evaluated by this run, 240 from earlier runs of this study; 8 more evaluated in the unfinished generation 25 (stored; the next run tells them)',
    );
  });
});

/** Only hashed, never run. */
const SPEC = {
  version: 1,
  data: [],
  onBadData: 'refuse',
  config: {},
  folds: [],
  score: 'sharpe',
  codeVersion: 't',
} as unknown as ObjectiveSpec;
const OBJECTIVE = objectiveHashOf(SPEC);
/** Nine points in all: DE repeats candidates all the time. */
const SPACE: ParamSpec[] = ['a', 'b'].map((name) => ({ name, kind: 'int', min: 0, max: 2, log: false }));

function scoring(ran: string[]): Evaluator {
  return {
    name: 'score',
    concurrency: 1,
    evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}) {
      const outcomes = [];
      for (const t of tasks) {
        if (options.signal?.aborted) break;
        ran.push(t.hash);
        const oos = -((Number(t.params.a) - 1) ** 2) - (Number(t.params.b) - 2) ** 2;
        const outcome = {
          hash: t.hash,
          evaluation: { oos, is: oos, folds: [] },
          elapsedMs: 0,
          worker: 't',
          attempts: 1,
        };
        options.onResult?.(outcome);
        outcomes.push(outcome);
      }
      return Promise.resolve(outcomes);
    },
    close: () => Promise.resolve(),
  };
}

describe('runStudy counts', () => {
  it('add up to the candidates told, on fresh, pre-filled, interrupted and resumed stores', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.nat(1000),
          popSize: fc.integer({ min: 4, max: 7 }),
          first: fc.integer({ min: 1, max: 3 }),
          more: fc.integer({ min: 0, max: 3 }),
          stopAfter: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
          pre: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
            maxLength: 9,
            selector: ([a, b]) => `${a},${b}`,
          }),
        }),
        async ({ seed, popSize, first, more, stopAfter, pre }) => {
          const store = OptimizerStore.open(join(dir, `p${n++}.sqlite`));
          try {
            store.putObjective(OBJECTIVE, SPEC);
            for (const [a, b] of pre) {
              const params = { a, b };
              store.putEvaluation({
                hash: evaluationHash(OBJECTIVE, params),
                objectiveHash: OBJECTIVE,
                params,
                evaluation: { oos: -9, is: -9, folds: [] },
                elapsedMs: 0,
                worker: 'pre',
                attempts: 1,
              });
            }
            const settings = { strategy: 'jade' as const, popSize, seed };
            const run = async (generations: number, stop?: number) => {
              const ran: string[] = [];
              const controller = new AbortController();
              let seen = 0;
              const before = store.countEvaluations();
              const r = await runStudy({
                spec: SPEC,
                space: SPACE,
                settings,
                generations,
                evaluator: scoring(ran),
                store,
                signal: controller.signal,
                onEvaluated: () => {
                  if (++seen === stop) controller.abort();
                },
              });
              const c = r.candidates;
              expect(sum(c)).toBe(c.candidates);
              expect(c.candidates).toBe(r.evaluations);
              // What this run ran is what the store gained, and each ran once.
              expect(new Set(ran).size).toBe(ran.length);
              expect(c.evaluated + c.unfinished).toBe(ran.length);
              expect(r.evaluated).toBe(ran.length);
              expect(store.countEvaluations() - before).toBe(ran.length);
              if (r.status === 'done') expect(c.unfinished).toBe(0);
              return r;
            };
            const a = await run(first, stopAfter);
            expect(a.candidates.earlier).toBe(0);
            const b = await run(first + more);
            expect(b.candidates.earlier).toBe(a.evaluations);
          } finally {
            store.close();
          }
        },
      ),
      { seed: 7, numRuns: 40 },
    );
  });
});

describe('optimize prints and records the counts', () => {
  it('on a brand-new store, every repeat is named as one (dup.json of the review)', () => {
    requireMarketData();
    const cfg = join(dir, 'dup.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        optimize: { params: { cryptoOutOfHoursForceCount: { min: 0, max: 1 } }, population: 6 },
      }),
    );
    const json = join(dir, 'dup-meta.json');
    const r = runCli([
      'optimize',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--from',
      '2023-01-01',
      '--to',
      '2023-03-01',
      '--config',
      cfg,
      '--generations',
      '3',
      '--threads',
      '0',
      '--sensitivity',
      '0',
      '--db',
      join(dir, 'dup_new.sqlite'),
      '--json',
      json,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /: 3 generations, 18 candidates: 2 evaluated by this run, 16 repeats of candidates this run had already asked for\n/,
    );
    const meta = decodeJson<OptimizeMeta>(readFileSync(json, 'utf8'));
    expect(meta.candidates).toEqual({
      candidates: 18,
      earlier: 0,
      evaluated: 2,
      stored: 0,
      repeats: 16,
      unfinished: 0,
    });
  });
});
