import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingQuantile } from '../../src/sim/signals/rolling-quantile.js';

/** The definition: type-7 quantile of the last `capacity` values, computed by sorting a copy. */
function reference(values: number[], capacity: number, q: number): number {
  const window = values.slice(-capacity).sort((a, b) => a - b);
  if (window.length === 0) return Number.NaN;
  const pos = q * (window.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(window.length - 1, lo + 1);
  return window[lo]! + (window[hi]! - window[lo]!) * (pos - lo);
}

describe('RollingQuantile', () => {
  it('equals sorting the window, after every push, with ties and evictions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1, max: 1, noNaN: true })), {
          maxLength: 60,
        }),
        fc.constantFrom(0, 0.1, 0.25, 0.5, 0.9, 1, 1 / 3),
        (capacity, values, q) => {
          const rq = new RollingQuantile(capacity, q);
          const seen: number[] = [];
          expect(rq.quantile()).toBeNaN();
          for (const v of values) {
            rq.push(v);
            seen.push(v);
            expect(rq.size).toBe(Math.min(capacity, seen.length));
            expect(rq.quantile()).toBe(reference(seen, capacity, q));
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('refuses a window or a quantile that cannot be', () => {
    expect(() => new RollingQuantile(0, 0.5)).toThrow(/capacity/);
    expect(() => new RollingQuantile(10, 1.5)).toThrow(/q must/);
  });
});
