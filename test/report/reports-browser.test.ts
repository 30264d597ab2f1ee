/**
 * The reports as a person sees them: the simulation report (with its comparison run and real bars), the
 * optimisation report and the comparison report open from disk in headless Chromium, every chart draws, nothing is fetched from the
 * network, and no script fails. Screenshots land in test-artifacts/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWindows } from '../../src/compare/compare.js';
import { renderCompareReport } from '../../src/compare/html.js';
import { sweepLevels } from '../../src/compare/sides.js';
import { parseSpan, rollingWindows } from '../../src/compare/windows.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { InlineEvaluator } from '../../src/optimizer/evaluators/inline.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import { optimize } from '../../src/optimizer/optimize.js';
import { buildMeta } from '../../src/optimizer/output.js';
import { testFoldEquity } from '../../src/optimizer/report/fold-equity.js';
import { renderOptimizeReport } from '../../src/optimizer/report/html.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { renderReport } from '../../src/sim/report/html.js';
import { runSimulation } from '../../src/sim/run.js';
import { fixture } from '../optimizer/optimizer-fixture.js';
import { checkPage, launch } from '../support/browser.js';
import { chromiumBrowser } from '../support/external-tools.js';
import { loadReal } from '../support/marketdata.js';

const tool = chromiumBrowser('the report screenshots');
const dir = mkdtempSync(join(tmpdir(), 'worksteal-reports-'));
let browser: Browser;

beforeAll(async () => {
  if (!tool.missing) browser = await launch(tool.path!);
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(tool.missing)('reports in a browser', () => {
  it('the simulation report draws every chart, with the comparison run, and fetches nothing', async () => {
    const loaded = await loadReal([
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
      'binance-spot-yanniedog/LINKUSDT_1h.csv',
      'polygon-spy-peachy88/SPY_hourly.csv',
    ]);
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { sim: { orderFraction: 0.45 } } }],
    });
    const range = { from: Date.parse('2023-01-01'), to: Date.parse('2023-04-01') };
    const run = (stealingEnabled: boolean) =>
      runSimulation({ loaded, config: { ...config, stealingEnabled }, calendar: nyseCalendar(), ...range })
        .result;
    const result = run(true);
    expect(result.trades.length).toBeGreaterThan(0);
    const file = join(dir, 'simulation.html');
    writeFileSync(
      file,
      renderReport({ result, comparison: run(false), series: loaded.map((l) => l.series) }),
    );
    const check = await checkPage(browser, `file://${file}`, 'simulation-report');
    expect(check.errors).toEqual([]);
    expect(check.foreignRequests).toEqual([]);
    const ids = Object.keys(check.ink);
    expect(ids).toEqual(
      expect.arrayContaining([
        'chart-equity',
        'chart-drawdown',
        'chart-margin',
        'chart-weekly',
        'chart-exposure',
        'chart-durations',
      ]),
    );
    expect(ids.filter((id) => id.startsWith('chart-price-'))).toHaveLength(3);
    for (const id of ids) expect(check.ink[id], id).toBeGreaterThan(50);
  });

  it('the optimisation report draws convergence, the equal-axis scatter and the test-fold equity', async () => {
    const f = await fixture();
    const store = OptimizerStore.open(':memory:');
    const outcome = await optimize({
      config: f.config,
      spec: f.spec,
      evaluator: new InlineEvaluator(createObjective(f.spec, f.series)),
      store,
      seed: 5,
      generations: 1,
      sensitivityPoints: 0,
    });
    const meta = buildMeta({ outcome, spec: f.spec, range: f.range, foldScheme: 'rolling' });
    const hashes = store.trials(outcome.study.studyId).map((t) => t.hash);
    const evaluations = [...store.evaluations(hashes).values()];
    store.close();
    const folds = testFoldEquity(f.spec, f.series, outcome.study.best!.params);
    const file = join(dir, 'optimize.html');
    writeFileSync(file, renderOptimizeReport(meta, evaluations, folds));
    const check = await checkPage(browser, `file://${file}`, 'optimize-report');
    expect(check.errors).toEqual([]);
    expect(check.foreignRequests).toEqual([]);
    for (const id of ['chart-convergence', 'chart-is-oos', 'chart-fold-equity', 'chart-param-0'])
      expect(check.ink[id], id).toBeGreaterThan(20);
  });

  it('the comparison report draws every window of each pair and the curve of a numeric sweep', async () => {
    const loaded = await loadReal([
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
      'binance-spot-yanniedog/LINKUSDT_1h.csv',
      'binance-spot-yanniedog/AVAXUSDT_1h.csv',
    ]);
    const sweeps = ['sim.research.signalSkill=0,0.5,1'];
    const side = (layers: { source: string; values: Record<string, unknown> }[], stealingEnabled: boolean) =>
      resolveConfig({
        layers: [
          { source: 'test', values: { sim: { orderFraction: 0.45 } } },
          ...layers,
          { source: 'side', values: { stealingEnabled } },
        ],
      }).config;
    const groups = sweepLevels(sweeps).map((level) => ({
      level: level.label,
      baseline: { label: 'stealing off', config: side(level.layers, false) },
      variants: [{ label: 'stealing on', config: side(level.layers, true) }],
    }));
    const windows = rollingWindows(
      { from: Date.parse('2023-01-01'), to: Date.parse('2023-05-01') },
      parseSpan('1mo', '--window'),
    );
    const result = await compareWindows({
      series: loaded.map((l) => l.series),
      groups,
      windows,
      seed: 1,
      resamples: 200,
      threads: 0,
    });
    const file = join(dir, 'compare.html');
    writeFileSync(
      file,
      renderCompareReport({
        result,
        groups,
        data: 'three coins',
        command: 'compare',
        bothSides: null,
        sweeps,
      }),
    );
    const check = await checkPage(browser, `file://${file}`, 'compare-report');
    expect(check.errors).toEqual([]);
    expect(check.foreignRequests).toEqual([]);
    const ids = Object.keys(check.ink);
    // Four charts per comparison (three sweep levels), the two curves.
    expect(ids).toHaveLength(3 * 4 + 2);
    expect(ids).toEqual(expect.arrayContaining(['chart-sweep-sharpe', 'chart-sweep-return']));
    for (const id of ids) expect(check.ink[id], id).toBeGreaterThan(50);
  });
});
