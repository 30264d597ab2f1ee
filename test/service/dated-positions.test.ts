/**
 * DatedPositions keeps a symbol's last 1,000 filled orders: a position is its snapshot plus what those filled
 * beyond it. An order that leaves that memory takes nothing with it: what it filled beyond the snapshot moves
 * into the snapshot (a bot that sends one snapshot at its start and then trades lost its oldest fills from the
 * 1,001st order on).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatedPositions } from '../../src/service/dated-positions.js';

describe('DatedPositions beyond the orders it keeps', () => {
  it('keeps the fills of a 1,001st order after one snapshot', () => {
    const dp = new DatedPositions();
    dp.snapshot('X', 0, 1_000, () => 0);
    for (let i = 0; i <= 1_000; i++) dp.noteFill('X', `o${i}`, 1, 1, 2_000 + i);
    expect(dp.position('X', () => 1)).toBe(1_001);
  });

  it('is the snapshot plus every fill after it, however many orders (buys and sells, undated too)', () => {
    const fill = fc.record({
      sell: fc.boolean(),
      qty: fc.integer({ min: 1, max: 5 }),
      dated: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.array(fill, { minLength: 990, maxLength: 1_300 }),
        (start, fills) => {
          const dp = new DatedPositions();
          const filled = new Map<string, number>();
          dp.snapshot('X', start, 1_000, () => 0);
          let expected = start;
          fills.forEach((f, i) => {
            const id = `o${i}`;
            const sign = f.sell ? -1 : 1;
            // Two reports per order: part, then the whole, dated after the snapshot (or undated).
            const part = Math.ceil(f.qty / 2);
            for (const cumulative of [part, f.qty]) {
              filled.set(id, cumulative);
              dp.noteFill('X', id, sign, cumulative, f.dated ? 2_000 + i : undefined);
            }
            expected += sign * f.qty;
          });
          expect(dp.position('X', (id) => filled.get(id) ?? 0)).toBe(expected);
        },
      ),
      { seed: 40, numRuns: 25 },
    );
  });
});
