import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combinations, randomSubsets } from '../../src/compare/subsets.js';

const SYMBOLS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

describe('random symbol subsets', () => {
  it('draws distinct subsets (the QA case: 3 pairs of 3 symbols, seed 4, drew one pair twice)', () => {
    const s = randomSubsets(['AVAXUSDT', 'LINKUSDT', 'SOLUSDT'], 3, 2, 4);
    expect(new Set(s.map((x) => x.join()))).toEqual(
      new Set(['AVAXUSDT,LINKUSDT', 'AVAXUSDT,SOLUSDT', 'LINKUSDT,SOLUSDT']),
    );
  });

  it('are distinct, of the size asked, in the data order, and the same for the same seed', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((n) =>
            fc
              .integer({ min: 1, max: n })
              .chain((k) =>
                fc.tuple(
                  fc.constant(n),
                  fc.constant(k),
                  fc.integer({ min: 1, max: combinations(n, k) }),
                  fc.integer({ min: 0, max: 1000 }),
                ),
              ),
          ),
        ([n, k, count, seed]) => {
          const symbols = SYMBOLS.slice(0, n);
          const s = randomSubsets(symbols, count, k, seed);
          expect(s).toHaveLength(count);
          expect(new Set(s.map((x) => x.join())).size).toBe(count);
          for (const x of s) {
            expect(x).toHaveLength(k);
            expect(x).toEqual(symbols.filter((y) => x.includes(y)));
          }
          expect(randomSubsets(symbols, count, k, seed)).toEqual(s);
        },
      ),
      { seed: 28, numRuns: 200 },
    );
  });

  it('refuses more subsets than exist, saying how many do', () => {
    expect(combinations(7, 3)).toBe(35);
    expect(() => randomSubsets(['X', 'Y', 'Z'], 4, 2, 1)).toThrow(
      /only 3 distinct subsets of 2 among the 3 symbols \(X, Y, Z\) exist; give --subsets 3 or fewer/,
    );
  });
});
