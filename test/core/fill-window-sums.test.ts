import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar, type ExchangeCalendar } from '../../src/core/calendar/index.js';
import { stockWindow, TradableProfile } from '../../src/core/fill/horizon.js';
import { BASE, DAY, HOUR, calendarOf, sessionSpecArb, sessionsOf } from './generated-calendars.js';

// The stock windows from running sums (TradableProfile) against the plain scan (stockWindow): on calendars
// from a sessions file (see generated-calendars.ts), a calendar that ends inside a window or before it,
// starts moving back and forth, caps of any size; the result must be the scan's, bit for bit.

/** The same sessions with one of them moved by a fraction of a millisecond: no sessions file can say so. */
function fractionalCalendar(
  sessions: readonly { open: number; close: number }[],
  k: number,
): ExchangeCalendar {
  const moved = sessions.map((s, j) => (j === k ? { open: s.open + 0.25, close: s.close + 0.5 } : s));
  const sessionAt = (t: number) => {
    const s = moved.find((x) => x.open <= t && t < x.close);
    return s
      ? { day: new Date(s.open).toISOString().slice(0, 10), open: s.open, close: s.close, early: false }
      : null;
  };
  const nextOpen = (t: number) => moved.find((x) => x.open >= t)?.open ?? null;
  return {
    name: 'fractional',
    sessionFor: () => null,
    sessionAt,
    isRegularSession: (t) => sessionAt(t) !== null,
    nextClose: (t) => moved.find((x) => x.close > t)?.close ?? null,
    nextOpen,
    firstDay: '2025-01-06',
    lastDay: '2025-02-28',
  };
}

/** Where the tradable time from `from` reaches `cap` (NaN when the sessions end first). */
function capPoint(sessions: readonly { open: number; close: number }[], from: number, cap: number): number {
  let left = cap;
  for (const s of sessions) {
    if (s.close <= from) continue;
    const start = Math.max(s.open, from);
    if (s.close - start >= left) return start + left;
    left -= s.close - start;
  }
  return Number.NaN;
}

