/**
 * RFC 3339 §5.6: the `T` between date and time and the `Z` of UTC "may alternatively be lower case"
 * (`2024-01-02t14:30:00z`). Such times were refused as unparsable; they now read exactly as the upper-case
 * form, in bar files and wherever else an ISO time is taken (--from/--to, sessions files, explain scenarios).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateFlag } from '../../src/cli/dates.js';
import { parseTime } from '../../src/core/calendar/session-times.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { loadBars } from '../../src/marketdata/index.js';
import { parseIsoTime, type IsoResult } from '../../src/marketdata/timeparse.js';
import { barFileWriter, epochRows, HOUR, T0 } from '../support/bar-files.js';

const write = barFileWriter('worksteal-lowercase-tz-');

/** parseIsoTime's whole answer: the wall-clock ms, the offset and whether a time of day was read. */
function parsed(text: string): [number, number, boolean] {
  const out: IsoResult = { offsetMin: NaN, hasTime: false };
  const wall = parseIsoTime(Buffer.from(text, 'latin1'), 0, text.length, out);
  return [wall, out.offsetMin, out.hasTime];
}

const lowerTZ = (s: string): string => s.replace(/[TZ]/g, (c) => c.toLowerCase());
const two = (n: number): string => String(n).padStart(2, '0');

/** ISO-like text in every form the parser knows, and some it refuses (hour 24, offset +15, minute 60). */
const isoText = fc
  .record({
    day: fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
    time: fc.option(
      fc.record({
        sep: fc.constantFrom('T', ' '),
        h: fc.integer({ min: 0, max: 24 }),
        mi: fc.integer({ min: 0, max: 60 }),
        s: fc.option(fc.integer({ min: 0, max: 59 })),
        frac: fc.option(fc.stringMatching(/^[0-9]{1,6}$/)),
      }),
    ),
    zone: fc.oneof(
      fc.constant(''),
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 15 }), fc.constantFrom(0, 30, 45))
        .map(([sign, h, m]) => `${sign}${two(h)}:${two(m)}`),
    ),
  })
  .map(({ day, time, zone }) => {
    const date = day.toISOString().slice(0, 10);
    if (time === null) return date + zone;
    const secs = time.s === null ? '' : `:${two(time.s)}${time.frac === null ? '' : `.${time.frac}`}`;
    return `${date}${time.sep}${two(time.h)}:${two(time.mi)}${secs}${zone}`;
  });

describe('lower-case t and z in ISO times', () => {
  it('any accepted timestamp parses to the same ms, offset and time-of-day flag with t/z in lower case', () => {
    let accepted = 0;
    fc.assert(
      fc.property(isoText, (text) => {
        const upper = parsed(text);
        if (Number.isNaN(upper[0])) return; // refused in upper case: nothing to compare
        accepted++;
        expect(parsed(lowerTZ(text))).toEqual(upper);
      }),
      { seed: 37_2026, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(2000); // the property was not vacuous
  });

  it('only t, T or a space separates the date from the time, and only z or Z stands for UTC', () => {
    const date = '2024-01-02';
    for (let b = 0; b < 256; b++) {
      const c = String.fromCharCode(b);
      const sep = parsed(`${date}${c}14:30:00`);
      expect(Number.isNaN(sep[0]), `separator byte ${b}`).toBe(!['T', 't', ' '].includes(c));
      const zone = parsed(`${date}T14:30:00${c}`);
      expect(zone[1] === 0, `zone byte ${b}`).toBe(c === 'Z' || c === 'z');
    }
    expect(parsed('2024-01-02t14:30:00zz')[0]).toBeNaN();
  });

  it('a bar file written with t and z loads the same bars as one written with T and Z', async () => {
    const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
    const header = 'timestamp,open,high,low,close,volume';
    const upper = write([header, ...epochRows(48, iso)].join('\n'));
    const lower = write([header, ...epochRows(48, (t) => lowerTZ(iso(t)))].join('\n'));
    expect(lowerTZ(iso(T0))).toBe('2023-01-01t00:00:00z');
    const a = await loadBars(upper, { cacheDir: null });
    const b = await loadBars(lower, { cacheDir: null });
    expect(b.series.time.length).toBe(48);
    expect(Array.from(b.series.time)).toEqual(Array.from(a.series.time));
    expect(b.series.intervalMs).toBe(HOUR);
    expect(b.series.source.layout).toBe(a.series.source.layout);
    expect(b.report.badRows).toHaveLength(0);
  });

  it('--from/--to, a sessions file and an explain scenario take t and z too', () => {
    const at = Date.UTC(2024, 0, 2, 14, 30);
    expect(parseDateFlag('2024-01-02t14:30:00z', '--from')).toBe(at);
    expect(parseDateFlag('2024-01-02t15:30+01:00', '--to')).toBe(at);
    expect(parseTime('2024-01-02t14:30:00z')).toEqual({ kind: 'instant', t: at });
    expect(parseTime('2024-01-02t09:30:00-05:00')).toEqual({ kind: 'instant', t: at });
    const scenario = parseScenario({
      now: '2024-06-12t21:00:00z',
      account: { equity: 1000 },
      openOrders: [],
      request: { symbol: 'SOLUSDT', assetClass: 'crypto', side: 'buy', limitPrice: 150, qty: 1, price: 151 },
    });
    expect(scenario.now).toBe(Date.UTC(2024, 5, 12, 21));
  });
});
