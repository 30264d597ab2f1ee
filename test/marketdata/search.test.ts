import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstAfter, firstAtOrAfter } from '../../src/marketdata/search.js';

describe('binary search over ascending times', () => {
  it('finds the first index at or after / after x, as a linear scan does (seed 2727)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }),
        fc.integer({ min: -5, max: 55 }),
        (xs, x) => {
          const sorted = Float64Array.from(xs.sort((a, b) => a - b));
          const scan = (ok: (v: number) => boolean) => {
            const i = sorted.findIndex(ok);
            return i < 0 ? sorted.length : i;
          };
          expect(firstAtOrAfter(sorted, x)).toBe(scan((v) => v >= x));
          expect(firstAfter(sorted, x)).toBe(scan((v) => v > x));
        },
      ),
      { seed: 2727, numRuns: 500 },
    );
  });
});
