import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapMedianOfMeans, median } from '../../src/compare/stats.js';
import { Rng } from '../../src/optimizer/de/rng.js';

/**
 * A percentile bootstrap interval at level L is the (1 − L)/2 and 1 − (1 − L)/2 quantiles of the resampled
 * medians: 2.5% and 97.5% at 95%, one tail on each side. The reference below redraws the resamples as the
 * file comment of src/compare/stats.ts describes them (windows with replacement, then each drawn window's
 * replicates with replacement), from the same seeded generator.
 */
/** Type-7 quantile (R, NumPy): linear between the order statistics around (n − 1)·q. */
function type7(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

function reference(groups: number[][], seed: number, resamples: number, level: number) {
  const rng = Rng.fromSeed(seed);
  // With no window of more than one value there is nothing to draw within a window (bootstrapMedian).
  const within = groups.some((g) => g.length > 1);
  const meds: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const draw: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[rng.int(groups.length)]!;
      if (!within) {
        draw.push(g[0]!);
        continue;
      }
      let total = 0;
      for (let k = 0; k < g.length; k++) total += g[rng.int(g.length)]!;
      draw.push(total / g.length);
    }
    meds.push(median(draw));
  }
  meds.sort((a, b) => a - b);
  return { low: type7(meds, (1 - level) / 2), high: type7(meds, 1 - (1 - level) / 2) };
}

const value = fc.integer({ min: -500, max: 500 }).map((x) => x / 100);

describe('bootstrap intervals take one tail on each side', () => {
  it('the median of window means, windows and replicates resampled: quantiles (1 − L)/2 and 1 − (1 − L)/2', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 2, maxLength: 4 }), { minLength: 2, maxLength: 7 }),
        fc.nat(10_000),
        fc.constantFrom(0.8, 0.9, 0.95),
        (groups, seed, level) => {
          const got = bootstrapMedianOfMeans(groups, { seed, resamples: 101, level });
          const want = reference(groups, seed, 101, level);
          expect(got.low).toBeCloseTo(want.low, 12);
          expect(got.high).toBeCloseTo(want.high, 12);
        },
      ),
      { seed: 3002, numRuns: 60 },
    );
  });

  it('the median of single values: the same quantiles', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 2, maxLength: 12 }),
        fc.nat(10_000),
        fc.constantFrom(0.8, 0.9, 0.95),
        (xs, seed, level) => {
          const got = bootstrapMedian(xs, { seed, resamples: 101, level });
          const want = reference(
            xs.map((x) => [x]),
            seed,
            101,
            level,
          );
          expect(got.low).toBeCloseTo(want.low, 12);
          expect(got.high).toBeCloseTo(want.high, 12);
        },
      ),
      { seed: 3003, numRuns: 60 },
    );
  });
});
