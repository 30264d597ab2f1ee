/**
 * Optimizer throughput on the 6-crypto hourly set (2020-09-22 → 2025-12-02) with the default objective
 * (4 rolling walk-forward folds, train = test length, so five distinct windows covering the set once per
 * evaluation): time per evaluation in this thread, and evaluations per second on a pool of 1 and 2 threads.
 * The candidates are a Latin hypercube over the standard search space, the same on every run; the default
 * parameters are timed separately (they steal the most, so they are the slow end).
 */
import { resolveConfig } from '../src/core/config/index.js';
import { DifferentialEvolution } from '../src/optimizer/de/index.js';
import { loadStudyData } from '../src/optimizer/data.js';
import { PoolEvaluator } from '../src/optimizer/evaluators/pool.js';
import { createObjective } from '../src/optimizer/objective/objective.js';
import { prepareObjective } from '../src/optimizer/optimize.js';
import { buildSpace } from '../src/optimizer/space.js';
import { evaluationHash, objectiveHashOf } from '../src/optimizer/study.js';
import { benchmarkFiles } from '../src/sim/benchmark-sets.js';
import { fmt, median, printTable } from './util.js';

/** Evaluations per pool measurement: enough that start-up and the last straggler weigh little. */
const TASKS = 12;
const GOAL_SPEEDUP = 1.8;

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

export async function benchOptimizer(): Promise<void> {
  const { missing } = benchmarkFiles('crypto');
  if (missing.length) {
    console.log(`skipped: the crypto set needs ${missing[0]} (set WORKSTEAL_DATA to the market data folder)`);
    return;
  }
  const { config } = resolveConfig({});
  const data = await loadStudyData({ benchmark: 'crypto' });
  const { spec, series } = prepareObjective({ config, data });
  const space = buildSpace(config.optimize);
  const objectiveHash = objectiveHashOf(spec);
  const candidates = (n: number, seed: number) =>
    new DifferentialEvolution(space, { strategy: 'jade', popSize: Math.max(4, n), seed })
      .ask()
      .slice(0, n)
      .map((c) => ({ hash: evaluationHash(objectiveHash, c.params), params: c.params }));

  // In this thread: the cost of one evaluation (after one warm-up evaluation for the JIT).
  const objective = createObjective(spec, series);
  objective(candidates(4, 99)[0]!.params);
  const single: number[] = [];
  for (const c of candidates(4, 1)) {
    const t0 = process.hrtime.bigint();
    objective(c.params);
    single.push(seconds(t0) * 1000);
  }
  const msPerEval = median(single);
  // The defaults steal the most (tens of thousands of steals over the set): the slow end of the range.
  const defaults: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    objective({});
    defaults.push(seconds(t0) * 1000);
  }
  const msDefault = median(defaults);

  const rows: string[][] = [
    ['this thread (median of 4)', '4', '—', fmt(1000 / msPerEval, 2), fmt(msPerEval, 0), '—'],
    ['this thread, default parameters', '3', '—', fmt(1000 / msDefault, 2), fmt(msDefault, 0), '—'],
  ];
  let rate1 = 0;
  for (const threads of [1, 2]) {
    const pool = new PoolEvaluator(spec, series, threads);
    try {
      // Warm every thread (module load, window views, JIT) before timing.
      await pool.evaluate(candidates(threads, 98 + threads));
      const tasks = candidates(TASKS, 2);
      const t0 = process.hrtime.bigint();
      const outcomes = await pool.evaluate(tasks);
      const wall = seconds(t0);
      const rate = outcomes.length / wall;
      if (threads === 1) rate1 = rate;
      rows.push([
        `pool, ${threads} thread${threads === 1 ? '' : 's'}`,
        String(outcomes.length),
        fmt(wall, 1),
        fmt(rate, 2),
        fmt(median(outcomes.map((o) => o.elapsedMs)), 0),
        threads === 1
          ? '1.00x'
          : `${fmt(rate / rate1, 2)}x (goal ${GOAL_SPEEDUP}x: ${rate / rate1 >= GOAL_SPEEDUP ? 'met' : 'not met'})`,
      ]);
    } finally {
      await pool.close();
    }
  }
  const windows = new Set(spec.folds.flatMap((f) => [f.train, f.test].map((w) => `${w.from}:${w.to}`))).size;
  console.log(
    `${series.length} symbols, ${spec.folds.length} ${config.optimize.folds.scheme} folds (${windows} distinct windows), score ${spec.score}`,
  );
  printTable(['executor', 'evaluations', 'wall s', 'eval/s', 'ms per evaluation', 'speed-up'], rows);
  console.log(
    `one full 6-crypto evaluation: ${fmt(msPerEval, 0)} ms for search-space candidates, ${fmt(msDefault, 0)} ms with the default parameters (goal: well under 1,000 ms)`,
  );
}
