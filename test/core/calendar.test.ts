import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { nyseCalendar, newYorkWallToUtc } from '../../src/core/calendar/index.js';
import { newYorkWall } from '../support/new-york-wall.js';

const cal = nyseCalendar();
const ms = (iso: string): number => Date.parse(iso);
/** A New York wall time with seconds and milliseconds, for boundary checks. */
const ny = (day: string, hh: number, mm: number, ss = 0, milli = 0): number =>
  newYorkWallToUtc(day, hh, mm) + ss * 1000 + milli;

function* days(from: string, to: string): Generator<string> {
  for (let t = ms(`${from}T12:00:00Z`); t <= ms(`${to}T12:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe('nyseCalendar', () => {
  it('is a memoised singleton covering 2000-01-01..2035-12-31', () => {
    expect(nyseCalendar()).toBe(cal);
    expect(cal.name).toBe('NYSE');
    expect(cal.firstDay).toBe('2000-01-01');
    expect(cal.lastDay).toBe('2035-12-31');
  });

  describe('early 13:00 closes', () => {
    it.each([
      ['2025-07-03', '2025-07-03T17:00:00.000Z'], // EDT
      ['2025-11-28', '2025-11-28T18:00:00.000Z'], // EST
      ['2025-12-24', '2025-12-24T18:00:00.000Z'],
    ])('%s closes at 13:00 New York (%s)', (day, closeIso) => {
      const s = cal.sessionFor(day);
      expect(s).not.toBeNull();
      expect(s!.early).toBe(true);
      expect(new Date(s!.close).toISOString()).toBe(closeIso);
      expect(cal.isRegularSession(ny(day, 12, 59, 59, 999))).toBe(true);
      expect(cal.isRegularSession(ny(day, 13, 0))).toBe(false);
      expect(cal.isRegularSession(ny(day, 15, 0))).toBe(false);
    });

    it('follows the pre-2013 Independence Day rule (July 5 instead of a Wednesday July 3)', () => {
      expect(cal.sessionFor('2002-07-03')!.early).toBe(false);
      expect(cal.sessionFor('2002-07-05')!.early).toBe(true);
      expect(cal.sessionFor('2013-07-03')!.early).toBe(true);
      expect(cal.sessionFor('2013-07-05')!.early).toBe(false);
      expect(cal.sessionFor('2019-07-03')!.early).toBe(true);
      expect(cal.sessionFor('2024-07-03')!.early).toBe(true);
      expect(cal.sessionFor('2008-07-03')!.early).toBe(true);
    });

    it('lists exactly the known early closes of 2000..2013', () => {
      const early = [...days('2000-01-01', '2013-12-31')].filter((d) => cal.sessionFor(d)?.early);
      // prettier-ignore
      expect(early).toEqual([
        '2000-07-03', '2000-11-24',
        '2001-07-03', '2001-11-23', '2001-12-24',
        '2002-07-05', '2002-11-29', '2002-12-24',
        '2003-07-03', '2003-11-28', '2003-12-24', '2003-12-26',
        '2004-11-26',
        '2005-11-25',
        '2006-07-03', '2006-11-24',
        '2007-07-03', '2007-11-23', '2007-12-24',
        '2008-07-03', '2008-11-28', '2008-12-24',
        '2009-11-27', '2009-12-24',
        '2010-11-26',
        '2011-11-25',
        '2012-07-03', '2012-11-23', '2012-12-24',
        '2013-07-03', '2013-11-29', '2013-12-24',
      ]);
    });

    it('has no early close on a day that is itself a holiday', () => {
      expect(cal.sessionFor('2020-07-03')).toBeNull(); // Independence Day observed (July 4 a Saturday)
      expect(cal.sessionFor('2026-07-03')).toBeNull();
      expect(cal.sessionFor('2027-12-24')).toBeNull(); // Christmas observed (Dec 25 a Saturday)
    });
  });

  describe('closed days', () => {
    it.each([
      ['2022-06-20', 'Juneteenth observed (June 19 a Sunday)'],
      ['2021-12-24', 'Christmas observed (Dec 25 a Saturday)'],
      ['2025-01-09', 'President Carter'],
      ['2012-10-29', 'Hurricane Sandy'],
      ['2012-10-30', 'Hurricane Sandy'],
      ['2018-12-05', 'President G.H.W. Bush'],
      ['2024-03-29', 'Good Friday'],
      ['2023-01-02', "New Year's Day observed (Jan 1 a Sunday)"],
      ['2001-09-11', 'September 11'],
      ['2001-09-14', 'September 11'],
      ['2004-06-11', 'President Reagan'],
      ['2007-01-02', 'President Ford'],
      ['2022-12-26', 'Christmas observed (Dec 25 a Sunday)'],
      ['2027-06-18', 'Juneteenth observed (June 19 a Saturday)'],
      ['2000-04-21', 'Good Friday 2000'],
      ['2035-03-23', 'Good Friday 2035'],
      ['2025-01-20', 'MLK Day'],
      ['2025-02-17', "Presidents' Day"],
      ['2025-05-26', 'Memorial Day'],
      ['2025-09-01', 'Labor Day'],
      ['2025-11-27', 'Thanksgiving'],
      ['2022-12-31', 'a Saturday'],
    ])('%s is closed (%s)', (day) => {
      expect(cal.sessionFor(day)).toBeNull();
      expect(cal.isRegularSession(ny(day, 12, 0))).toBe(false);
      expect(cal.sessionAt(ny(day, 12, 0))).toBeNull();
    });

    it.each([
      ['2021-12-31', "New Year's Day 2022 on a Saturday is not observed on the Friday"],
      ['2010-12-31', 'same for 2011'],
      ['2021-06-18', 'Juneteenth only from 2022'],
      ['2022-12-30', 'ordinary Friday'],
      ['2001-09-17', 'reopened after September 11'],
    ])('%s is a full session (%s)', (day) => {
      const s = cal.sessionFor(day);
      expect(s).not.toBeNull();
      expect(s!.early).toBe(false);
      expect(newYorkWall(s!.close).slice(11)).toBe('16:00');
    });
  });

  describe('session boundaries: [09:30, 16:00)', () => {
    it.each([
      ['2025-01-15', '14:30', '21:00'], // EST
      ['2025-07-15', '13:30', '20:00'], // EDT
    ])('%s', (day, openUtc, closeUtc) => {
      expect(new Date(cal.sessionFor(day)!.open).toISOString()).toBe(`${day}T${openUtc}:00.000Z`);
      expect(new Date(cal.sessionFor(day)!.close).toISOString()).toBe(`${day}T${closeUtc}:00.000Z`);
      expect(cal.isRegularSession(ny(day, 9, 29, 59, 999))).toBe(false);
      expect(cal.isRegularSession(ny(day, 9, 30))).toBe(true);
      expect(cal.isRegularSession(ny(day, 15, 59, 59, 999))).toBe(true);
      expect(cal.isRegularSession(ny(day, 16, 0))).toBe(false);
      expect(cal.sessionAt(ny(day, 9, 30))!.day).toBe(day);
      expect(cal.sessionAt(ny(day, 16, 0))).toBeNull();
    });
  });

  describe('daylight saving time', () => {
    it.each([
      ['2025-03-07', '14:30'], // Friday before the second Sunday of March: still EST
      ['2025-03-10', '13:30'], // Monday after: EDT
      ['2025-10-31', '13:30'], // Friday before the first Sunday of November: still EDT
      ['2025-11-03', '14:30'], // Monday after: EST
      ['2006-03-13', '14:30'], // pre-2007 rule: EDT only from the first Sunday of April
      ['2006-04-03', '13:30'],
      ['2006-10-27', '13:30'], // ...until the last Sunday of October
      ['2006-10-30', '14:30'],
      ['2007-03-12', '13:30'], // first year of the 2007 rule
      ['2007-11-02', '13:30'],
    ])('%s opens at %sZ', (day, openUtc) => {
      expect(new Date(cal.sessionFor(day)!.open).toISOString()).toBe(`${day}T${openUtc}:00.000Z`);
    });

    it('every session opens at 09:30 and closes at 16:00 or 13:00 New York (checked against Intl)', () => {
      let sessions = 0;
      for (const day of days(cal.firstDay, cal.lastDay)) {
        const s = cal.sessionFor(day);
        if (!s) continue;
        sessions++;
        expect(newYorkWall(s.open)).toBe(`${day} 09:30`);
        expect(newYorkWall(s.close)).toBe(`${day} ${s.early ? '13:00' : '16:00'}`);
      }
      expect(sessions).toBeGreaterThan(9000);
    });
  });

  describe('nextClose / nextOpen', () => {
    it('nextClose on an early-close day is 13:00, then skips the holiday and the weekend', () => {
      expect(cal.nextClose(ny('2025-07-03', 8, 0))).toBe(ms('2025-07-03T17:00:00Z'));
      expect(cal.nextClose(ny('2025-07-03', 10, 0))).toBe(ms('2025-07-03T17:00:00Z'));
      // 13:00 is already closed; Friday July 4 is a holiday, so the next close is Monday's.
      expect(cal.nextClose(ny('2025-07-03', 13, 0))).toBe(ms('2025-07-07T20:00:00Z'));
    });

    it('nextClose across a weekend', () => {
      expect(cal.nextClose(ny('2025-01-10', 16, 0))).toBe(ms('2025-01-13T21:00:00Z'));
      expect(cal.nextClose(ny('2025-01-11', 12, 0))).toBe(ms('2025-01-13T21:00:00Z'));
      expect(cal.nextClose(ny('2025-01-10', 15, 59, 59, 999))).toBe(ms('2025-01-10T21:00:00Z'));
    });

    it('nextOpen is t itself at an open, else the next open', () => {
      const open = ms('2025-01-10T14:30:00Z');
      expect(cal.nextOpen(open)).toBe(open);
      expect(cal.nextOpen(open - 1)).toBe(open);
      expect(cal.nextOpen(open + 1)).toBe(ms('2025-01-13T14:30:00Z'));
      // Wednesday 2025-01-08 evening: Thursday is the Carter closure, so Friday.
      expect(cal.nextOpen(ny('2025-01-08', 17, 0))).toBe(open);
    });

    it('returns null past the end of the range and the first session before the start', () => {
      const lastClose = cal.sessionFor('2035-12-31')!.close;
      expect(cal.nextClose(lastClose - 1)).toBe(lastClose);
      expect(cal.nextClose(lastClose)).toBeNull();
      expect(cal.nextOpen(lastClose)).toBeNull();
      expect(cal.nextOpen(ms('1999-06-01T00:00:00Z'))).toBe(cal.sessionFor('2000-01-03')!.open);
      expect(cal.sessionAt(ms('1999-06-01T15:00:00Z'))).toBeNull();
      expect(cal.sessionAt(ms('2036-06-02T15:00:00Z'))).toBeNull();
    });

    // A NaN time or a malformed day answered "closed" would make a typo read as a closed market.
    it('refuses NaN and malformed days, naming the value; a real day out of range is simply closed', () => {
      for (const ask of [
        () => cal.isRegularSession(Number.NaN),
        () => cal.sessionAt(Number.NaN),
        () => cal.nextClose(Number.NaN),
        () => cal.nextOpen(Number.NaN),
      ])
        expect(ask).toThrow(/NYSE calendar: a time must be a number of epoch milliseconds \(got NaN\)/);
      for (const day of ['2025-1-2', 'garbage', '2025-02-30', ' 2025-01-02', '2025-01-02T00:00', ''])
        expect(() => cal.sessionFor(day)).toThrow(
          `NYSE calendar: a day must be a real New York date 'YYYY-MM-DD', e.g. '2025-01-02' (got ${JSON.stringify(day)})`,
        );
      expect(() => cal.sessionFor(undefined as unknown as string)).toThrow(/\(got undefined\)/);
      expect(cal.sessionFor('1999-12-31')).toBeNull();
      expect(cal.sessionFor('2025-01-04')).toBeNull(); // a Saturday
    });

    it('answers ±Infinity as before every session and after every session', () => {
      const first = cal.sessionFor('2000-01-03')!;
      expect(cal.isRegularSession(-Infinity)).toBe(false);
      expect(cal.sessionAt(-Infinity)).toBeNull();
      expect(cal.nextOpen(-Infinity)).toBe(first.open);
      expect(cal.nextClose(-Infinity)).toBe(first.close);
      // Twice each: the second call starts from the last hit (the last session after the first call).
      for (let k = 0; k < 2; k++) {
        expect(cal.isRegularSession(Infinity)).toBe(false);
        expect(cal.sessionAt(Infinity)).toBeNull();
        expect(cal.nextOpen(Infinity)).toBeNull();
        expect(cal.nextClose(Infinity)).toBeNull();
      }
    });
  });

  describe('sessions per year', () => {
    const countFor = (year: number): number =>
      [...days(`${year}-01-01`, `${year}-12-31`)].filter((d) => cal.sessionFor(d) !== null).length;

    it('matches the published NYSE trading-day counts', () => {
      // prettier-ignore
      const known: Record<number, number> = {
        2000: 252, 2001: 248, 2002: 252, 2003: 252, 2004: 252, 2005: 252, 2006: 251, 2007: 251,
        2008: 253, 2009: 252, 2010: 252, 2011: 252, 2012: 250, 2013: 252, 2014: 252, 2015: 252,
        2016: 252, 2017: 251, 2018: 251, 2019: 252, 2020: 253, 2021: 252, 2022: 251, 2023: 250,
        2024: 252, 2025: 250,
      };
      for (const [year, count] of Object.entries(known))
        expect([year, countFor(Number(year))]).toEqual([year, count]);
    });

    it('is between 249 and 254 every year 2000..2035 (2001 lost four days to September 11)', () => {
      for (let year = 2000; year <= 2035; year++) {
        const n = countFor(year);
        if (year === 2001) expect(n).toBe(248);
        else expect(n, String(year)).toBeGreaterThanOrEqual(249);
        expect(n, String(year)).toBeLessThanOrEqual(254);
      }
    });
  });

  describe('properties', () => {
    const START = ms('2000-01-01T00:00:00Z');
    const END = ms('2035-12-31T00:00:00Z'); // before the last close, so nextClose always exists
    const instant = fc.integer({ min: START, max: END });

    it('isRegularSession(t) === (sessionAt(t) !== null); open <= t < close; nextClose(t) > t', () => {
      fc.assert(
        fc.property(instant, (t) => {
          const s = cal.sessionAt(t);
          expect(cal.isRegularSession(t)).toBe(s !== null);
          if (s) {
            expect(s.open).toBeLessThanOrEqual(t);
            expect(t).toBeLessThan(s.close);
            expect(cal.nextClose(t)).toBe(s.close);
            expect(cal.sessionFor(s.day)).toBe(s);
          }
          const close = cal.nextClose(t);
          expect(close).not.toBeNull();
          expect(close!).toBeGreaterThan(t);
          const open = cal.nextOpen(t);
          expect(open).not.toBeNull();
          expect(open!).toBeGreaterThanOrEqual(t);
          // Nothing is open between t and the next open unless t is already in a session.
          if (!s) expect(cal.isRegularSession(open! - 1)).toBe(false);
        }),
        { seed: 110, numRuns: 5000 },
      );
    });

    it('gives the same answers in sequential and random access (the lookup hint is only a cache)', () => {
      fc.assert(
        fc.property(fc.array(instant, { minLength: 1, maxLength: 50 }), (ts) => {
          const random = ts.map((t) => cal.isRegularSession(t));
          const sorted = [...ts].sort((a, b) => a - b);
          const inOrder = new Map(sorted.map((t) => [t, cal.isRegularSession(t)]));
          expect(ts.map((t) => inOrder.get(t))).toEqual(random);
        }),
        { seed: 112, numRuns: 100 },
      );
    });
  });
});
