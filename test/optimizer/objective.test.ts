import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { candidateConfig, createObjective } from '../../src/optimizer/objective/objective.js';
import { warmUpBars, windowView } from '../../src/optimizer/objective/window.js';
import { evaluationHash, objectiveHashOf } from '../../src/optimizer/study.js';
import { simulate } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';
import { fixture } from './optimizer-fixture.js';

describe('window views', () => {
  it('simulating a view of the bars gives exactly the result of simulating the whole series (crypto and stocks)', async () => {
    const loaded = await loadReal([
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
      'databento-nasdaq-tejasraj15/AAPL_1h.csv',
      'polygon-spy-peachy88/SPY_hourly.csv',
    ]);
    const series = loaded.map((l) => l.series);
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { sim: { orderFraction: 0.6 } } }],
    });
    const calendar = nyseCalendar();
    const warm = warmUpBars(config.sim.forecaster);
    for (const [from, to] of [
      ['2022-03-01T00:00:00Z', '2022-04-15T00:00:00Z'],
      ['2023-06-10T13:30:00Z', '2023-07-20T20:00:00Z'],
    ] as const) {
      const w = { from: Date.parse(from), to: Date.parse(to) };
      const views = series.map((s) => windowView(s, w, warm));
      expect(views.every((v, i) => v.time.length < series[i]!.time.length / 4)).toBe(true);
      // Views share memory with the series: nothing was copied.
      expect(views[0]!.close.buffer).toBe(series[0]!.close.buffer);
      const whole = simulate({ series, config, calendar, from: w.from, to: w.to });
      const cut = simulate({ series: views, config, calendar, from: w.from, to: w.to });
      expect(whole.trades.length).toBeGreaterThan(0);
      expect(cut.equity).toEqual(whole.equity);
      expect(cut.trades).toEqual(whole.trades);
      expect(cut.counters).toEqual(whole.counters);
      expect(cut.decisions).toEqual(whole.decisions);
    }
  });
});

describe('window views with a short forecaster lookback', () => {
  it("keep the fill model's own warm-up too: a view still gives the result of the whole series", async () => {
    // lookbackBars + horizonBars (148 bars) is far below the fill model's warm-up (VALUATION_WARMUP_BARS):
    // a view cut to the forecaster's need would start the value ranking's model on fewer bars than
    // `simulate --from` does, and the optimizer would score another run than the one it reports.
    const loaded = await loadReal([
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
      'databento-nasdaq-tejasraj15/AAPL_1h.csv',
    ]);
    const series = loaded.map((l) => l.series);
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            victimRanking: 'expectedValue',
            sim: { orderFraction: 0.6, forecaster: { lookbackBars: 124, horizonBars: 24 } },
          },
        },
      ],
    });
    const calendar = nyseCalendar();
    const w = { from: Date.parse('2023-03-01T00:00:00Z'), to: Date.parse('2023-04-15T00:00:00Z') };
    const views = series.map((s) => windowView(s, w, warmUpBars(config.sim.forecaster)));
    const whole = simulate({ series, config, calendar, from: w.from, to: w.to });
    const cut = simulate({ series: views, config, calendar, from: w.from, to: w.to });
    expect(whole.trades.length).toBeGreaterThan(0);
    expect(cut.equity).toEqual(whole.equity);
    expect(cut.trades).toEqual(whole.trades);
    expect(cut.decisions).toEqual(whole.decisions);
  });
});

describe('the objective', () => {
  it('scores every fold on train and test, reports the medians, and is deterministic', async () => {
    const f = await fixture();
    const objective = createObjective(f.spec, f.series);
    const a = objective({ protectionPct: 0.002, stealingEnabled: true });
    expect(a.folds).toHaveLength(3);
    for (const fold of a.folds) {
      expect(fold.train.to).toBe(fold.test.from);
      expect(fold.test.score).toBe(fold.test.sharpe);
      expect(fold.test.trades).toBeGreaterThan(0);
    }
    const sorted = a.folds.map((x) => x.test.score).sort((x, y) => x - y);
    expect(a.oos).toBe(sorted[1]);
    expect(a.is).toBe(a.folds.map((x) => x.train.score).sort((x, y) => x - y)[1]);
    // A second objective built from the same spec and data gives the same numbers.
    expect(createObjective(f.spec, f.series)({ protectionPct: 0.002, stealingEnabled: true })).toEqual(a);
    // The parameters matter: stealing off changes the result.
    const off = objective({ protectionPct: 0.002, stealingEnabled: false });
    expect(off.folds.every((x) => x.test.steals === 0)).toBe(true);
    expect(a.folds.some((x) => x.test.steals > 0)).toBe(true);
    expect(off.oos).not.toBe(a.oos);
  });

  it('refuses a candidate that is not a valid configuration, naming the key', async () => {
    const { config } = resolveConfig({});
    const { optimize: _o, ...base } = config;
    expect(() => candidateConfig(base, { protectionPct: 1.5 })).toThrow(ValidationError);
    expect(() => candidateConfig(base, { protectionPct: 1.5 })).toThrow(/candidate protectionPct.*1\.5/);
    expect(candidateConfig(base, { cooldownSec: 42 }).cooldownSec).toBe(42);
  });

  it('evaluation hashes change with the parameters, the data, the folds, the score and the code, not with file paths', async () => {
    const f = await fixture();
    const h = objectiveHashOf(f.spec);
    const p = { protectionPct: 0.002 };
    const e = evaluationHash(h, p);
    expect(evaluationHash(h, { protectionPct: 0.002 })).toBe(e);
    expect(evaluationHash(h, { protectionPct: 0.0021 })).not.toBe(e);
    const variants = [
      { ...f.spec, score: 'sortino' as const },
      { ...f.spec, codeVersion: `${f.spec.codeVersion}x` },
      { ...f.spec, folds: f.spec.folds.slice(1) },
      { ...f.spec, data: f.spec.data.map((d, i) => (i === 0 ? { ...d, sha256: '0'.repeat(64) } : d)) },
      { ...f.spec, config: { ...f.spec.config, sim: { ...f.spec.config.sim, feesBps: 11 } } },
    ];
    for (const v of variants) expect(evaluationHash(objectiveHashOf(v), p)).not.toBe(e);
    // Where the files lie is not part of it: they are identified by content.
    const moved = { ...f.spec, data: f.spec.data.map((d) => ({ ...d, path: `/elsewhere/${d.symbol}.csv` })) };
    expect(objectiveHashOf(moved)).toBe(h);
  });
});
