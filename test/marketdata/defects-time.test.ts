/**
 * Defective times: an epoch value in the wrong unit or cut short at the edge of a file (where no
 * out-of-order check can see it), and naive local times across daylight saving changes (the skipped spring
 * hour, the repeated autumn hour). Each must load right, or be refused naming file:row, or be listed under
 * --repair; never moved silently to another hour.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-defects-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
let serial = 0;
function write(name: string, text: string): string {
  const sub = join(dir, String(serial++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, text);
  return path;
}

const VALUES = '10.5,11,10,10.25,3.5';

describe('epoch values at the edge of a file', () => {
  it('the oldest row of a descending milliseconds file written in seconds is refused, not a 1970 bar', async () => {
    const start = Date.UTC(2024, 0, 1);
    const times = Array.from({ length: 30 }, (_, i) => start + (29 - i) * HOUR);
    const rows = times.map((t, i) => `${i === 29 ? t / 1000 : t},${VALUES}`);
    const path = write('ETHUSDT_1h.csv', `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      `${path}:31: time "${start / 1000}" in column timestamp is epoch-s by its magnitude, but the column holds epoch-ms`,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.first).toBe(start + HOUR);
    expect(r.report.badRows.map((b) => [b.row, b.action])).toEqual([[31, 'dropped']]);
  });

  it('a seconds value cut short in the first row of a headerless file is refused, not a 1970 bar', async () => {
    const start = 1381093200;
    const rows = Array.from({ length: 30 }, (_, i) => `${start + i * 3600},${VALUES},2`);
    rows[0] = `${Math.floor(start / 1000)},${VALUES},2`;
    const path = write('XBTUSD_60.csv', `${rows.join('\n')}\n`);
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      `${path}:1: time "1381093" in column col0 reads as 1970-01-16T23:38:13Z (epoch-s), before any bar data`,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.first).toBe((start + 3600) * 1000);
    expect(r.report.bars).toBe(29);
  });
});

/** `YYYY-MM-DD HH:MM:SS` of a UTC instant on New York clocks. */
const nyFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'America/New_York',
  dateStyle: 'short',
  timeStyle: 'medium',
});
const nyWall = (utc: number): string => nyFormat.format(utc);

function nyFile(name: string, utcTimes: number[], wall: (t: number) => string = nyWall): string {
  const rows = utcTimes.map((t) => `${wall(t)},${VALUES}`);
  return write(name, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
}
const newYork = { cacheDir: null, layout: { timezone: 'America/New_York' } } as const;

/** Hourly UTC instants around a DST change of 2018-2024, both directions and some margin. */
const aroundChange = fc
  .tuple(
    fc.integer({ min: 2018, max: 2024 }),
    fc.boolean(),
    fc.integer({ min: 1, max: 30 }),
    fc.integer({ min: 1, max: 30 }),
  )
  .map(([year, spring, before, after]) => {
    // Second Sunday of March / first Sunday of November, 06:00 UTC: the change happens within hours of it.
    const firstOfMonth = new Date(Date.UTC(year, spring ? 2 : 10, 1));
    const sunday = 1 + ((7 - firstOfMonth.getUTCDay()) % 7) + (spring ? 7 : 0);
    const pivot = Date.UTC(year, spring ? 2 : 10, sunday, 6);
    return Array.from({ length: before + after }, (_, i) => pivot + (i - before) * HOUR);
  });

describe('naive New York times across a DST change', () => {
  it('an hourly file that writes both repeated hours loads every bar at its instant, either orientation', async () => {
    await fc.assert(
      fc.asyncProperty(aroundChange, fc.boolean(), async (times, descending) => {
        const path = nyFile('BTCUSD_ny.csv', descending ? [...times].reverse() : times);
        const r = await loadBars(path, newYork);
        expect(Array.from(r.series.time)).toEqual(times);
        expect(r.report.badRows).toEqual([]);
        expect(r.report.duplicates).toEqual([]);
      }),
      { seed: 3, numRuns: 60 },
    );
  });

  it('the repeated hour written twice is not a duplicate (2020-11-01 01:00 EDT and EST)', async () => {
    const times = [4, 5, 6, 7].map((h) => Date.UTC(2020, 10, 1, h));
    const path = nyFile('BTCUSD_fallback.csv', times);
    const r = await loadBars(path, newYork);
    expect(Array.from(r.series.time)).toEqual(times);
  });

  it('a skipped spring time is refused naming the row, and dropped (listed) under --repair', async () => {
    const times = [5, 6, 7, 8].map((h) => Date.UTC(2020, 2, 8, h));
    // The file says 00:00, 02:00, 03:00, 04:00: 02:00 never happened on New York clocks that day.
    const path = nyFile('BTCUSD_spring.csv', times, (t) =>
      t === Date.UTC(2020, 2, 8, 6) ? '2020-03-08 02:00:00' : nyWall(t),
    );
    await expect(loadBars(path, newYork)).rejects.toThrow(
      `${path}:3: local time 2020-03-08 02:00 does not exist in America/New_York`,
    );
    const r = await loadBars(path, { ...newYork, onBadData: 'repair' });
    expect(Array.from(r.series.time)).toEqual([5, 7, 8].map((h) => Date.UTC(2020, 2, 8, h)));
    expect(r.report.badRows.map((b) => [b.row, b.action])).toEqual([[3, 'dropped']]);
  });

  it('a repeated autumn time written once is refused as ambiguous, and read as the first under --repair', async () => {
    const times = [Date.UTC(2020, 10, 1, 3), Date.UTC(2020, 10, 1, 5, 30), Date.UTC(2020, 10, 1, 8)];
    const path = nyFile('BTCUSD_once.csv', times);
    await expect(loadBars(path, newYork)).rejects.toThrow(
      `${path}:3: local time 2020-11-01 01:30 occurs twice in America/New_York`,
    );
    const r = await loadBars(path, { ...newYork, onBadData: 'repair' });
    expect(Array.from(r.series.time)).toEqual(times);
    expect(r.report.badRows).toEqual([
      expect.objectContaining({ row: 3, action: 'repaired', problem: expect.stringContaining('-04:00') }),
    ]);
  });
});
