import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionBarMs } from '../../src/session/bar-length.js';
import { causalBarLengths } from '../../src/sim/timeline.js';

const H = 3_600_000;

describe('causal bar length', () => {
  it('at every bar depends only on the bars opened so far (a prefix gives the same prefix)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(H, H, H, 2 * H, 3 * H, H / 2, 24 * H), { minLength: 1, maxLength: 80 }),
        fc.nat(),
        (gaps, cutAt) => {
          const time = new Float64Array(gaps.length + 1);
          for (let i = 0; i < gaps.length; i++) time[i + 1] = time[i]! + gaps[i]!;
          const whole = causalBarLengths(time);
          const n = 1 + (cutAt % time.length);
          expect(Array.from(causalBarLengths(time.slice(0, n)))).toEqual(Array.from(whole.slice(0, n)));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('at every bar is the most common positive spacing so far, the shorter on a tie (a plain count)', () => {
    const reference = (time: Float64Array, i: number): number => {
      const counts = new Map<number, number>();
      for (let k = 1; k <= i; k++) {
        const d = time[k]! - time[k - 1]!;
        if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
      }
      let best = Number.NaN;
      let bestCount = 0;
      for (const [d, c] of counts) {
        if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
      }
      return best;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(H, 2 * H, 3 * H, H / 2, 0, 24 * H), { minLength: 1, maxLength: 60 }),
        (gaps) => {
          const time = new Float64Array(gaps.length + 1);
          for (let i = 0; i < gaps.length; i++) time[i + 1] = time[i]! + gaps[i]!;
          const lengths = causalBarLengths(time);
          for (let i = 0; i < time.length; i++) expect(lengths[i]).toBe(reference(time, i));
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('is the most common spacing: gaps of sparse data and a half-hour first bar do not move it', () => {
    // Hours with omissions (Kraken 2015) and a session of a half-hour bar then hourly bars (TSLA).
    const sparse = Float64Array.from([0, 1, 3, 4, 7, 8, 9, 13], (h) => h * H);
    expect(causalBarLengths(sparse)[7]).toBe(H);
    const tsla = Float64Array.from([0, 0.5, 1.5, 2.5, 3.5, 24, 24.5, 25.5], (h) => h * H);
    expect(Array.from(causalBarLengths(tsla)).slice(2)).toEqual([H / 2, H, H, H, H, H]);
    expect(causalBarLengths(tsla)[0]).toBeNaN();
  });
});

describe('the session bar length', () => {
  const t0 = Date.parse('2024-03-04T00:00:00Z');
  const opens = (start: number, step: number, n: number) =>
    Float64Array.from({ length: n }, (_, i) => start + i * step);
  it('is the shortest length known at the start; a series whose bars begin later does not count', () => {
    const hourly = opens(t0, H, 48);
    const quarter = opens(t0 + 24 * H, H / 4, 96);
    const lengths = [causalBarLengths(hourly), causalBarLengths(quarter)];
    const start = t0 + H; // the hourly series' first bar closes when its second opens
    expect(sessionBarMs(lengths, [hourly, quarter], start)).toBe(H);
    // Once the quarter-hour series has opened two bars, its length is known.
    expect(sessionBarMs(lengths, [hourly, quarter], t0 + 24 * H + H / 4)).toBe(H / 4);
    // Nothing known yet (one bar opened, or none): 0, and the `*Bars` keys fall back to their seconds.
    expect(sessionBarMs(lengths, [hourly, quarter], t0)).toBe(0);
  });
});
