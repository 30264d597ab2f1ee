import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMany } from '../../../src/marketdata/index.js';
import type { BarSeries } from '../../../src/marketdata/index.js';

/** One hand-made bar: open time (ISO UTC), open, high, low, close. */
export type CsvBar = [string, number, number, number, number];

/**
 * Write hand-made bars as CSV files (the Binance layout: naive UTC timestamps) into a fresh temp folder and
 * load them through the real loader, so the series carry exactly what a user's files would give.
 */
export async function loadCsvBars(files: Record<string, CsvBar[]>): Promise<BarSeries[]> {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-bars-'));
  const paths = Object.entries(files).map(([name, bars]) => {
    const path = join(dir, `${name}.csv`);
    const rows = bars.map(
      ([t, o, h, l, c]) => `${t.replace('T', ' ').replace(/Z$/, '')},${o},${h},${l},${c},1`,
    );
    writeFileSync(path, ['timestamp,open,high,low,close,volume', ...rows].join('\n') + '\n');
    return path;
  });
  const loaded = await loadMany(paths, { cacheDir: null });
  return loaded.map((l) => l.series);
}

/** Hourly bars from `start` (ISO UTC), all at `price` except where `at` gives [open, high, low, close]. */
export function hourly(
  start: string,
  hours: number,
  price: number,
  at: Record<number, number[]> = {},
): CsvBar[] {
  const t0 = Date.parse(start);
  return Array.from({ length: hours }, (_, i) => {
    const t = new Date(t0 + i * 3_600_000).toISOString().slice(0, 19);
    const [o, h, l, c] = at[i] ?? [price, price, price, price];
    return [t, o!, h!, l!, c!];
  });
}
