import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { LoadResult } from '../../src/marketdata/index.js';
import { runSimulation, type SimulationResult } from '../../src/sim/run.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

/**
 * Value-aware stealing through the whole simulator on real bars: the session feeds the fill model,
 * the decisions carry what they valued, and a huge hysteresis is exactly "stealing off".
 */
const FILES = [
  ...CRYPTO_FILES.slice(0, 4),
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];
const FROM = Date.parse('2024-01-08T00:00:00Z');
const DAY = 86_400_000;

const configOf = (values: Record<string, unknown>) =>
  resolveConfig({ layers: [{ source: 'test', values: { patternDayTrader: true, ...values } }] }).config;

function run(
  loaded: readonly LoadResult[],
  values: Record<string, unknown>,
  from = FROM,
  to = FROM + 42 * DAY,
): SimulationResult {
  return runSimulation({ loaded, config: configOf(values), calendar: nyseCalendar(), from, to }).result;
}

describe('value rankings in the simulator (real crypto and stock bars)', () => {
  it('expectedValue runs, and its decisions carry the values that made them', async () => {
    const loaded = await loadReal(FILES);
    const r = run(loaded, { victimRanking: 'expectedValue' });
    const valued = r.decisions.filter((d) => d.value);
    expect(valued.length).toBeGreaterThan(0);
    const steals = r.decisions.filter((d) => d.action === 'steal');
    expect(steals.length).toBeGreaterThan(0);
    for (const d of steals) {
      const v = d.value!;
      expect(v.ranking).toBe('expectedValue');
      expect(v.stealTest?.passed).toBe(true);
      expect(v.stealTest!.lhs as number).toBeGreaterThanOrEqual(v.stealTest!.rhs as number);
      expect(v.request!.fillProbability).toBeGreaterThanOrEqual(0);
      expect(v.request!.fillProbability).toBeLessThanOrEqual(1);
      expect(v.request!.validUntil).toBeGreaterThan(Date.parse(d.time));
      // Every victim the decision names is valued, in the order it was cancelled.
      expect(v.victims.map((x) => x.orderId)).toEqual(d.victims);
      for (const x of v.victims) expect(x.fillProbability).not.toBeNull();
    }
    const notWorth = r.decisions.filter((d) => d.reason === 'steal-not-worth');
    expect(notWorth.length).toBeGreaterThan(0);
    for (const d of notWorth) expect(d.value?.stealTest?.passed).toBe(false);
    // The calibration scores what was valued, for both asset classes, and only horizons that closed.
    const cal = r.calibration!;
    expect(cal.scored).toBeGreaterThan(0);
    expect(cal.classes.map((c) => c.assetClass)).toEqual(['crypto', 'stock']);
    for (const c of cal.classes) {
      expect(c.deciles.reduce((a, d) => a + d.count, 0)).toBe(c.predictions);
      for (const d of c.deciles) {
        expect(d.meanPredicted).toBeGreaterThanOrEqual(0);
        expect(d.meanPredicted).toBeLessThanOrEqual(1);
        expect(d.realised).toBeGreaterThanOrEqual(0);
        expect(d.realised).toBeLessThanOrEqual(1);
      }
    }
  });

  it('distance values nothing: no value on any decision, no calibration', async () => {
    const loaded = await loadReal(FILES);
    const r = run(loaded, { victimRanking: 'distance' });
    expect(r.decisions.length).toBeGreaterThan(0);
    expect(r.decisions.some((d) => 'value' in d)).toBe(false);
    expect(r.calibration).toBeNull();
  });

  it('same input, same output (decisions, values, calibration, equity)', async () => {
    const loaded = await loadReal(FILES);
    const values = { victimRanking: 'fillProbability' };
    const a = run(loaded, values, FROM, FROM + 21 * DAY);
    const b = run(loaded, values, FROM, FROM + 21 * DAY);
    expect(JSON.stringify(b.decisions)).toBe(JSON.stringify(a.decisions));
    expect(b.calibration).toEqual(a.calibration);
    expect(b.equity).toEqual(a.equity);
    expect(b.trades).toEqual(a.trades);
  });

  it('with a huge hysteresis the decisions are those of stealing off, but for the block reason', async () => {
    const loaded = await loadReal(FILES);
    const strip = (r: SimulationResult) =>
      r.decisions.map(({ value: _value, reason: _reason, ...rest }) => rest);
    let valueBlocks = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          startDay: fc.integer({ min: 0, max: 300 }),
          symbols: fc.subarray(
            loaded.map((_, i) => i),
            { minLength: 2 },
          ),
          ranking: fc.constantFrom('fillProbability', 'expectedValue'),
        }),
        async ({ startDay, symbols, ranking }) => {
          const subset = symbols.map((i) => loaded[i]!);
          const from = FROM + startDay * DAY;
          const to = from + 14 * DAY;
          const huge = run(subset, { victimRanking: ranking, stealHysteresis: 1e12 }, from, to);
          const off = run(subset, { victimRanking: ranking, stealingEnabled: false }, from, to);
          expect(huge.summary.steals).toBe(0);
          expect(strip(huge)).toEqual(strip(off));
          for (let i = 0; i < off.decisions.length; i++) {
            const a = huge.decisions[i]!;
            const b = off.decisions[i]!;
            if (a.reason !== b.reason) {
              expect(a.action).toBe('block');
              expect(b.reason).toBe('stealing-disabled');
            }
            if (a.reason === 'steal-not-worth') valueBlocks++;
          }
          expect(huge.trades).toEqual(off.trades);
          expect(huge.equity).toEqual(off.equity);
        },
      ),
      // Besides the drawn cases, one that reaches the steal test under any seed: every symbol from the first day.
      {
        numRuns: 4,
        seed: 12,
        examples: [[{ startDay: 0, symbols: loaded.map((_, i) => i), ranking: 'expectedValue' }]],
      },
    );
    // The steal test itself was reached (and refused): the property did not hold for want of steal attempts.
    expect(valueBlocks).toBeGreaterThan(0);
  });
});
