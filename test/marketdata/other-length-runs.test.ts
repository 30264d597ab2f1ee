/**
 * Rows of another bar length inside a file (a month of daily rows pasted into an hourly file, a day of hourly
 * rows in a daily one) were read as bars of the file's length: each daily bar's whole-day range became one
 * hour's, said only as gaps, and not at all with --quiet. They are now bad rows (timeframe.ts
 * otherLengthRuns): refused as a run, naming its rows, or dropped and listed with repair. Gaps (missing
 * bars, outages, closed markets, sparse bars) are not such runs: every real file loads as before.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter, loadMessage } from '../support/bar-files.js';
import { requireMarketData } from '../support/marketdata.js';

const write = barFileWriter('worksteal-other-length-');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HEADER = 'timestamp,open,high,low,close,volume';
const row = (t: number): string => `${new Date(t).toISOString().replace('.000', '')},10,11,9,10.5,100`;
const fileOf = (times: number[]): string => `${[HEADER, ...times.map(row)].join('\n')}\n`;
const T0 = Date.UTC(2023, 0, 2, 5);

describe('rows of another bar length', () => {
  it('a month of daily rows inside a real hourly file is refused naming its rows; repair drops them', async () => {
    const dir = requireMarketData();
    const lines = (name: string): string[] =>
      readFileSync(join(dir, 'binance-spot-yanniedog', name), 'utf8').split(/\r?\n/);
    const hourly = lines('SOLUSDT_1h.csv');
    const daily = lines('SOLUSDT_1d.csv');
    // The review's recipe: January 2023 hourly, February daily, March hourly.
    const january = hourly.slice(20928, 21672);
    const march = hourly.filter((l) => l.startsWith('2023-03'));
    const text = [hourly[0], ...january, ...daily.filter((l) => l.startsWith('2023-02')), ...march].join(
      '\n',
    );
    for (const name of ['SOLUSDT_1h.csv', 'SOLUSDT.csv']) {
      const path = write(`${text}\n`, name);
      expect(await loadMessage(path)).toContain(
        `${path}:746–773: 28 rows spaced 1 day apart in a file of 1h bars (2023-02-01T00:00:00Z to 2023-02-28T00:00:00Z): bars of another length`,
      );
      const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
      expect(r.report.badRows.map((b) => b.row)).toEqual(Array.from({ length: 28 }, (_, i) => 746 + i));
      expect(r.report.badRows.every((b) => b.action === 'dropped')).toBe(true);
      expect(r.series.time.length).toBe(january.length + march.length);
      expect(r.series.intervalMs).toBe(HOUR);
    }
  });

  it('a day of hourly rows inside a real daily file is refused the same way', async () => {
    const dir = requireMarketData();
    const daily = readFileSync(join(dir, 'binance-spot-yanniedog', 'SOLUSDT_1d.csv'), 'utf8').split(/\r?\n/);
    const hourly = readFileSync(join(dir, 'binance-spot-yanniedog', 'SOLUSDT_1h.csv'), 'utf8').split(/\r?\n/);
    const at = daily.findIndex((l) => l.startsWith('2023-02-15'));
    const text = [
      ...daily.slice(0, at),
      ...hourly.filter((l) => l.startsWith('2023-02-15 ')),
      ...daily.slice(at + 1),
    ].join('\n');
    const path = write(text, 'SOLUSDT_1d.csv');
    expect(await loadMessage(path)).toContain(
      `${path}:${at + 1}–${at + 24}: 24 rows spaced 1 hour apart in a file of 1d bars (2023-02-15T00:00:00Z to 2023-02-15T23:00:00Z)`,
    );
  });

  /** Hourly segments of 2 bars or more, separated by gaps of any length: what missing bars and outages make. */
  const gappySeries = fc
    .array(fc.record({ bars: fc.integer({ min: 2, max: 60 }), gap: fc.integer({ min: 2, max: 2000 }) }), {
      minLength: 1,
      maxLength: 20,
    })
    .map((segments) => {
      const times: number[] = [];
      let t = T0;
      for (const s of segments) {
        for (let i = 0; i < s.bars; i++, t += HOUR) times.push(t);
        t += (s.gap - 1) * HOUR;
      }
      return times;
    });

  it('any hourly series with gaps, or sparse bars 1 to 3 hours apart, loads without a bad row', async () => {
    const sparse = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 400 })
      .map((steps) => steps.map((_, i) => T0 + steps.slice(0, i).reduce((a, b) => a + b, 0) * HOUR));
    await fc.assert(
      fc.asyncProperty(fc.oneof(gappySeries, sparse), async (times) => {
        const r = await loadBars(write(fileOf(times)), { cacheDir: null });
        expect(r.report.badRows).toEqual([]);
        expect(r.series.time.length).toBe(times.length);
      }),
      { seed: 7311, numRuns: 80 },
    );
  });

  it('any hourly series with a run of 6 or more rows of a longer standard length inserted is refused naming them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(4, 6, 8, 12, 24, 168),
        fc.integer({ min: 6, max: 40 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        async (hours, k, before, after) => {
          const L = hours * HOUR;
          const count = Math.max(before + after, 3 * k);
          const a = Math.min(before, count);
          const head = Array.from({ length: a }, (_, i) => T0 + i * HOUR).filter(
            (t, i, all) => i < all.length - 1 || t % L !== 0,
          );
          const last = head.length > 0 ? (head[head.length - 1] as number) : T0 - HOUR;
          const start = (Math.floor(last / L) + 1) * L;
          const run = Array.from({ length: k }, (_, i) => start + i * L);
          // One hourly row alone after the run would be as much its last bar as the file's next: 0 or 2 or more.
          const tail = Array.from(
            { length: count - a === 1 ? 2 : count - a },
            (_, i) => start + k * L + i * HOUR,
          );
          const path = write(fileOf([...head, ...run, ...tail]));
          const first = head.length + 2;
          const words = hours === 168 ? '1 week' : hours === 24 ? '1 day' : `${hours} hours`;
          expect(await loadMessage(path)).toContain(
            `${path}:${first}–${first + k - 1}: ${k} rows spaced ${words} apart in a file of 1h bars`,
          );
        },
      ),
      { seed: 4242, numRuns: 60 },
    );
  });

  it('any daily series with rows of a shorter standard length inserted is refused from 6 of them spaced exactly so', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 5, 15, 60, 240, 480),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        async (minutes, k, before, after) => {
          const S = minutes * 60_000;
          const days = Math.max(before + after, 3 * k);
          const a = Math.min(before, days);
          const d0 = Date.UTC(2022, 0, 1);
          const head = Array.from({ length: a }, (_, i) => d0 + i * DAY);
          const start = d0 + a * DAY;
          const run = Array.from({ length: Math.min(k, DAY / S) }, (_, i) => start + i * S);
          const tail = Array.from({ length: days - a }, (_, i) => start + (i + 1) * DAY);
          const path = write(fileOf([...head, ...run, ...tail]), 'SOLUSDT_1d.csv');
          // Bars of exactly S: the inserted rows followed by one S later, the last one too when it ends the file.
          // When they fill the day, the next daily row is S after the last: a bar of theirs as well when it is
          // the file's last row (nothing tells it from a bar of S), a daily bar when rows follow it.
          const fills = run.length * S === DAY && tail.length > 0;
          const shown = run.length + (fills && tail.length === 1 ? 1 : 0);
          const exact = run.length - 1 + (fills || tail.length === 0 ? 1 : 0);
          const words =
            minutes % 60 === 0
              ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}`
              : `${minutes} minute${minutes === 1 ? '' : 's'}`;
          const message = await loadMessage(path);
          if (exact < 6) expect(message).toBe('loaded');
          else
            expect(message).toContain(
              `${path}:${a + 2}–${a + 1 + shown}: ${shown} rows spaced ${words} apart in a file of 1d bars`,
            );
        },
      ),
      { seed: 9090, numRuns: 80 },
    );
  });

  it('daily stock rows skipping weekends inside an hourly file are one run', async () => {
    // Monday 2023-01-02 .. 13 weekdays of daily rows, then hourly rows again.
    const hourlyHead = Array.from({ length: 100 }, (_, i) => Date.UTC(2022, 11, 20) + i * HOUR);
    const days: number[] = [];
    for (let t = Date.UTC(2023, 0, 2); days.length < 13; t += DAY) {
      const wd = new Date(t).getUTCDay();
      if (wd !== 0 && wd !== 6) days.push(t);
    }
    const tail = Array.from({ length: 200 }, (_, i) => (days[12] as number) + DAY + i * HOUR);
    const path = write(fileOf([...hourlyHead, ...days, ...tail]));
    expect(await loadMessage(path)).toContain(
      `${path}:102–114: 13 rows spaced 1 day apart in a file of 1h bars`,
    );
  });

  it('every real file loads as it did: none has rows of another length', async () => {
    const dir = requireMarketData();
    const files = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.csv'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(35);
    const cacheDir = join(fileURLToPath(new URL('../../', import.meta.url)), '.cache', 'test-bars');
    for (const f of files) {
      // WIKI-AAPL.csv is refused for its rows before 2000 (outside the NYSE calendar) unless repaired.
      const r = await loadBars(join(dir, f), { cacheDir, onBadData: 'repair' });
      expect(
        r.report.badRows.filter((b) => b.problem.includes('another length')),
        f,
      ).toEqual([]);
    }
  }, 120_000);
});
