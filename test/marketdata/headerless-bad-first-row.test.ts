/**
 * A headerless file whose first row holds a bad value was taken for a header ("cannot find a time column
 * (columns seen: 1672531200, abc, …)"), and with the suggested --time-column 0 --columns 1,2,3,4,5 it ran
 * with that row silently dropped as the header. A first line whose time is a time, or whose other fields are
 * all numbers, is data: its bad value is reported with row 1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars, type LoadOptions } from '../../src/marketdata/index.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-headerless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
function write(lines: string[]): string {
  const sub = join(dir, String(serial++));
  mkdirSync(sub);
  const path = join(sub, 'SOLUSDT_1h.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const T0 = 1672531200;
const rows = (first: string): string[] => [
  first,
  ...Array.from({ length: 30 }, (_, i) => `${T0 + (i + 1) * 3600},9.99,10.07,9.98,10.04,118297.82`),
];
const byIndex: LoadOptions['layout'] = {
  timeColumn: 0,
  columns: { open: 1, high: 2, low: 3, close: 4, volume: 5 },
};

describe('a headerless file with a bad first row', () => {
  it('a bad price in row 1 is a bad row, not a header', async () => {
    const path = write(rows(`${T0},abc,10.02,9.93,9.99,126479.67`));
    for (const layout of [undefined, byIndex]) {
      await expect(loadBars(path, { cacheDir: null, ...(layout ? { layout } : {}) })).rejects.toThrow(
        `${path}:1: unparsable number "abc" in column col1 (open).`,
      );
      const r = await loadBars(path, { cacheDir: null, onBadData: 'repair', ...(layout ? { layout } : {}) });
      expect(r.series.source.layout).toBe('headerless:col0 epoch-s asc');
      expect(r.report.rows).toBe(31);
      expect(r.report.badRows).toEqual([
        { row: 1, problem: 'unparsable number "abc" in column col1 (open)', action: 'dropped' },
      ]);
      expect(r.series.time[0]).toBe((T0 + 3600) * 1000);
    }
  });

  it('a bad time in row 1 is a bad row, not a header', async () => {
    const path = write(rows(`x${T0},9.97,10.02,9.93,9.99,126479.67`));
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      `${path}:1: unparsable time "x${T0}" in column col0.`,
    );
  });

  it('a header is still a header', async () => {
    const path = write(['time,open,high,low,close,volume', ...rows(`${T0},9.97,10.02,9.93,9.99,1`)]);
    const r = await loadBars(path, { cacheDir: null });
    expect(r.series.source.layout).toBe('header:time epoch-s asc');
    expect(r.report.bars).toBe(31);
  });
});
