import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { DAY_MS, buildFolds, distinctWindows, type Fold } from '../../src/optimizer/objective/folds.js';

const d = (s: string): number => Date.parse(`${s}T00:00:00Z`);
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
const show = (folds: Fold[]) =>
  folds.map((f) => `${iso(f.train.from)}..${iso(f.train.to)} | ${iso(f.test.from)}..${iso(f.test.to)}`);

/** The properties every fold set must have, whatever the scheme. */
function checkFolds(
  folds: Fold[],
  range: { from: number; to: number },
  scheme: 'rolling' | 'anchored',
): void {
  folds.forEach((f, i) => {
    expect(f.index).toBe(i);
    // Half-open (from, to] windows: train ends exactly where test begins, so they share no bar.
    expect(f.train.to).toBe(f.test.from);
    expect(f.train.from).toBeLessThan(f.train.to);
    expect(f.test.from).toBeLessThan(f.test.to);
    expect(f.train.from).toBeGreaterThanOrEqual(range.from);
    expect(f.test.to).toBeLessThanOrEqual(range.to);
    if (i > 0) {
      const prev = folds[i - 1]!;
      // Test windows tile forward in time without overlap, all of the same length.
      expect(f.test.from).toBe(prev.test.to);
      expect(f.test.to - f.test.from).toBe(prev.test.to - prev.test.from);
      if (scheme === 'anchored') expect(f.train.from).toBe(prev.train.from);
      else expect(f.train.to - f.train.from).toBe(prev.train.to - prev.train.from);
    }
  });
}

describe('walk-forward folds', () => {
  const range = { from: d('2023-01-01'), to: d('2023-11-01') }; // 304 days

  it('rolling with trainFraction 0.5: equal windows, each train window is the previous test window', () => {
    const folds = buildFolds(range, { count: 4, scheme: 'rolling' });
    // 304 days / (4 + 1) = 60 days per window; the 4 leftover days stay unused at the start.
    expect(show(folds)).toEqual([
      '2023-01-05..2023-03-06 | 2023-03-06..2023-05-05',
      '2023-03-06..2023-05-05 | 2023-05-05..2023-07-04',
      '2023-05-05..2023-07-04 | 2023-07-04..2023-09-02',
      '2023-07-04..2023-09-02 | 2023-09-02..2023-11-01',
    ]);
    checkFolds(folds, range, 'rolling');
    expect(distinctWindows(folds)).toHaveLength(5);
  });

  it('anchored: every train window starts at the beginning and grows by one test window per fold', () => {
    const folds = buildFolds(range, { count: 3, scheme: 'anchored', trainFraction: 0.75 });
    // ratio 3: test = floor(304 / 6) = 50 days; the first train window takes the other 154.
    expect(show(folds)).toEqual([
      '2023-01-01..2023-06-04 | 2023-06-04..2023-07-24',
      '2023-01-01..2023-07-24 | 2023-07-24..2023-09-12',
      '2023-01-01..2023-09-12 | 2023-09-12..2023-11-01',
    ]);
    checkFolds(folds, range, 'anchored');
  });

  it('rolling with a train fraction: train windows keep their length and slide', () => {
    const folds = buildFolds(range, { count: 3, scheme: 'rolling', trainFraction: 0.75 });
    expect(folds.map((f) => (f.train.to - f.train.from) / DAY_MS)).toEqual([150, 150, 150]);
    expect(folds.map((f) => (f.test.to - f.test.from) / DAY_MS)).toEqual([50, 50, 50]);
    checkFolds(folds, range, 'rolling');
  });

  it('fixed trainDays/testDays: the last test window ends at the end of the range', () => {
    const r = { from: d('2023-01-01'), to: d('2023-06-01') + 6 * 3_600_000 };
    const rolling = buildFolds(r, { count: 2, scheme: 'rolling', trainDays: 40, testDays: 20 });
    expect(rolling.at(-1)!.test.to).toBe(r.to);
    expect(rolling.map((f) => (f.train.to - f.train.from) / DAY_MS)).toEqual([40, 40]);
    checkFolds(rolling, r, 'rolling');
    const anchored = buildFolds(r, { count: 2, scheme: 'anchored', trainDays: 40, testDays: 20 });
    expect(anchored.every((f) => f.train.from === r.from)).toBe(true);
    checkFolds(anchored, r, 'anchored');
  });

  it('windows fall on UTC midnight when derived from a fraction', () => {
    const r = { from: d('2023-01-01') + 7 * 3_600_000, to: d('2023-04-01') + 15 * 3_600_000 };
    for (const f of buildFolds(r, { count: 3, scheme: 'rolling' })) {
      for (const t of [f.train.from, f.train.to, f.test.from, f.test.to]) expect(t % DAY_MS).toBe(0);
    }
  });

  it('refuses folds that do not fit, naming optimize.folds and the numbers', () => {
    const short = { from: d('2023-01-01'), to: d('2023-01-04') };
    expect(() => buildFolds(short, { count: 5, scheme: 'rolling' })).toThrow(ValidationError);
    expect(() => buildFolds(short, { count: 5, scheme: 'rolling' })).toThrow(
      /optimize\.folds: 5 folds.*has 3/,
    );
    expect(() => buildFolds(range, { count: 4, scheme: 'rolling', trainDays: 200, testDays: 30 })).toThrow(
      /need 320 days; the range 2023-01-01 → 2023-11-01 has 304\.0/,
    );
  });

  it('property: any fitting configuration gives ordered, non-overlapping folds inside the range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('rolling' as const, 'anchored' as const),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.integer({ min: 30, max: 2000 }),
        (count, scheme, trainFraction, days) => {
          const r = { from: d('2021-01-01'), to: d('2021-01-01') + days * DAY_MS };
          let folds: Fold[];
          try {
            folds = buildFolds(r, { count, scheme, trainFraction });
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
            return;
          }
          expect(folds).toHaveLength(count);
          checkFolds(folds, r, scheme);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
