import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMedian, median, quantileSorted, tallyWins } from '../../src/compare/stats.js';

const sample = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 });
const seed = fc.integer({ min: 0, max: 2 ** 31 });

describe('bootstrap interval of the median', () => {
  it('contains the median of the sample, with low ≤ high', () => {
    fc.assert(
      fc.property(sample, seed, (xs, s) => {
        const i = bootstrapMedian(xs, { seed: s, resamples: 400 });
        expect(i.estimate).toBe(median(xs));
        expect(i.low).toBeLessThanOrEqual(i.estimate);
        expect(i.high).toBeGreaterThanOrEqual(i.estimate);
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('lies within the range of the sample', () => {
    fc.assert(
      fc.property(sample, seed, (xs, s) => {
        const i = bootstrapMedian(xs, { seed: s, resamples: 200 });
        expect(i.low).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(i.high).toBeLessThanOrEqual(Math.max(...xs));
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it('is the same for the same sample and seed, and moves with the seed', () => {
    fc.assert(
      fc.property(sample, seed, (xs, s) => {
        expect(bootstrapMedian(xs, { seed: s })).toEqual(bootstrapMedian([...xs], { seed: s }));
      }),
      { numRuns: 30, seed: 14 },
    );
    const xs = Array.from({ length: 15 }, (_, i) => Math.sin(i * 1.7) * 3);
    const bySeed = new Set([1, 2, 3, 4, 5].map((s) => JSON.stringify(bootstrapMedian(xs, { seed: s }))));
    expect(bySeed.size).toBeGreaterThan(1);
  });

  it('leaves out values that are not finite and is empty (NaN) with nothing to measure', () => {
    expect(bootstrapMedian([1, Number.NaN, 3], { seed: 1 }).estimate).toBe(2);
    const none = bootstrapMedian([Number.NaN], { seed: 1 });
    expect([none.estimate, none.low, none.high].every(Number.isNaN)).toBe(true);
  });

  it('collapses to a point on a constant sample (A against itself)', () => {
    expect(bootstrapMedian([0, 0, 0, 0], { seed: 9 })).toMatchObject({ estimate: 0, low: 0, high: 0 });
  });
});

describe('quantiles and the win tally', () => {
  it('interpolates between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });

  it('counts every decided pair once as a win, a tie or a loss', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.double({ noNaN: false }), b: fc.double({ noNaN: false }) })),
        (pairs) => {
          const t = tallyWins(pairs);
          expect(t.wins + t.ties + t.losses + t.undecided).toBe(pairs.length);
          const ahead = pairs.filter((p) => p.a > p.b && p.a - p.b > 1e-12).length;
          expect(t.wins).toBe(ahead);
        },
      ),
      { seed: 15 },
    );
    expect(
      tallyWins([
        { a: 1, b: 1 },
        { a: 2, b: 1 },
        { a: 0, b: 1 },
        { a: Number.NaN, b: 1 },
      ]),
    ).toEqual({
      wins: 1,
      ties: 1,
      losses: 1,
      undecided: 1,
      winOrTieRate: 2 / 3,
    });
  });
});
