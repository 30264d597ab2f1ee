/**
 * The amounts of the terminal (report/text.ts, written out) and of the HTML reports (report/format.ts, a
 * formatter made once): the same text as toLocaleString with the same options, which builds a formatter at
 * every call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money as whole } from '../../src/report/format.js';
import { cents, money } from '../../src/report/text.js';

const fixed = (x: number, digits: number): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

describe('money and cents', () => {
  it('print what toLocaleString prints, and a dash for a number that is not finite', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.double({ min: -1e7, max: 1e7, noNaN: true }),
          // Halfway cases of two and of four fraction digits.
          fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
          fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100_000),
        ),
        (x) => {
          expect(money(x)).toBe(fixed(x, 2));
          expect(cents(x)).toBe(fixed(x, 4));
          expect(whole(x)).toBe(x.toLocaleString('en-US', { maximumFractionDigits: 0 }));
        },
      ),
      {
        seed: 3107,
        numRuns: 2_000,
        // Halfway cases (0.015 is 0.01499… in binary, and the formatter writes 0.02), tiny negatives, the
        // grouping's edges, carries through every digit, and amounts written with an exponent.
        examples: [
          0.005, 0.015, 1.005, 2.675, -2.675, 0.00005, -0.001, -0.00004, 999.995, 999_999.995, 9.99995,
          99_999.99999, 1e-7, -3e-7, 1e20, 9.99e20, 1e21, -1e22,
        ].map((x) => [x]),
      },
    );
    for (const x of [Number.NaN, Infinity, -Infinity]) {
      expect(money(x)).toBe('—');
      expect(cents(x)).toBe('—');
      expect(whole(x)).toBe('—');
    }
    expect(money(-0)).toBe('-0.00');
    expect(money(1234567.891)).toBe('1,234,567.89');
  });
});
