import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { freshPrice, nextEndOfDayEvent, stockEntriesClosed } from '../../src/session/asking.js';

const SEED = { seed: 20261204, numRuns: 300 };
const calendar = nyseCalendar();
const sessionAt = (t: number) => calendar.sessionAt(t);
const nextClose = (t: number) => calendar.nextClose(t);
const LEAD = 15;
const T2024 = Date.parse('2024-01-01T00:00:00Z');
const YEAR = 366 * 86_400_000;

describe('when the session asks a symbol', () => {
  it('on a price newer than the last one seen, never twice on the same price', () => {
    expect(freshPrice(2, 1)).toBe(true);
    expect(freshPrice(1, 1)).toBe(false);
    expect(freshPrice(0, 1)).toBe(false);
  });

  it('no stock entry from deleverageLeadMinutes before the close to the close (an early close too)', () => {
    const close = Date.parse('2024-03-05T21:00:00Z');
    expect(stockEntriesClosed('stock', close - LEAD * 60_000 - 1, sessionAt, LEAD)).toBe(false);
    expect(stockEntriesClosed('stock', close - LEAD * 60_000, sessionAt, LEAD)).toBe(true);
    expect(stockEntriesClosed('stock', close - 1, sessionAt, LEAD)).toBe(true);
    expect(stockEntriesClosed('stock', close, sessionAt, LEAD)).toBe(false); // closed: the core says wait
    expect(stockEntriesClosed('crypto', close - 60_000, sessionAt, LEAD)).toBe(false);
    const early = Date.parse('2024-07-03T17:00:00Z'); // 13:00 New York
    expect(stockEntriesClosed('stock', early - 10 * 60_000, sessionAt, LEAD)).toBe(true);
  });

  it('end-of-day events come in order: the window start, then the close, and none is skipped', () => {
    fc.assert(
      fc.property(fc.integer({ min: T2024, max: T2024 + YEAR }), (t) => {
        const e = nextEndOfDayEvent(t, nextClose, LEAD)!;
        expect(e).toBeGreaterThan(t);
        const close = nextClose(t + 1)!;
        // The next event is this close's window start if still ahead, else the close itself.
        expect([close - LEAD * 60_000, close]).toContain(e);
        if (e === close) expect(t).toBeGreaterThanOrEqual(close - LEAD * 60_000);
        // Nothing in between: from any time between t and e the next event is still e.
        expect(nextEndOfDayEvent(Math.floor((t + e) / 2), nextClose, LEAD)).toBe(e);
        expect(stockEntriesClosed('stock', e, sessionAt, LEAD)).toBe(e !== close);
      }),
      SEED,
    );
  });
});
