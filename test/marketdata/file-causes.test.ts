/**
 * Refusals whose rows share one cause --repair cannot fix are told as that cause: numbers with a decimal
 * comma or thousands separators (every row was "unparsable", and --repair then found no usable bars), and a
 * crypto file written in a daylight-saving zone's wall time, whose repeated autumn hour read as UTC was a
 * "duplicate" that --repair would have dropped.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter, loadMessage as message } from '../support/bar-files.js';

const write = barFileWriter('worksteal-causes-');
const HOUR = 3_600_000;

/** `count` hourly rows from `from` (UTC), each written by `line(time, i)`. */
function hourly(from: number, count: number, line: (t: number, i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => line(from + i * HOUR, i));
}

describe('separators in numbers', () => {
  const T = Date.UTC(2024, 0, 1);
  const naive = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

  it('a decimal comma is named with one value and how to re-export, not --repair; --repair says the same', async () => {
    const rows = hourly(T, 48, (t, i) => `${naive(t)};101,${10 + i};102,5;100,25;101,5;196680,93`);
    const path = write(`timestamp;open;high;low;close;volume\n${rows.join('\n')}\n`);
    const text = await message(path);
    expect(text).toContain(
      `${path}:2: unparsable number "101,10" in column open: the numbers are written with a decimal comma (48 of 48 rows have such a number`,
    );
    expect(text).toContain("Re-export the file with '.' as the decimal point");
    expect(text).not.toContain("load with onBadData: 'repair'");
    await expect(loadBars(path, { cacheDir: null, onBadData: 'repair' })).rejects.toThrow('decimal comma');
  });

  it('quoted thousands separators are named', async () => {
    const rows = hourly(T, 48, (t) => `${naive(t)},101.72,102.79,101.56,101.96,"196,680.93"`);
    const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const text = await message(path);
    expect(text).toContain(
      ':2: unparsable number "196,680.93" in column volume: the numbers are written with thousands separators (a comma between groups of three digits) (48 of 48 rows',
    );
    expect(text).toContain("strip the ',' inside numbers");
  });

  it('one such number among good rows is still a bad row that --repair drops', async () => {
    const rows = hourly(
      T,
      48,
      (t, i) => `${naive(t)},101.72,102.79,101.56,${i === 5 ? '"101,96"' : '101.96'},10`,
    );
    const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    expect(await message(path)).toContain(':7: unparsable number "101,96" in column close (close).');
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.bars).toBe(47);
  });
});

describe('a clock going back an hour', () => {
  /** Hourly crypto bars through the end of summer time 2023, written on the wall clock of `zone`. */
  function wallFile(zone: string): string {
    const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' });
    const rows = hourly(
      Date.UTC(2023, 9, 27),
      96,
      (t, i) => `${fmt.format(t)},${20 + i / 100},21,19,20.5,100`,
    );
    return write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  }

  it('names the daylight-saving repeat and --timezone, not --repair; the zone given reads every bar', async () => {
    const path = wallFile('Europe/Berlin');
    const text = await message(path);
    expect(text).toMatch(/:\d+: duplicate time 2023-10-29T02:00:00Z with other values than row \d+ \(/);
    expect(text).toContain(
      '2023-10-29 02:00 is in the hour that comes twice when the clocks go back at the end of daylight saving time in Europe/Berlin',
    );
    expect(text).toContain('Load it with --timezone Europe/Berlin');
    expect(text).not.toContain("load with onBadData: 'repair'");
    const r = await loadBars(path, { cacheDir: null, layout: { timezone: 'Europe/Berlin' } });
    expect(r.series.time.length).toBe(96);
    expect(r.series.time[0]).toBe(Date.UTC(2023, 9, 27));
  });

  it('a US wall clock names the US zones that repeat that hour', async () => {
    // Chicago's clocks go back on 5 November: October's wall times read as UTC have no repeat.
    expect(await message(wallFile('America/Chicago'))).toBe('loaded');
    const late = message(
      write(
        `timestamp,open,high,low,close,volume\n${hourly(Date.UTC(2023, 10, 4), 72, (t, i) => `${new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Chicago', dateStyle: 'short', timeStyle: 'medium' }).format(t)},${20 + i / 100},21,19,20.5,100`).join('\n')}\n`,
      ),
    );
    expect(await late).toContain(
      'daylight saving time in America/New_York, America/Chicago, America/Denver or America/Los_Angeles',
    );
  });

  it('a duplicate away from a clock change keeps its own message and --repair advice', async () => {
    const rows = hourly(
      Date.UTC(2023, 9, 27),
      48,
      (t, i) => `${new Date(t).toISOString()},${20 + i / 100},21,19,20.5,100`,
    );
    rows.splice(10, 0, rows[9]!.replace(/,20.09,/, ',20.095,'));
    const text = await message(write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`));
    expect(text).toContain(':12: duplicate time 2023-10-27T09:00:00Z with other values than row 11');
    expect(text).toContain("load with onBadData: 'repair'");
  });
});
