/**
 * simulate() ran silently on a range outside the data (from 2030-01-01 to 2031-01-01 on bars that end years
 * before: 0 trades, no error), where `worksteal simulate` refuses such a range and compare() refuses a window
 * that holds no data. It refuses by the CLI's rule (marketdata/coverage.ts rangeMissIssue): a range in which no
 * bar of any series opens, named with the range and the data's span.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar, resolveConfig, simulate, type BarSeries } from '../../src/index.js';
import { refusal, refusalOf } from '../support/refusal.js';

const { config } = resolveConfig();
const calendar = nyseCalendar();
const HOUR = 3_600_000;
const T0 = Date.parse('2025-12-24T00:00:00Z');

/** Hourly bars of a flat price opening at T0 + each of `hours`. */
function bars(symbol: string, hours: readonly number[]): BarSeries {
  const n = hours.length;
  const flat = (v: number): Float64Array => new Float64Array(n).fill(v);
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time: Float64Array.from(hours, (h) => T0 + h * HOUR),
    open: flat(100),
    high: flat(101),
    low: flat(99),
    close: flat(100),
    volume: flat(1),
    source: { path: `inline:${symbol}`, sha256: '', layout: 'inline', timezone: 'UTC' },
  };
}

const twoWeeks = Array.from({ length: 14 * 24 }, (_, h) => h);
const series = [bars('BTC/USD', twoWeeks)];
const span = 'the data runs 2025-12-24T00:00:00Z → 2026-01-07T00:00:00Z';

describe('simulate() refuses a range that holds no bar', () => {
  it('after the data, naming the range and the data span', () => {
    const from = Date.parse('2030-01-01T00:00:00Z');
    const to = Date.parse('2031-01-01T00:00:00Z');
    const error = refusal(() => simulate({ series, config, calendar, from, to }));
    expect(error.message).toMatch(/^The requested window holds no data/);
    expect(error.issues).toEqual([
      {
        where: 'from',
        message: `from 2030-01-01T00:00:00Z is at or after the data's end (${span}); choose a start inside it`,
        value: { from: '2030-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z' },
      },
    ]);
  });

  it('before the data, and inside a gap between two bars', () => {
    const before = refusal(() => simulate({ series, config, calendar, to: Date.parse('2025-01-01') }));
    expect(before.issues[0]!.where).toBe('to');
    expect(before.issues[0]!.message).toContain("is at or before the data's start");
    const gapped = [bars('BTC/USD', [...twoWeeks.slice(0, 48), ...twoWeeks.slice(96)])];
    const gap = refusal(() =>
      simulate({ series: gapped, config, calendar, from: T0 + 50 * HOUR, to: T0 + 90 * HOUR }),
    );
    expect(gap.issues[0]!.where).toBe('from/to');
    expect(gap.issues[0]!.message).toContain('holds no bar: no bar of the data opens in it');
  });

  it('still runs a range that reaches past the data, over the part with bars', () => {
    const out = simulate({ series, config, calendar, from: T0 + 24 * HOUR, to: Date.parse('2031-01-01') });
    expect(out.equity.length).toBeGreaterThan(0);
  });

  it('property: refused exactly when no bar of any series opens in [from, to)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 2, maxLength: 12 }), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.integer({ min: -10, max: 130 }),
        fc.integer({ min: 1, max: 40 }),
        (hourSets, start, length) => {
          const input = hourSets.map((h, k) =>
            bars(
              `S${k}/USD`,
              [...h].sort((a, b) => a - b),
            ),
          );
          const from = T0 + start * HOUR + 1;
          const to = from + length * HOUR - 1;
          const opens = hourSets.some((h) => h.some((x) => T0 + x * HOUR >= from && T0 + x * HOUR < to));
          const error = refusalOf(() => simulate({ series: input, config, calendar, from, to }));
          expect(error === null).toBe(opens);
          if (error) expect(error.message).toMatch(/^The requested window holds no data/);
        },
      ),
      { seed: 20260606, numRuns: 150 },
    );
  });
});
