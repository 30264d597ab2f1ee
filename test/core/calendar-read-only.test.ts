import { describe, expect, it } from 'vitest';
import { calendarFromSessions, nyseCalendar, type ExchangeCalendar } from '../../src/core/calendar/index.js';

/**
 * nyseCalendar() hands every caller one shared table: `c.byDay.delete('2025-01-02')` by one caller closed
 * that day for every later caller (and `c.opens[i] = …` moved an open). The table is read-only now: its
 * data is out of reach and every attempt to change it throws, leaving the next caller's answers as they were.
 */
const t = Date.parse('2025-01-02T15:00:00Z'); // 10:00 New York, a regular session
type Loose = Record<string, unknown> & { byDay?: Map<string, unknown>; opens?: Float64Array };

function attempts(c: ExchangeCalendar): (() => unknown)[] {
  const loose = c as unknown as Loose;
  return [
    () => loose.byDay!.delete('2025-01-02'),
    () => (loose.opens![0] = 0),
    () => (loose.firstDay = '1990-01-01'),
    () => (loose.name = 'mine'),
    () => (loose.sessionAt = () => null),
    () => (loose.extra = 1),
    () => delete loose.lastDay,
    () => Object.defineProperty(c, 'isRegularSession', { value: () => false }),
    () => Object.assign(c.sessionFor('2025-01-02')!, { close: t, early: true }),
  ];
}

describe('calendars are read-only', () => {
  it('every attempt to change the shared NYSE calendar throws, and the next caller sees it unchanged', () => {
    const c = nyseCalendar();
    const before = { ...c.sessionFor('2025-01-02')! };
    for (const attempt of attempts(c)) expect(attempt).toThrow(TypeError);
    const next = nyseCalendar();
    expect(next).toBe(c);
    expect(next.sessionFor('2025-01-02')).toEqual(before);
    expect(next.isRegularSession(t)).toBe(true);
    expect(next.sessionAt(t)?.day).toBe('2025-01-02');
    expect([next.name, next.firstDay, next.lastDay]).toEqual(['NYSE', '2000-01-01', '2035-12-31']);
    expect(Object.keys(next)).not.toContain('byDay');
    // Read-only, yet still usable as a prototype or with a method passed on its own.
    expect((Object.create(next) as ExchangeCalendar).isRegularSession(t)).toBe(true);
    const { sessionAt } = next;
    expect(sessionAt(t)?.day).toBe('2025-01-02');
  });

  it('a calendar from a sessions file is read-only too, and keeps no tie to the document it was built from', () => {
    const doc = { sessions: [{ day: '2025-01-02', open: '09:30', close: '16:00' }] };
    const c = calendarFromSessions(doc, 'mine.json');
    for (const attempt of attempts(c)) expect(attempt).toThrow(TypeError);
    doc.sessions[0]!.close = '10:00';
    expect(c.isRegularSession(t)).toBe(true);
    expect(c.sessionFor('2025-01-02')!.close).toBe(Date.parse('2025-01-02T21:00:00Z'));
  });
});
