/**
 * DatedPositions keeps a symbol's last 1,000 filled orders: a position is its snapshot plus what those filled
 * beyond it. An order that leaves that memory takes nothing with it: what it filled beyond the snapshot moves
 * into the snapshot (a bot that sends one snapshot at its start and then trades lost its oldest fills from the
 * 1,001st order on), and the order keeps what it had filled then: a late report of it counts only what it says
 * beyond that (it used to count its whole fill again). A snapshot dated before a fill of such an order cannot say
 * which of those fills it holds: it is not taken (it used to count that order's later fills as its own, and the
 * position lost them).
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

  it('counts a late fill of an order that left the memory once', () => {
    const dp = new DatedPositions();
    const filled = new Map<string, number>();
    dp.snapshot('X', 0, 1_000, () => 0);
    for (let i = 0; i <= 1_000; i++) {
      filled.set(`o${i}`, 1);
      dp.noteFill('X', `o${i}`, 1, 1, 2_000 + i);
    }
    // o0 (of 2) left the memory with 1 filled; its second unit fills and is reported late.
    filled.set('o0', 2);
    dp.noteFill('X', 'o0', 1, 2, 5_000);
    expect(dp.position('X', (id) => filled.get(id) ?? 0)).toBe(1_002);
    // A retried report of it changes nothing.
    dp.noteFill('X', 'o0', 1, 2, 5_000);
    expect(dp.position('X', (id) => filled.get(id) ?? 0)).toBe(1_002);
  });

  it('counts a late fill once when the orders left the memory before any snapshot', () => {
    const dp = new DatedPositions();
    const filled = new Map<string, number>();
    for (let i = 0; i <= 1_000; i++) {
      filled.set(`o${i}`, 1);
      dp.noteFill('X', `o${i}`, 1, 1, 2_000 + i);
    }
    dp.snapshot('X', 1_001, 4_000, (id) => filled.get(id) ?? 0);
    filled.set('o0', 3);
    dp.noteFill('X', 'o0', 1, 3, 5_000);
    expect(dp.position('X', (id) => filled.get(id) ?? 0)).toBe(1_003);
    // What o0's reports already say (3 filled by 5 s; 1 when it left) is no news; 3 by an earlier time is.
    expect(dp.isNews('X', 'o0', 3, 5_000)).toBe(false);
    expect(dp.isNews('X', 'o0', 2, 6_000)).toBe(false);
    expect(dp.isNews('X', 'o0', 1, 100)).toBe(false);
    expect(dp.isNews('X', 'o0', 3, 4_500)).toBe(true);
    // An order that left the memory: what it had filled then is known, more is news.
    expect(dp.isNews('X', 'o1', 1, 100)).toBe(false);
    expect(dp.isNews('X', 'o1', 2, 100)).toBe(true);
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

  it('stays so when orders that left the memory are reported again, filled further or retried', () => {
    const late = fc.record({ order: fc.nat({ max: 1_299 }), more: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.array(fc.boolean(), { minLength: 990, maxLength: 1_300 }),
        fc.array(late, { maxLength: 40 }),
        (start, sells, lates) => {
          const dp = new DatedPositions();
          const filled = new Map<string, number>();
          const sign = (i: number): 1 | -1 => (sells[i] ? -1 : 1);
          dp.snapshot('X', start, 1_000, () => 0);
          let expected = start;
          sells.forEach((_, i) => {
            filled.set(`o${i}`, 1);
            dp.noteFill('X', `o${i}`, sign(i), 1, 2_000 + i);
            expected += sign(i);
          });
          lates.forEach((l, k) => {
            if (l.order >= sells.length) return;
            const id = `o${l.order}`;
            const cumulative = filled.get(id)! + l.more;
            filled.set(id, cumulative);
            dp.noteFill('X', id, sign(l.order), cumulative, 10_000 + k);
            expected += sign(l.order) * l.more;
          });
          expect(dp.position('X', (id) => filled.get(id) ?? 0)).toBe(expected);
        },
      ),
      { seed: 41, numRuns: 25 },
    );
  });

  it('does not take a snapshot dated before a fill of an order that left the memory', () => {
    const dp = new DatedPositions();
    const filled = new Map<string, number>();
    for (let i = 0; i <= 1_000; i++) {
      filled.set(`o${i}`, 1);
      dp.noteFill('X', `o${i}`, 1, 1, 2_000 + i);
    }
    const at = (id: string) => filled.get(id) ?? 0;
    // o0 (filled at 2 s) left the memory. At 1.5 s the venue held 0: taken, the position would lose o0's fill.
    expect(dp.refusedSnapshot('X', 1_500)).toEqual({ why: 'folded', at: 2_000 });
    // Half a millisecond after it the venue held 1 (o0's fill): taken, with the 1,000 later fills beyond it.
    expect(dp.refusedSnapshot('X', 2_000.5)).toBeNull();
    dp.snapshot('X', 1, 2_000.5, at);
    expect(dp.position('X', at)).toBe(1_001);
    // Older than the one held now.
    expect(dp.refusedSnapshot('X', 2_000.25)).toEqual({ why: 'older', at: 2_000.5 });
    expect(dp.refusedSnapshot('X', undefined)).toBeNull();
  });

  it("is the venue's position after a late snapshot, taken or not, however many orders left the memory", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 990, maxLength: 1_200 }),
        fc.integer({ min: 0, max: 1_250 }),
        (moves, when) => {
          const dp = new DatedPositions();
          const filled = new Map<string, number>();
          const at = (id: string) => filled.get(id) ?? 0;
          // Order i fills |moves[i]| (a sell when negative) at 2,000 + i ms; the venue's position at t is the sum
          // of the fills up to t.
          let venue = 0;
          let venueAtSnapshot = 0;
          const snapshotAt = 2_000 + when - 0.5;
          moves.forEach((m, i) => {
            if (m === 0) return;
            filled.set(`o${i}`, Math.abs(m));
            dp.noteFill('X', `o${i}`, m < 0 ? -1 : 1, Math.abs(m), 2_000 + i);
            venue += m;
            if (2_000 + i <= snapshotAt) venueAtSnapshot = venue;
          });
          // The snapshot the venue took at snapshotAt, delivered after every fill report.
          if (dp.refusedSnapshot('X', snapshotAt) === null) dp.snapshot('X', venueAtSnapshot, snapshotAt, at);
          // No snapshot taken: the fills alone make the position (null), which is the venue's.
          expect(dp.position('X', at) ?? venue).toBe(venue);
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });
});
