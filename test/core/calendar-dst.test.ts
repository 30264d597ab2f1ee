import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { newYorkDay, newYorkOffsetMinutes, newYorkWallToUtc } from '../../src/core/calendar/index.js';

const ms = (iso: string): number => Date.parse(iso);

/** Reference offset from Intl (tz database), which the implementation must agree with but not use. */
const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  timeZoneName: 'longOffset',
});
function intlOffsetMinutes(t: number): number {
  const name = offsetFormat.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value; // "GMT-04:00"
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }); // YYYY-MM-DD

describe('New York time', () => {
  it.each([
    ['2025-03-09T06:59:59.999Z', -300],
    ['2025-03-09T07:00:00.000Z', -240], // 02:00 EST becomes 03:00 EDT
    ['2025-11-02T05:59:59.999Z', -240],
    ['2025-11-02T06:00:00.000Z', -300], // 02:00 EDT becomes 01:00 EST
    ['2006-04-02T06:59:59.999Z', -300], // pre-2007: first Sunday of April
    ['2006-04-02T07:00:00.000Z', -240],
    ['2006-10-29T05:59:59.999Z', -240], // ...last Sunday of October
    ['2006-10-29T06:00:00.000Z', -300],
    ['2000-01-01T00:00:00.000Z', -300],
    ['2035-07-01T00:00:00.000Z', -240],
  ])('offset at %s is %i', (iso, offset) => {
    expect(newYorkOffsetMinutes(ms(iso))).toBe(offset);
  });

  it('offset agrees with the tz database for random instants 1990..2040', () => {
    fc.assert(
      fc.property(fc.integer({ min: ms('1990-01-01T00:00:00Z'), max: ms('2040-12-31T23:59:59Z') }), (t) => {
        expect(newYorkOffsetMinutes(t)).toBe(intlOffsetMinutes(t));
        expect(newYorkDay(t)).toBe(dayFormat.format(t));
      }),
      { seed: 109, numRuns: 3000 },
    );
  });

  it('newYorkDay rolls over at New York midnight, not UTC midnight', () => {
    expect(newYorkDay(ms('2025-01-02T04:59:59.999Z'))).toBe('2025-01-01');
    expect(newYorkDay(ms('2025-01-02T05:00:00.000Z'))).toBe('2025-01-02');
    expect(newYorkDay(ms('2025-07-02T03:59:59.999Z'))).toBe('2025-07-01');
    expect(newYorkDay(ms('2025-07-02T04:00:00.000Z'))).toBe('2025-07-02');
  });

  it('newYorkWallToUtc converts wall times and round-trips through newYorkDay', () => {
    expect(newYorkWallToUtc('2025-01-02', 9, 30)).toBe(ms('2025-01-02T14:30:00Z'));
    expect(newYorkWallToUtc('2025-07-02', 9, 30)).toBe(ms('2025-07-02T13:30:00Z'));
    expect(newYorkWallToUtc('2024-02-29', 16, 0)).toBe(ms('2024-02-29T21:00:00Z'));
    fc.assert(
      fc.property(
        fc.integer({ min: ms('2000-01-01T00:00:00Z'), max: ms('2035-12-31T00:00:00Z') }),
        fc.integer({ min: 4, max: 23 }), // away from the 01:00-03:00 transition hours
        fc.integer({ min: 0, max: 59 }),
        (t, hh, mm) => {
          const day = newYorkDay(t);
          const u = newYorkWallToUtc(day, hh, mm);
          expect(newYorkDay(u)).toBe(day);
          expect(u + newYorkOffsetMinutes(u) * 60_000).toBe(
            Date.parse(`${day}T00:00:00Z`) + (hh * 60 + mm) * 60_000,
          );
        },
      ),
      { seed: 111, numRuns: 100 },
    );
  });

  it('resolves the skipped and repeated hours like Temporal "compatible"', () => {
    expect(newYorkWallToUtc('2025-03-09', 2, 30)).toBe(ms('2025-03-09T07:30:00Z')); // = 03:30 EDT
    expect(newYorkWallToUtc('2025-11-02', 1, 30)).toBe(ms('2025-11-02T05:30:00Z')); // the first 01:30 (EDT)
  });

  it('rejects malformed arguments with a RangeError naming the value', () => {
    expect(() => newYorkWallToUtc('2025-02-30', 9, 30)).toThrow(/"2025-02-30"/);
    expect(() => newYorkWallToUtc('2025-02-03', 24, 0)).toThrow(RangeError);
    expect(() => newYorkWallToUtc('2025-02-03', 9, 60)).toThrow(RangeError);
    expect(() => newYorkWallToUtc('2025-02-03', 9.5, 0)).toThrow(RangeError);
  });
});
