/**
 * The amounts of the terminal (report/text.ts) and of the HTML reports (report/format.ts) come from formatters
 * made once: the same text as toLocaleString with the same options, which builds a formatter at every call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money as whole } from '../../src/report/format.js';
import { cents, money } from '../../src/report/text.js';

describe('money and cents', () => {
  it('print what toLocaleString prints, and a dash for a number that is not finite', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(money(x)).toBe(
          x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
        );
        expect(cents(x)).toBe(
          x.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 }),
        );
      }),
      {
        seed: 3107,
        numRuns: 500,
        // Halfway cases (0.015 is 0.01499… in binary, and the formatter writes 0.02), tiny negatives, the
        // grouping's edges and amounts beyond 1e21.
        examples: [
          0.005, 0.015, 1.005, 2.675, -2.675, 0.00005, -0.001, 999.995, 999_999.995, 1e21, -1e22,
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
