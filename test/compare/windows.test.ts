import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { DAY_MS } from '../../src/optimizer/objective/folds.js';
import { addSpan, parseSpan, rollingWindows, type Span } from '../../src/compare/windows.js';

const T0 = Date.parse('2015-01-01T00:00:00Z');
const span: fc.Arbitrary<Span> = fc.record({
  count: fc.integer({ min: 1, max: 12 }),
  unit: fc.constantFrom('d' as const, 'w' as const, 'mo' as const, 'y' as const),
});
const range = fc
  .tuple(fc.integer({ min: 0, max: 3000 * DAY_MS }), fc.integer({ min: 1, max: 4000 * DAY_MS }))
  .map(([a, len]) => ({ from: T0 + a, to: T0 + a + len }));

describe('rolling windows', () => {
  it('at step = window, tile the range on UTC midnights without overlap, leaving less than a window unused', () => {
    fc.assert(
      fc.property(range, span, (r, w) => {
        let windows;
        try {
          windows = rollingWindows(r, w);
        } catch (error) {
          // Only when not even one window fits, or the window is too short to measure (1d).
          expect(error).toBeInstanceOf(ValidationError);
          if (w.unit === 'd' && w.count < 2) return;
          expect(addSpan(Math.ceil(r.from / DAY_MS) * DAY_MS, w)).toBeGreaterThan(r.to);
          return;
        }
        expect(windows[0]!.from - r.from).toBeLessThan(DAY_MS);
        expect(windows[0]!.from).toBeGreaterThanOrEqual(r.from);
        for (const x of windows) {
          expect(x.from % DAY_MS).toBe(0);
          expect(x.to).toBeGreaterThan(x.from);
          expect(x.to).toBeLessThanOrEqual(r.to);
        }
        for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(windows[i - 1]!.to);
        // The next window would not fit: the unused end is shorter than one window.
        expect(addSpan(windows.at(-1)!.to, w)).toBeGreaterThan(r.to);
      }),
      { seed: 21, numRuns: 150 },
    );
  });

  it('with a shorter step, overlap by window − step and start a step apart', () => {
    const r = { from: Date.parse('2021-01-01'), to: Date.parse('2022-01-01') };
    const w = rollingWindows(r, parseSpan('3mo', '--window'), parseSpan('1mo', '--step'));
    expect(w.map((x) => new Date(x.from).toISOString().slice(0, 10))).toEqual([
      '2021-01-01',
      '2021-02-01',
      '2021-03-01',
      '2021-04-01',
      '2021-05-01',
      '2021-06-01',
      '2021-07-01',
      '2021-08-01',
      '2021-09-01',
      '2021-10-01',
    ]);
    expect(w.at(-1)!.to).toBe(r.to);
  });

  it('6mo windows are calendar half-years from the first midnight', () => {
    const w = rollingWindows(
      { from: Date.parse('2020-09-22T00:00:00Z'), to: Date.parse('2021-10-01T00:00:00Z') },
      parseSpan('6mo', '--window'),
    );
    expect(w.map((x) => [x.from, x.to].map((t) => new Date(t).toISOString().slice(0, 10)))).toEqual([
      ['2020-09-22', '2021-03-22'],
      ['2021-03-22', '2021-09-22'],
    ]);
  });

  it('refuses a window longer than the data, naming --window and the dates', () => {
    expect(() =>
      rollingWindows(
        { from: Date.parse('2023-01-01'), to: Date.parse('2023-03-01') },
        parseSpan('6mo', '--window'),
      ),
    ).toThrow(/6mo.*2023-01-01.*2023-03-01.*shorter --window/);
  });

  it('reads lengths as people write them and refuses the rest', () => {
    expect(parseSpan('6mo', '--window')).toEqual({ count: 6, unit: 'mo' });
    expect(parseSpan('90d', '--window')).toEqual({ count: 90, unit: 'd' });
    expect(parseSpan('2 weeks', '--step')).toEqual({ count: 2, unit: 'w' });
    expect(parseSpan('1y', '--window')).toEqual({ count: 1, unit: 'y' });
    for (const bad of ['6', 'mo', '0mo', '-1d', '1.5mo', '3h']) {
      expect(() => parseSpan(bad, '--window')).toThrow(ValidationError);
    }
  });

  it('clamps month ends (Jan 31 + 1mo is Feb 28)', () => {
    expect(
      new Date(addSpan(Date.parse('2023-01-31'), { count: 1, unit: 'mo' })).toISOString().slice(0, 10),
    ).toBe('2023-02-28');
  });
});
