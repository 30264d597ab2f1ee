/**
 * compare(), explainDecision() and decisionSummary() from the package refuse bad input before anything runs: a ValidationError
 * naming the argument as the library calls it (never a CLI flag), its value and what to pass.
 */
import { describe, expect, it } from 'vitest';
import {
  StealHistory,
  compare,
  decide,
  decisionSummary,
  explainDecision,
  nyseCalendar,
  resolveConfig,
  type BarSeries,
  type CompareInput,
  type Decision,
} from '../../src/index.js';
import { README_ACCOUNT, README_BTC, README_ETH, README_NOW } from '../support/readme-book.js';
import { refused } from '../support/refusal.js';

const loose = <T>(x: unknown): T => x as T;
const { config } = resolveConfig();
const HOUR = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');

/** `days` of hourly bars of a gently moving price. */
function bars(symbol: string, days: number, patch: Partial<BarSeries> = {}): BarSeries {
  const n = days * 24;
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  const mid = (i: number): number => 100 * (1 + 0.02 * Math.sin(i / 7));
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time: col((i) => T0 + i * HOUR),
    open: col(mid),
    high: col((i) => mid(i) * 1.01),
    low: col((i) => mid(i) * 0.99),
    close: col(mid),
    volume: col(() => 1),
    source: { path: `inline:${symbol}`, sha256: '', layout: 'inline', timezone: 'UTC' },
    ...patch,
  };
}

const series = [bars('AAA', 30), bars('BBB', 30)];
const base: CompareInput = { series, a: config, window: '1w' };
const with_ =
  (patch: Partial<CompareInput>): (() => unknown) =>
  () =>
    compare({ ...base, ...patch });