const CAPS = [
  1,
  2,
  60_000,
  HOUR,
  6.5 * HOUR,
  48 * HOUR,
  1e13,
  0.5,
  1.5,
  0.001,
  HOUR + 0.1,
  25_200_000.3,
  0,
  -5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

describe('stock windows at their edges', () => {
  // Sessions Thu 2 and Fri 3 January 2025, 14:30–21:00 UTC; `from` at Thursday 22:00, after the close.
  const sessions = [
    { open: Date.parse('2025-01-02T14:30:00Z'), close: Date.parse('2025-01-02T21:00:00Z') },
    { open: Date.parse('2025-01-03T14:30:00Z'), close: Date.parse('2025-01-03T21:00:00Z') },
  ];
  const calendar = calendarOf(sessions);
  const from = Date.parse('2025-01-02T22:00:00Z');
  const fridayNoon = Date.parse('2025-01-03T17:00:00Z');
  const windowOf = (cap: number, f: number, to: number): number[] => {
    const out = new Float64Array(2);
    new TradableProfile(calendar, cap).window(f, to, out);
    return [...out];
  };

  it('a window that ends before it starts is empty, as the scan says, not a negative difference of sums', () => {
    // The sums are counted from where the profile first started (Thursday's open), so C(to) < C(from) here.
    const thursday = sessions[0]!.open;
    const profile = new TradableProfile(calendar, 48 * HOUR);
    const out = new Float64Array(2);
    profile.window(thursday, fridayNoon, out);
    for (const to of [thursday + HOUR, thursday + 2 * HOUR]) {
      profile.window(thursday + 2 * HOUR, to, out);
      expect([...out]).toEqual([0, 0]);
    }
  });

  it('a cap that is not a whole millisecond ends the window exactly there, and no open after it counts', () => {
    const out = new Float64Array(2);
    for (const cap of [0.001, 1.5, HOUR + 0.1]) {
      stockWindow(calendar, from, fridayNoon, cap, out);
      expect([...out]).toEqual([cap, 1]);
      expect(windowOf(cap, from, fridayNoon)).toEqual([cap, 1]);
    }
    // From inside Thursday's session: the cap is reached before the close, so Friday's open is not counted.
    const thursday = sessions[0]!.open;
    stockWindow(calendar, thursday, fridayNoon, 0.001, out);
    expect([...out]).toEqual([0.001, 0]);
    expect(windowOf(0.001, thursday, fridayNoon)).toEqual([0.001, 0]);
  });

  it('a cap of no time (0, negative, NaN) gives what the scan gives: no open past the window', () => {
    const out = new Float64Array(2);
    for (const cap of [0, -5, Number.NaN]) {
      for (const to of [from + 1, sessions[1]!.open, fridayNoon]) {
        stockWindow(calendar, from, to, cap, out);
        expect(windowOf(cap, from, to), `cap ${cap} to ${to}`).toEqual([...out]);
      }
    }
    stockWindow(calendar, from, from + 1, 0, out);
    expect([...out]).toEqual([0, 0]);
  });
});

describe('TradableProfile against stockWindow on calendars from a sessions file', () => {
  const point = fc.record({
    mark: fc.nat(),
    offset: fc.oneof(
      fc.constantFrom(0, 0, 1, -1),
      fc.integer({ min: -3 * DAY, max: 3 * DAY }),
      fc.constantFrom(0.5, -0.25),
      fc.constantFrom(Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
    ),
  });
  const step = fc.record({
    from: point,
    ends: fc.array(
      fc.oneof(
        point.map((p) => ({ kind: 'mark' as const, ...p })),
        fc.record({ kind: fc.constant('cap' as const), offset: fc.constantFrom(-1, 0, 1) }),
        fc.record({ kind: fc.constant('span' as const), offset: fc.integer({ min: 0, max: 4 * DAY }) }),
      ),
      { minLength: 1, maxLength: 5 },
    ),
  });

  it('every window equals the scan, for any calendar, cap and order of calls (property)', () => {
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    fc.assert(
      fc.property(
        fc.array(sessionSpecArb, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...CAPS),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { freq: 4 }),
        (specs, cap, steps, fraction) => {
          const sessions = sessionsOf(specs);
          fc.pre(sessions.length > 0);
          const calendar =
            fraction === null
              ? calendarOf(sessions)
              : fractionalCalendar(sessions, fraction % sessions.length);
          const marks = [BASE - DAY, ...sessions.flatMap((s) => [s.open, s.close])];
          const at = (p: { mark: number; offset: number }): number =>
            marks[p.mark % marks.length]! + p.offset;
          const profile = new TradableProfile(calendar, cap);
          for (const s of steps) {
            const from = at(s.from);
            for (const e of s.ends) {
              const to =
                e.kind === 'mark'
                  ? at(e)
                  : e.kind === 'span'
                    ? from + e.offset
                    : capPoint(sessions, from, cap) + e.offset;
              stockWindow(calendar, from, to, cap, a);
              profile.window(from, to, b);
              expect([b[0], b[1]], `cap ${cap} (${from}, ${to}]`).toEqual([a[0], a[1]]);
            }
          }
        },
      ),
      { seed: 30, numRuns: 3000 },
    );
  });
});

describe('TradableProfile against stockWindow at the ends of the NYSE calendar (2000 to 2035)', () => {
  it('windows from before the first session and across the last one equal the scan (property)', () => {
    const calendar = nyseCalendar();
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    const ends = [Date.parse('1999-12-27T00:00:00Z'), Date.parse('2035-12-24T00:00:00Z')];
    const quarter = 15 * 60_000;
    fc.assert(
      fc.property(
        fc.constantFrom(HOUR, 6.5 * HOUR, 48 * HOUR, 1e13, Number.POSITIVE_INFINITY),
        fc.array(
          fc.record({
            end: fc.integer({ min: 0, max: 1 }),
            fromQ: fc.integer({ min: 0, max: 14 * 96 }),
            spans: fc.array(fc.integer({ min: 0, max: 14 * 96 }), { minLength: 1, maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (cap, starts) => {
          const profile = new TradableProfile(calendar, cap);
          for (const { end, fromQ, spans } of starts) {
            const from = ends[end]! + fromQ * quarter;
            for (const span of spans) {
              const to = from + span * quarter + (span % 3) - 1;
              stockWindow(calendar, from, to, cap, a);
              profile.window(from, to, b);
              expect([b[0], b[1]], `cap ${cap} (${from}, ${to}]`).toEqual([a[0], a[1]]);
            }
          }
        },
      ),
      { seed: 3004, numRuns: 300 },
    );
  });
});
