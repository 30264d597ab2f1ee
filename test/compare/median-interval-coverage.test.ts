import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, pair, type PairedWindow } from '../../src/compare/compare.js';
import { Rng } from '../../src/optimizer/de/rng.js';
import { sideMetrics } from '../support/builders.js';

/**
 * The interval compare reports for the median ΔSharpe must hold the true median as often as its level says.
 * The reference is the textbook one, written out here: for n independent values from a continuous
 * distribution, the true median lies below x(r) with probability P(Bin(n, ½) ≥ r), so [x(r), x(s)] covers it
 * with probability P(r ≤ Bin(n, ½) ≤ s − 1), whatever the distribution.
 */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** P(r ≤ Bin(n, ½) ≤ s − 1): what [x(r), x(s)] (1-based) covers. */
function orderCoverage(n: number, r: number, s: number): number {
  let p = 0;
  for (let i = r; i <= s - 1; i++) p += choose(n, i) / 2 ** n;
  return p;
}

const side = sideMetrics;

const windows = (diffs: readonly number[]): PairedWindow[] =>
  diffs.map((d, i) => pair({ from: i * 86_400_000, to: (i + 1) * 86_400_000 }, 0, side(d), side(0)));

describe('the median ΔSharpe interval covers as often as its level says', () => {
  it('reaches its level by the order statistics it spans, for 1 to 14 windows', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 14 }),
        fc.nat(10_000),
        (ints, seed) => {
          const diffs = ints.map((x) => x / 1000);
          const got = aggregate(windows(diffs), { seed, resamples: 300 }).medianSharpeDiff;
          const sorted = [...diffs].sort((a, b) => a - b);
          const n = sorted.length;
          // The order statistics the interval spans: x(r) the lowest at or above low, x(s) the highest at or below high.
          const r = sorted.findIndex((x) => x >= got.low - 1e-12) + 1;
          const s = n - [...sorted].reverse().findIndex((x) => x <= got.high + 1e-12);
          expect(got.level).toBeLessThanOrEqual(0.95);
          expect(orderCoverage(n, r, s)).toBeGreaterThanOrEqual(got.level - 1e-12);
          // Never narrower than needed: where the windows allow 95%, the level stays 95%.
          if (1 - 2 / 2 ** n >= 0.95) expect(got.level).toBe(0.95);
        },
      ),
      { seed: 3801, numRuns: 200 },
    );
  });

  it('holds the true median at least 95% of the time from 7 windows (it held it 87.5%)', () => {
    const rng = Rng.fromSeed(38);
    const trials = 400;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const diffs = Array.from({ length: 7 }, () => rng.normal(0, 0.3));
      const i = aggregate(windows(diffs), { seed: t, resamples: 400 }).medianSharpeDiff;
      if (i.low <= 0 && 0 <= i.high) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.95);
  });

  it('says what a few windows reach: [min, max] of 2 windows is a 50% interval, 1 window a point at 0%', () => {
    const two = aggregate(windows([-0.3, 0.2]), { seed: 1 }).medianSharpeDiff;
    expect(two).toMatchObject({ low: -0.3, high: 0.2, level: 0.5 });
    const four = aggregate(windows([-0.3, 0.04, 0.14, 0.34]), { seed: 1 }).medianSharpeDiff;
    expect(four).toMatchObject({ low: -0.3, high: 0.34, level: 0.875 });
    const one = aggregate(windows([0.13]), { seed: 1 }).medianSharpeDiff;
    expect(one).toMatchObject({ estimate: 0.13, low: 0.13, high: 0.13, level: 0 });
  });
});