describe('compare() refuses', () => {
  it('no input object, no series, and a series it cannot replay', async () => {
    await refused(() => compare(loose(undefined)), 'input', /series, a, window/);
    await refused(with_({ series: [] }), 'series', /at least one bar series/);
    await refused(with_({ series: loose('data/') }), 'series', /loadData/);
    await refused(with_({ series: [bars('AAA', 30), bars('BBB', 0)] }), 'series[1] (BBB)', /no bars/);
    const one = bars('BBB', 30);
    const single = { ...one, time: one.time.slice(0, 1) };
    await refused(with_({ series: [series[0]!, single] }), 'series[1] (BBB)', /single bar/);
    await refused(
      with_({ series: [series[0]!, { ...one, intervalMs: 0 }] }),
      'series[1] (BBB).intervalMs',
      /bar length in ms/,
    );
  });

  it('a symbol the series do not hold, naming those they do', async () => {
    await refused(with_({ symbols: ['AAA', 'ZZZ'] }), 'symbols[1]', /choose among AAA, BBB/);
    await refused(with_({ symbols: [] }), 'symbols', /non-empty array/);
  });

  it('a window that is no length, or longer than the data', async () => {
    await refused(with_({ window: '6 months ago' }), 'window', /whole number and a unit/);
    await refused(with_({ window: loose(7) }), 'window', /whole number and a unit/);
    await refused(with_({ step: 'x' }), 'step', /whole number and a unit/);
    await refused(
      with_({ window: '2mo' }),
      'window',
      /ends after the data's end.*shorter window or a wider from\/to/,
    );
    await refused(with_({ window: '1d' }), 'window', /At least 2 days/);
  });

  it('a from/to that is not epoch ms or not in order, or outside the data', async () => {
    await refused(with_({ from: loose('2025-01-02') }), 'from', /epoch ms/);
    await refused(with_({ from: T0 + 10 * 24 * HOUR, to: T0 + 10 * 24 * HOUR }), 'to', /after from/);
    await refused(with_({ from: Date.parse('2026-01-01') }), 'from/to', /common window/);
  });

  it('a configuration that is none, or holds a value resolveConfig() refuses', async () => {
    await refused(with_({ a: loose({ bufferPct: 0.1 }) }), 'a', /resolveConfig\(\)\.config/);
    await refused(with_({ a: { ...config, bufferPct: -3 } }), 'a.bufferPct', /resolveConfig\(\) refuses/);
    await refused(
      with_({ b: { label: 'mine', config: { ...config, protectionPct: Number.NaN } } }),
      'b.config.protectionPct',
      /resolveConfig\(\) refuses/,
    );
    await refused(with_({ a: [] }), 'a', /is empty/);
    await refused(with_({ a: [{ label: '', config }] }), 'a[0].label', /non-empty name/);
    await refused(with_({ a: [loose(config)] }), 'a[0]', /\{ label, config/);
  });

  it('several A without a B', async () => {
    const a = [
      { label: 'one', config },
      { label: 'two', config },
    ];
    await refused(with_({ a }), 'b', /several A/);
  });

  it('threads below 1, and other settings that are not whole numbers in range', async () => {
    await refused(with_({ threads: 0 }), 'threads', /≥ 1/);
    await refused(with_({ threads: 1.5 }), 'threads', /≥ 1/);
    await refused(with_({ replicates: 0 }), 'replicates', /≥ 1/);
    await refused(with_({ seed: -1 }), 'seed', /≥ 0/);
    await refused(with_({ resamples: 10 }), 'resamples', /≥ 100/);
    await refused(with_({ onProgress: loose('yes') }), 'onProgress', /function/);
  });

  it('subsets that do not exist among the symbols', async () => {
    await refused(with_({ subsets: { count: 3, size: 2 } }), 'subsets.count', /only 1 distinct subset/);
    await refused(with_({ subsets: { count: 1, size: 3 } }), 'subsets.size', /from 1 to the 2 symbols/);
  });

  it('sessions that are not a calendar, and signals for a symbol without a series', async () => {
    await refused(
      with_({ sessions: { sessions: 'none' } }),
      'sessions sessions',
      /non-empty array of sessions/,
    );
    const signal = {
      time: T0,
      symbol: 'ZZZ',
      side: 'buy',
      entry: 1,
      takeProfit: 2,
      expectedPnl: 1,
      validUntil: T0,
    };
    await refused(with_({ signals: loose([signal]) }), 'signals[0].symbol', /has no series/);
  });

  it('runs what it does not refuse (the same input, two windows of A against stealing off)', async () => {
    const out = await compare({ ...base, window: '2w' });
    expect(out.windows).toHaveLength(2);
    expect(out.comparisons.map((c) => [c.variant, c.baseline])).toEqual([['A', 'stealing off']]);
    expect(out.range.from).toBe(T0);
  });
});

describe('explainDecision()', () => {
  const calendar = nyseCalendar();
  const now = README_NOW;
  const decision: Decision = decide(
    {
      now,
      sessionOpen: calendar.isRegularSession(now),
      account: README_ACCOUNT,
      positions: [],
      orders: [README_ETH],
      history: new StealHistory(config),
      request: README_BTC,
    },
    config,
  );

  it('prints what `worksteal explain` prints: the verdict, the arithmetic, the candidates', () => {
    const text = explainDecision(decision);
    expect(text.split('\n')[0]).toBe(
      'STEAL: cancel the victims, then rest the order  (reason: stole-capacity)',
    );
    expect(text).toContain('victims');
    expect(text).toMatch(/eth-1 \*/);
    expect(text).toContain('* chosen victim');
    // The sentence under the verdict is decisionSummary's.
    expect(text.split('\n')[1]).toBe(decisionSummary(decision));
    expect(decisionSummary(decision)).toMatch(/^short of [\d,.]+ of margin .*: cancel eth-1 \(frees /);
  });

  it('refuses what is not a decision, and a validity that is not one', async () => {
    await refused(() => explainDecision(loose({ action: 'steal' })), 'decision', /as decide\(\) returns it/);
    await refused(() => explainDecision(loose(null)), 'decision', /as decide\(\) returns it/);
    await refused(() => decisionSummary(loose({ action: 'block' })), 'decision', /as decide\(\) returns it/);
    await refused(
      () => explainDecision(decision, loose({ request: 'soon', order: () => 0 })),
      'validity',
      /request: epoch ms/,
    );
  });
});
