/**
 * The comparison on a small real slice: three crypto symbols, January to May 2023, one-month windows, orders
 * of 45% of equity so that three symbols compete for capacity and stealing happens.
 */
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { compareWindows, type ComparisonGroup } from '../../src/compare/compare.js';
import { parseSpan, rollingWindows } from '../../src/compare/windows.js';
import { runSimulation } from '../../src/sim/run.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadReal } from '../support/marketdata.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const RANGE = { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2023-05-01T00:00:00Z') };
const config = (values: Record<string, unknown> = {}) =>
  resolveConfig({
    layers: [
      { source: 'test', values: { sim: { orderFraction: 0.45 } } },
      { source: 'side', values },
    ],
  }).config;

async function slice() {
  const loaded = await loadReal(FILES);
  return { loaded, series: loaded.map((l) => l.series) };
}

const windows = rollingWindows(RANGE, parseSpan('1mo', '--window'));

describe('compare on real bars', () => {
  it('A against A: every difference is zero and every window a tie', async () => {
    const { series } = await slice();
    const a = { label: 'A', config: config() };
    const r = await compareWindows({
      series,
      groups: [{ level: '', baseline: a, variants: [{ ...a, label: 'A again' }] }],
      windows,
      seed: 3,
      threads: 0,
    });
    const c = r.comparisons[0]!;
    expect(c.windows).toHaveLength(4);
    expect(c.windows.some((w) => w.a.steals > 0)).toBe(true);
    for (const w of c.windows) {
      expect(w.diff).toEqual({ sharpe: 0, totalReturn: 0, maxDrawdown: 0, netRegret: 0 });
      expect(w.a).toEqual(w.b);
    }
    expect(c.aggregate.sharpe).toMatchObject({ wins: 0, ties: 4, losses: 0, winOrTieRate: 1 });
    expect(c.aggregate.medianSharpeDiff).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(c.aggregate.medianReturnDiff).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(c.aggregate.netRegret.a).toBe(c.aggregate.netRegret.b);
  });

  it('each window is the simulation `simulate --from --to` makes, steal regret included', async () => {
    const { loaded, series } = await slice();
    const on = config();
    const groups: ComparisonGroup[] = [
      {
        level: '',
        baseline: { label: 'off', config: config({ stealingEnabled: false }) },
        variants: [{ label: 'on', config: on }],
      },
    ];
    const r = await compareWindows({ series, groups, windows, seed: 3, threads: 0 });
    const c = r.comparisons[0]!;
    const w = c.windows[1]!;
    const { result } = runSimulation({
      loaded,
      config: on,
      calendar: nyseCalendar(),
      from: w.window.from,
      to: w.window.to,
    });
    const s = result.summary;
    expect(w.a.steals).toBeGreaterThan(0);
    expect(w.a).toMatchObject({
      totalReturn: s.totalReturn,
      sharpe: s.sharpe,
      maxDrawdown: s.maxDrawdown,
      steals: s.steals,
      trades: s.trades,
      distinctVictims: s.regret.victimsEvaluated,
      netRegret: s.regret.netRegret,
    });
    // Stealing off: nothing stolen, nothing to regret.
    expect(c.windows.every((x) => x.b.steals === 0 && x.b.netRegret === 0)).toBe(true);
    expect(c.aggregate.stealsPerVictim.b).toBeNaN();
    expect(c.aggregate.steals.a).toBe(c.windows.reduce((n, x) => n + x.a.steals, 0));
  });

  it('gives the same numbers on worker threads as in this thread, and with random subsets', async () => {
    const { series } = await slice();
    const groups: ComparisonGroup[] = [
      {
        level: '',
        baseline: { label: 'off', config: config({ stealingEnabled: false }) },
        variants: [{ label: 'on', config: config() }],
      },
    ];
    const input = {
      series,
      groups,
      windows: windows.slice(0, 2),
      subsets: [
        ['SOLUSDT', 'AVAXUSDT'],
        ['LINKUSDT', 'SOLUSDT', 'AVAXUSDT'],
      ],
      seed: 5,
      resamples: 300,
    };
    const inline = await compareWindows({ ...input, threads: 0 });
    const pooled = await compareWindows({ ...input, threads: 2 });
    expect(pooled).toEqual(inline);
    expect(inline.comparisons[0]!.windows.map((w) => w.subset)).toEqual([0, 1, 0, 1]);
    // A two-symbol subset is its own simulation, not the three-symbol one.
    const [two, three] = inline.comparisons[0]!.windows;
    expect(two!.a.totalReturn).not.toBe(three!.a.totalReturn);
  });

  it('pairs each variant with the baseline of its own sweep level', async () => {
    const { series } = await slice();
    const at = (fraction: number): ComparisonGroup => {
      const level = (values: Record<string, unknown>) =>
        config({ ...values, sim: { orderFraction: fraction } });
      return {
        level: `sim.orderFraction=${fraction}`,
        baseline: { label: 'off', config: level({ stealingEnabled: false }) },
        variants: [
          { label: 'on', config: level({}) },
          { label: 'off again', config: level({ stealingEnabled: false }) },
        ],
      };
    };
    const one = windows.slice(0, 1);
    const r = await compareWindows({
      series,
      groups: [at(0.45), at(0.6)],
      windows: one,
      seed: 1,
      threads: 0,
    });
    expect(r.simulations).toBe(6);
    expect(r.comparisons.map((c) => `${c.level} ${c.variant}`)).toEqual([
      'sim.orderFraction=0.45 on',
      'sim.orderFraction=0.45 off again',
      'sim.orderFraction=0.6 on',
      'sim.orderFraction=0.6 off again',
    ]);
    // The baseline's twin ties with it at each level; the two levels are different simulations.
    for (const c of [r.comparisons[1]!, r.comparisons[3]!]) expect(c.aggregate.sharpe.ties).toBe(1);
    expect(r.comparisons[0]!.windows[0]!.b).not.toEqual(r.comparisons[2]!.windows[0]!.b);
    // Each level's A is the run of that level alone.
    const alone = await compareWindows({ series, groups: [at(0.6)], windows: one, seed: 1, threads: 0 });
    expect(r.comparisons[2]!.windows).toEqual(alone.comparisons[0]!.windows);
  });

  it('trades on external signals when given, as simulate --signals does', async () => {
    const { loaded, series } = await slice();
    // A buy a little under the close once a day, per symbol: enough to compete for capacity.
    const signals: ExternalSignal[] = series.flatMap((s) => {
      const out: ExternalSignal[] = [];
      for (let i = 0; i < s.time.length; i += 24) {
        const t = s.time[i]!;
        if (t < RANGE.from - 86_400_000 || t > RANGE.to) continue;
        const c = s.close[i]!;
        out.push({
          time: t + s.intervalMs,
          symbol: s.symbol,
          side: 'buy',
          entry: c * 0.995,
          takeProfit: c * 1.01,
          expectedPnl: 1,
          validUntil: t + 13 * 3_600_000,
        });
      }
      return out;
    });
    const on = config();
    const groups: ComparisonGroup[] = [
      {
        level: '',
        baseline: { label: 'off', config: config({ stealingEnabled: false }) },
        variants: [{ label: 'on', config: on }],
      },
    ];
    const one = windows.slice(1, 2);
    const r = await compareWindows({ series, groups, windows: one, seed: 1, threads: 0, signals });
    const forecaster = await compareWindows({ series, groups, windows: one, seed: 1, threads: 0 });
    const w = r.comparisons[0]!.windows[0]!;
    const { result } = runSimulation({
      loaded,
      config: on,
      calendar: nyseCalendar(),
      signals,
      from: w.window.from,
      to: w.window.to,
    });
    expect(w.a.trades).toBeGreaterThan(0);
    expect(w.a).toMatchObject({
      totalReturn: result.summary.totalReturn,
      trades: result.summary.trades,
      steals: result.summary.steals,
    });
    expect(w.a.totalReturn).not.toBe(forecaster.comparisons[0]!.windows[0]!.a.totalReturn);
  });
});
