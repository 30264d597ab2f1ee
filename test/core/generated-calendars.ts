import fc from 'fast-check';
import type { ExchangeCalendar } from '../../src/core/calendar/index.js';
import { formatDay } from '../../src/core/calendar/civil.js';
import { newYorkDayNumber, wallToUtcOnDay } from '../../src/core/calendar/dst.js';
import { sessionTable } from '../../src/core/calendar/table.js';
import { FillModel } from '../../src/core/fill/model.js';
import { rng } from '../support/arbitraries.js';

// Calendars from a sessions file for the stock-window tests (fill-window-*.test.ts): back-to-back sessions,
// sessions of a millisecond, odd milliseconds, half days, closed days; and a model trained on them.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 2025-01-06 00:00 in New York (EST, UTC−5): day d's sessions open on day d in New York. */
export const BASE = Date.parse('2025-01-06T05:00:00Z');

export interface SessionSpec {
  kind: 'closed' | 'regular' | 'half' | 'short' | 'odd' | 'joined';
  /** ms after New York midnight the session opens (short and odd sessions). */
  at: number;
  /** Length in ms (short and odd sessions). */
  len: number;
}

export const sessionSpecArb: fc.Arbitrary<SessionSpec> = fc.record({
  kind: fc.constantFrom('closed', 'regular', 'regular', 'half', 'short', 'odd', 'joined'),
  at: fc.integer({ min: 0, max: DAY - 2 }),
  len: fc.oneof(fc.constantFrom(1, 2, 59_999, 60_000), fc.integer({ min: 1, max: 3 * HOUR })),
});

/**
 * The sessions of day `first + k` for each spec (closed days have none): regular 09:30–16:00, half
 * 09:30–13:00, short and odd at their own millisecond, joined ones closing exactly when the next opens.
 */
export function sessionsOf(specs: readonly SessionSpec[], first = 0): { open: number; close: number }[] {
  const out: { open: number; close: number; joined: boolean }[] = [];
  specs.forEach((s, k) => {
    const midnight = BASE + (first + k) * DAY;
    if (s.kind === 'closed') return;
    const open = s.kind === 'short' || s.kind === 'odd' ? midnight + s.at : midnight + 14.5 * HOUR - 5 * HOUR;
    const close =
      s.kind === 'regular' || s.kind === 'joined'
        ? midnight + 16 * HOUR
        : s.kind === 'half'
          ? midnight + 13 * HOUR
          : Math.min(open + s.len, midnight + DAY - 1);
    out.push({ open, close, joined: s.kind === 'joined' });
  });
  // A joined session runs until the next one opens (back to back), or a day when none follows.
  for (let k = 0; k < out.length; k++) {
    const s = out[k]!;
    if (s.joined) s.close = k + 1 < out.length ? out[k + 1]!.open : s.open + DAY;
  }
  return out.map(({ open, close }) => ({ open, close }));
}

/**
 * The calendar of generated sessions, built as a sessions file's is (sorted, each on its New York day, early
 * when it closes before 16:00) but without the file's checks: a joined session runs until the next one,
 * days later past closed days, and a sessions file refuses sessions longer than 24 hours (a mistyped date
 * there). The windows must still hold for any calendar a program builds.
 */
export function calendarOf(sessions: readonly { open: number; close: number }[]): ExchangeCalendar {
  const table = sessions.map(({ open, close }) => {
    const day = newYorkDayNumber(open);
    return { day: formatDay(day), open, close, early: close < wallToUtcOnDay(day, 16, 0) };
  });
  return sessionTable('generated', table, table[0]!.day, table[table.length - 1]!.day);
}

export const BAR = 30 * 60_000;
// Crypto 0, stocks 1 and 2, trained over five regular sessions (days 0 to 4) before the generated ones.
export const CLASSES = ['crypto', 'stock', 'stock'] as const;
export const TRAINING: SessionSpec[] = Array.from({ length: 5 }, () => ({ kind: 'regular', at: 0, len: 0 }));

/** A model over CLASSES with a volatility for all three: half-hour bars over the TRAINING sessions. */
export function trained(calendar: ExchangeCalendar, maxHorizonMs: number): FillModel {
  const model = new FillModel({ calendar, assetClasses: CLASSES, maxHorizonMs });
  const r = rng(3001);
  const price = [100, 50, 80];
  for (let t = BASE; t < BASE + 5 * DAY; t += BAR) {
    for (let i = 0; i < 3; i++) {
      if (i > 0 && !calendar.isRegularSession(t)) continue;
      const o = price[i]! * (i > 0 && calendar.sessionAt(t)!.open === t ? 1 + (r() - 0.5) * 0.02 : 1);
      const c = o * Math.exp((r() - 0.5) * 0.02);
      model.onBar(i, t, o, Math.max(o, c) * 1.001, Math.min(o, c) * 0.999, c, BAR);
      price[i] = c;
    }
  }
  return model;
}
