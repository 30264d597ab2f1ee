/**
 * The sensitivity phase, stopped part-way (Ctrl-C), must not print, save or draw rows whose points never ran
 * as findings: such a row's swing was 0.000 from the best point alone. It is marked "not measured" (no low,
 * high or swing), listed after the measured rows, and every output says the phase was interrupted. The
 * phase also reports its own progress (done of its budget), which the command line draws as a bar.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../src/optimizer/de/index.js';
import type { EvalTask, EvaluateOptions, Evaluator } from '../../src/optimizer/evaluators/types.js';
import { decodeJson } from '../../src/optimizer/json.js';
import type { OptimizeMeta } from '../../src/optimizer/output.js';
import {
  SENSITIVITY_INTERRUPTED,
  sensitivity,
  type SensitivityProgress,
} from '../../src/optimizer/sensitivity.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { spawnCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { FIXTURE_CONFIG, fixtureCliArgs } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-sensitivity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE: ParamSpec[] = ['a', 'b', 'c'].map((name) => ({
  name,
  kind: 'real',
  min: 0,
  max: 1,
  log: false,
}));

/** Scores by the parameters; stops taking tasks once `after` have run and aborts the signal's controller. */
function stopping(after: number, controller: AbortController): Evaluator {
  let ran = 0;
  return {
    name: 'stopping',
    concurrency: 1,
    evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}) {
      const outcomes = [];
      for (const t of tasks) {
        if (options.signal?.aborted) break;
        const oos = Number(t.params.a) + 2 * Number(t.params.b) - Number(t.params.c);
        const outcome = {
          hash: t.hash,
          evaluation: { oos, is: oos, folds: [] },
          elapsedMs: 0,
          worker: 't',
          attempts: 1,
        };
        options.onResult?.(outcome);
        outcomes.push(outcome);
        if (++ran === after) controller.abort();
      }
      return Promise.resolve(outcomes);
    },
    close: () => Promise.resolve(),
  };
}

describe('an interrupted sensitivity phase', () => {
  it('marks the rows whose points did not all run, and reports its progress to the end it reached', async () => {
    const store = OptimizerStore.open(join(dir, 'unit.sqlite'));
    const controller = new AbortController();
    const events: SensitivityProgress[] = [];
    const best = { a: 0.5, b: 0.5, c: 0.5 };
    const r = await sensitivity({
      space: SPACE,
      best,
      bestEvaluation: { oos: 1, is: 1, folds: [] },
      objectiveHash: 'o',
      evaluator: stopping(6, controller),
      store,
      points: 5,
      signal: controller.signal,
      onProgress: (p) => events.push(p),
    });
    store.close();
    // Four probes per parameter (0, 0.25, 0.75, 1; the best 0.5 is one of the five points): 12 in all.
    expect(r.complete).toBe(false);
    expect(events[0]).toMatchObject({ done: 0, total: 12, evaluated: 0, reused: 0 });
    expect(events.at(-1)).toMatchObject({ done: 6, total: 12, evaluated: 6 });
    expect(events.map((e) => e.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const measured = r.rows.filter((row) => row.complete);
    const unmeasured = r.rows.filter((row) => !row.complete);
    expect(measured.map((row) => row.name)).toEqual(['a']);
    expect(unmeasured.map((row) => [row.name, row.missing])).toEqual([
      ['b', 2],
      ['c', 4],
    ]);
    for (const row of unmeasured) expect([row.low, row.high, row.swing]).toEqual([NaN, NaN, NaN]);
    expect(measured[0]!.swing).toBeCloseTo(1, 12);
    // Measured rows come first: an unmeasured row never sorts as a small swing.
    expect(r.rows.map((row) => row.complete)).toEqual([true, false, false]);
  });

  it('optimize says so in the printed table, the JSON and the report (Ctrl-C in the phase)', async () => {
    requireMarketData();
    const cfg = join(dir, 'opt.json');
    writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
    const json = join(dir, 'meta.json');
    const report = join(dir, 'report.html');
    const child = spawnCli([
      'optimize',
      ...fixtureCliArgs(cfg),
      '--generations',
      '1',
      '--threads',
      '1',
      '--sensitivity',
      '5',
      '--db',
      join(dir, 'cli.sqlite'),
      '--json',
      json,
      '--report',
      report,
    ]);
    let stderr = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // Stopped as soon as the phase begins: most of its probes never run.
      if (!sent && /sensitivity: \d+ evaluations around the best point/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stdout).toContain(SENSITIVITY_INTERRUPTED);
    expect(stdout).toMatch(/not measured: \d+ of \d+ points did not run/);
    const meta = decodeJson<OptimizeMeta>(readFileSync(json, 'utf8'));
    expect(meta.sensitivityStatus).toBe('interrupted');
    const unmeasured = meta.sensitivity!.filter((row) => !row.complete);
    expect(unmeasured.length).toBeGreaterThan(0);
    for (const row of unmeasured) expect(row.swing).toBeNaN();
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('interrupted: the sensitivity phase stopped before every point ran');
    expect(html).toMatch(/not measured: \d+ of \d+ points did not run/);
  });
});
