import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapMedianOfMeans } from '../../src/compare/stats.js';

const finite = fc.double({ min: -5, max: 5, noNaN: true });

describe('the median of window means with replicates resampled too', () => {
  it('windows of one value each give bootstrapMedian of the values, draw for draw', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 12 }), fc.nat(1000), (xs, seed) => {
        const opts = { seed, resamples: 200 };
        expect(
          bootstrapMedianOfMeans(
            xs.map((x) => [x]),
            opts,
          ),
        ).toEqual(bootstrapMedian(xs, opts));
      }),
      { seed: 31, numRuns: 100 },
    );
  });

  it('the estimate is the median of the windows’ means; the interval is seeded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(finite, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.nat(1000),
        (groups, seed) => {
          const means = groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length).sort((a, b) => a - b);
          const m = means.length;
          const median = m % 2 ? means[(m - 1) / 2]! : (means[m / 2 - 1]! + means[m / 2]!) / 2;
          const r = bootstrapMedianOfMeans(groups, { seed, resamples: 100 });
          expect(r.estimate).toBeCloseTo(median, 12);
          expect(r.low).toBeLessThanOrEqual(r.high);
          expect(bootstrapMedianOfMeans(groups, { seed, resamples: 100 })).toEqual(r);
        },
      ),
      { seed: 32, numRuns: 100 },
    );
  });

  it("carries the noise left in each window's mean: wider than the means' own interval", () => {
    // Seven windows, means 0.002–0.21 as a placebo's came out, each the mean of seven paths spread ±0.3.
    const means = [0.002, 0.05, 0.08, 0.1, 0.12, 0.15, 0.21];
    const spread = [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3];
    const opts = { seed: 1, resamples: 2000 };
    const alone = bootstrapMedian(means, opts);
    const both = bootstrapMedianOfMeans(
      means.map((m) => spread.map((s) => m + s)),
      opts,
    );
    expect(both.estimate).toBeCloseTo(0.1, 12);
    expect(both.low).toBeLessThan(alone.low - 0.02);
    expect(both.high).toBeGreaterThan(alone.high);
    // Paths that agree leave the means' interval as it was, up to the resampling.
    const tight = bootstrapMedianOfMeans(
      means.map((m) => [m, m, m]),
      opts,
    );
    expect(tight.low).toBeCloseTo(alone.low, 2);
    expect(tight.high).toBeCloseTo(alone.high, 2);
  });
});
