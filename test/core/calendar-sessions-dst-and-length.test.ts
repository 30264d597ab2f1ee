import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarFromSessions } from '../../src/core/calendar/index.js';
import { daysFromCivil, formatDay } from '../../src/core/calendar/civil.js';
import { wallTimeOccurrences } from '../../src/core/calendar/dst.js';
import { ValidationError, type Issue } from '../../src/core/errors.js';
import { newYorkWall } from '../support/new-york-wall.js';

/**
 * A sessions file's wall times on the two daylight-saving Sundays, and sessions longer than a day. Before:
 * 02:30 on 2025-03-09 (a time that does not exist) was refused as "close must be after open (02:30 =
 * …07:30Z)", 01:30 on 2025-11-02 (a time that occurs twice) was silently taken as daylight time, and a
 * session of two months was accepted.
 */
function issuesOf(sessions: unknown[]): readonly Issue[] {
  try {
    calendarFromSessions({ sessions }, 'cal.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

const HOUR = 3_600_000;

describe('wall times daylight saving time skips or repeats', () => {
  it('refuses a skipped wall time, saying it does not exist that day', () => {
    const issues = issuesOf([{ day: '2025-03-09', open: '02:30', close: '03:30' }]);
    expect(issues).toEqual([
      {
        where: 'cal.json sessions[0].open',
        value: '02:30',
        message: expect.stringMatching(
          /^02:30 does not exist on 2025-03-09 in New York: clocks jump from 02:00 to 03:00/,
        ),
      },
    ]);
    // Under the rule before 2007 the jump was on the first Sunday of April.
    expect(issuesOf([{ day: '2006-04-02', open: '01:00', close: '02:15' }])[0]).toMatchObject({
      where: 'cal.json sessions[0].close',
      message: expect.stringMatching(/^02:15 does not exist on 2006-04-02/),
    });
  });

  it('refuses a repeated wall time and offers the two instants it could mean, both of which are accepted', () => {
    const issues = issuesOf([{ day: '2025-11-02', open: '01:30', close: '04:00' }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ where: 'cal.json sessions[0].open', value: '01:30' });
    expect(issues[0]!.message).toMatch(/^01:30 occurs twice on 2025-11-02 in New York/);
    const offered = [...issues[0]!.message.matchAll(/"(2025-11-02T01:30:00-0[45]:00)"/g)].map((m) => m[1]!);
    expect(offered).toEqual(['2025-11-02T01:30:00-04:00', '2025-11-02T01:30:00-05:00']);
    const opens = offered.map(
      (open) =>
        calendarFromSessions({ sessions: [{ day: '2025-11-02', open, close: '04:00' }] }).sessionFor(
          '2025-11-02',
        )!.open,
    );
    expect(opens[1]! - opens[0]!).toBe(HOUR);
  });

  it('accepts the wall times on either side of each change', () => {
    const cal = calendarFromSessions({
      sessions: [
        { day: '2025-03-09', open: '01:59', close: '03:00' },
        { day: '2025-11-02', open: '00:59', close: '02:00' },
      ],
    });
    expect(cal.sessionFor('2025-03-09')!.close - cal.sessionFor('2025-03-09')!.open).toBe(HOUR / 60);
    // 00:59 daylight time to 02:00 standard time: the repeated hour lies between them.
    expect(cal.sessionFor('2025-11-02')!.close - cal.sessionFor('2025-11-02')!.open).toBe(
      2 * HOUR + HOUR / 60,
    );
  });

  // Independent reference (newYorkWall, Intl): how many instants of the hour around a wall time show it.
  it('counts how often a wall time occurs as Intl does, on the change days and any other (property)', () => {
    const changeDay = fc.integer({ min: 2000, max: 2035 }).chain((y) =>
      fc.constantFrom(
        ...Array.from({ length: 14 }, (_, i) => daysFromCivil(y, 3, 1) + i).concat(
          Array.from({ length: 7 }, (_, i) => daysFromCivil(y, 4, 1) + i),
          Array.from({ length: 7 }, (_, i) => daysFromCivil(y, 10, 25) + i),
          Array.from({ length: 7 }, (_, i) => daysFromCivil(y, 11, 1) + i),
        ),
      ),
    );
    const anyDay = fc.integer({ min: daysFromCivil(2000, 1, 1), max: daysFromCivil(2035, 12, 31) });
    fc.assert(
      fc.property(
        fc.oneof(changeDay, anyDay),
        fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 })),
        fc.integer({ min: 0, max: 59 }),
        (day, hh, mm) => {
          const text = `${formatDay(day)} ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
          const naive = Date.parse(`${formatDay(day)}T00:00:00Z`) + (hh * 60 + mm) * 60_000;
          const hits = [4, 5].filter((h) => newYorkWall(naive + h * HOUR) === text).length;
          const expected = hits === 0 ? 'skipped' : hits === 1 ? 'once' : 'twice';
          expect(wallTimeOccurrences(day, hh, mm), text).toBe(expected);
        },
      ),
      { seed: 31, numRuns: 4000 },
    );
  });
});

describe('sessions longer than a day', () => {
  it('refuses a session of two months, naming its length and both ends', () => {
    const issues = issuesOf([{ day: '2025-01-15', open: '09:30', close: '2025-03-15T16:00:00Z' }]);
    expect(issues).toEqual([
      {
        where: 'cal.json sessions[0].close',
        value: '2025-03-15T16:00:00Z',
        message: expect.stringMatching(
          /^makes a session of 59\.1 days \(2025-01-15T14:30:00\.000Z to 2025-03-15T16:00:00\.000Z\), more than 24 hours; a session is one trading day/,
        ),
      },
    ]);
  });

  it('accepts exactly 24 hours (a venue open around the clock) and refuses a millisecond more', () => {
    const day = { open: '2025-01-06T05:00:00Z', close: '2025-01-07T05:00:00Z' };
    expect(calendarFromSessions({ sessions: [day] }).sessionFor('2025-01-06')).toMatchObject({
      open: Date.parse(day.open),
      close: Date.parse(day.close),
    });
    const longer = { ...day, close: '2025-01-07T05:00:00.001Z' };
    expect(issuesOf([longer])[0]!.message).toMatch(
      /^makes a session of 24\.0 hours \(.*05:00:00\.001Z\), more than 24 hours/,
    );
  });
});
