import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, pair, type PairedWindow } from '../../src/compare/compare.js';
import { clusteredMedianInterval, medianInterval } from '../../src/compare/stats.js';
import { Rng } from '../../src/optimizer/de/rng.js';
import { sideMetrics } from '../support/builders.js';

/**
 * With --subsets, the pairs of one window share its market: the window, not the pair, is the independent
 * unit. The median ΔSharpe and its interval must take each window once (the mean over its subsets), and
 * the interval must cover the median of windows as often as its level says even when the windows differ
 * far more than the subsets of one window do.
 */
const side = sideMetrics;

const DAY = 86_400_000;

/** Pairs as compare makes them: window-major, subset-minor; `diffs[w][s]` is ΔSharpe of subset s in window w. */
const pairs = (diffs: readonly (readonly number[])[]): PairedWindow[] =>
  diffs.flatMap((subsets, w) =>
    subsets.map((d, s) => pair({ from: w * DAY, to: (w + 1) * DAY }, s, side(d), side(0))),
  );

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('compare with symbol subsets takes each window once', () => {
  it('with one subset per window, gives medianInterval’s very numbers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 9,
        }),
        fc.nat(10_000),
        (groups, seed) => {
          const options = { seed, resamples: 200 };
          expect(
            clusteredMedianInterval(
              groups.map((g) => [g]),
              options,
            ),
          ).toEqual(medianInterval(groups, options));
        },
      ),
      { seed: 101, numRuns: 60 },
    );
  });

  it('estimates the median over windows of each window’s mean over its subsets, at the level the windows reach', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 2, max: 5 }),
        fc.nat(10_000),
        (windowCount, subsetCount, seed) => {
          const rng = Rng.fromSeed(seed);
          const diffs = Array.from({ length: windowCount }, () =>
            Array.from({ length: subsetCount }, () => Math.round((rng.uniform() * 4 - 2) * 1000) / 1000),
          );
          const got = aggregate(pairs(diffs), { seed, resamples: 200 }).medianSharpeDiff;
          const windowMeans = diffs.map(mean);
          expect(got.estimate).toBeCloseTo(median(windowMeans), 12);
          // Every window's mean lies in the interval whenever the windows are too few for 95% ([min, max]).
          if (windowCount < 6) {
            for (const m of windowMeans) {
              expect(got.low).toBeLessThanOrEqual(m + 1e-12);
              expect(got.high).toBeGreaterThanOrEqual(m - 1e-12);
            }
          }
          // The level is what that many windows reach, never what windows × subsets pairs would.
          const levelByWindows = [0, 0, 0.5, 0.75, 0.875, 0.9375][windowCount];
          if (levelByWindows !== undefined) expect(got.level).toBeCloseTo(levelByWindows, 12);
          else expect(got.level).toBe(0.95);
          // The tally still counts every pair.
          const decided = aggregate(pairs(diffs), { seed, resamples: 100 }).sharpe;
          expect(decided.wins + decided.ties + decided.losses).toBe(windowCount * subsetCount);
        },
      ),
      { seed: 102, numRuns: 40 },
    );
  });

  it('covers the median of windows at least 95% of the time when the windows differ more than their subsets', () => {
    // 10 windows of 8 subsets: each window's market moves every subset alike (sd 1), the subsets differ by
    // a little (sd 0.2). The true median of a window's mean is 0. Taking the 80 pairs as independent, the
    // interval covered it about half the time.
    const rng = Rng.fromSeed(2024);
    const normal = (): number => rng.normal(0, 1);
    const trials = 300;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const diffs = Array.from({ length: 10 }, () => {
        const market = normal();
        return Array.from({ length: 8 }, () => market + 0.2 * normal());
      });
      const got = aggregate(pairs(diffs), { seed: t, resamples: 200 }).medianSharpeDiff;
      if (got.low <= 0 && 0 <= got.high) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.95);
  });
});
