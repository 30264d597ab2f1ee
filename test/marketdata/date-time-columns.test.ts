/**
 * A file that writes the date and the time of day in two columns (`Date,Time,Open,…`, as MetaTrader and many
 * broker exports do). Read as the date alone, every bar of a day fell at its midnight: an hourly file was
 * refused as duplicates (with --repair as the advice), and --repair kept one bar a day and dropped the rest.
 * Each bar is now at its date and time, as the same bars with one datetime column.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter } from '../support/bar-files.js';

const write = barFileWriter('worksteal-date-time-');

const START = Date.UTC(2023, 0, 2);
const HOURS = 72;
const iso = (i: number): string => new Date(START + i * 3_600_000).toISOString();
const values = (i: number): string => `${100 + i},${102 + i},${99 + i},${101 + i},${10 + i}`;
function rows(time: (i: number) => string): string[] {
  return Array.from({ length: HOURS }, (_, i) => `${time(i)},${values(i)}`);
}

describe('a Date column and a Time column', () => {
  it('put each bar at its date and time of day, as one datetime column does', async () => {
    const split = write(
      [
        'Date,Time,Open,High,Low,Close,Volume',
        ...rows((i) => `${iso(i).slice(0, 10)},${iso(i).slice(11, 16)}`),
      ].join('\r\n'),
    );
    const joined = write(
      ['Datetime,Open,High,Low,Close,Volume', ...rows((i) => iso(i).slice(0, 19).replace('T', ' '))].join(
        '\n',
      ),
    );
    const a = await loadBars(split, { cacheDir: null });
    const b = await loadBars(joined, { cacheDir: null });
    expect(a.series.time.length).toBe(HOURS);
    expect(Array.from(a.series.time)).toEqual(Array.from(b.series.time));
    expect(Array.from(a.series.close)).toEqual(Array.from(b.series.close));
    expect(a.series.intervalMs).toBe(3_600_000);
    expect(a.report.duplicates).toHaveLength(0);
    expect(a.series.source.layout).toMatch(/^header:Date\+Time naive-utc/);
  });

  it('a time of day with seconds, or a single-digit hour, reads the same', async () => {
    const path = write(
      [
        'date;time;open;high;low;close;volume',
        ...rows((i) => {
          const [d, t] = [iso(i).slice(0, 10), iso(i).slice(11, 19)];
          return `${d};${i % 2 ? t : t.replace(/^0/, '')}`;
        }).map((l) => l.replace(/,/g, ';')),
      ].join('\n'),
    );
    const r = await loadBars(path, { cacheDir: null });
    expect(Array.from(r.series.time)).toEqual(Array.from({ length: HOURS }, (_, i) => START + i * 3_600_000));
  });

  it('an unparsable time of day is refused naming file:row and the column, and dropped under --repair', async () => {
    const lines = [
      'Date,Time,Open,High,Low,Close,Volume',
      ...rows((i) => `${iso(i).slice(0, 10)},${iso(i).slice(11, 16)}`),
    ];
    lines[5] = lines[5]!.replace(/,\d\d:00,/, ',4pm,');
    const path = write(lines.join('\n'));
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      /SOLUSDT_1h\.csv:6: unparsable time of day "4pm" in column Time \(the date is in column Date\): expected HH:MM\[:SS\]/,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.series.time.length).toBe(HOURS - 1);
    expect(r.report.badRows.map((p) => p.row)).toEqual([6]);
  });
});
