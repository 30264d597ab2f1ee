/**
 * Suspicious single-bar moves (moves.ts) are warned about, never refused and never changed: an unadjusted
 * split (the bar ranges jump apart), a one-bar typo'd price. Real crashes (a wick under 4x, as on 2025-10-10)
 * and ordinary bars say nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { adjustedColumnsHint, suspiciousMoves } from '../../src/marketdata/moves.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-moves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2014, 5, 6);
const HOUR = 3_600_000;

/** Columns from [open, high, low, close] rows; file rows 2, 3, …, hourly bars from T0. */
function cols(bars: number[][]) {
  const pick = (k: number) => bars.map((b) => b[k] as number);
  return {
    time: bars.map((_, i) => T0 + i * HOUR),
    open: pick(0),
    high: pick(1),
    low: pick(2),
    close: pick(3),
    row: bars.map((_, i) => i + 2),
  };
}

describe('suspiciousMoves', () => {
  it('an unadjusted 7:1 split is a jump, named with both prices, rows and the hint', () => {
    const c = cols([
      [649.9, 651.26, 644.47, 645.57],
      [92.7, 93.88, 91.75, 93.7],
      [93.7, 94, 93, 93.5],
    ]);
    const { warnings, count } = suspiciousMoves(c, 3, 'HINT');
    expect(count).toBe(1);
    expect(warnings).toEqual([
      {
        row: 3,
        time: T0 + HOUR,
        problem:
          "the price jumps 6.96x from close 645.57 (row 2) to open 92.7, and the two bars' ranges do not overlap: likely an unadjusted split or prices in another unit; HINT",
      },
    ]);
  });

  it('a one-bar typo high is a spike; a real crash wick and ordinary bars are not', () => {
    const c = cols([
      [4.74, 4.78, 4.5, 4.7435],
      [4.7432, 47784000, 4.5, 4.7782],
      [7.855, 8.6, 2, 5.792], // a 3.9x wick down from 7.8: a real crash, not warned
      [5.8, 6, 5.7, 5.9],
    ]);
    c.close[1] = 7.855;
    const { warnings, count } = suspiciousMoves(c, 4, 'HINT');
    expect(count).toBe(1);
    expect(warnings[0]?.row).toBe(3);
    expect(warnings[0]?.problem).toBe(
      'high 47784000 is 1.0e7x above the previous close 4.7435 (row 2): likely a typo or a bad print; check the row, or ignore this if the move is real',
    );
  });

  it('suggests the adjusted columns when the file has them and they are not in use', () => {
    const names = [
      'Date',
      'Open',
      'High',
      'Low',
      'Close',
      'Volume',
      'Adj. Open',
      'Adj. High',
      'Adj. Low',
      'Adj. Close',
      'Adj. Volume',
    ];
    expect(adjustedColumnsHint(names, [1, 2, 3, 4])).toBe(
      'use the adjusted columns: --columns "Adj. Open,Adj. High,Adj. Low,Adj. Close,Adj. Volume"',
    );
    expect(adjustedColumnsHint(names, [6, 7, 8, 9])).toBe(
      'load split-adjusted prices, or ignore this if the move is real',
    );
    expect(adjustedColumnsHint(['time', 'open', 'high', 'low', 'close'], [1, 2, 3, 4])).toContain(
      'load split-adjusted prices',
    );
  });
});

describe('the loader warns and keeps the bars', () => {
  it('a file with a split loads by default, unchanged, with the warning in its report', async () => {
    const path = join(dir, 'SPLT_1h.csv');
    writeFileSync(
      path,
      'time,open,high,low,close,volume\n' +
        '2024-01-01 00:00:00,100,101,99,100,10\n' +
        '2024-01-01 01:00:00,50,51,49,50,10\n' +
        '2024-01-01 02:00:00,50,51,49,50,10\n',
    );
    const r = await loadBars(path, { cacheDir: null });
    expect(Array.from(r.series.open)).toEqual([100, 50, 50]);
    expect(r.report.badRows).toEqual([]);
    expect(r.report.warningCount).toBe(1);
    expect(r.report.warnings[0]).toMatchObject({ row: 3 });
    expect(r.report.warnings[0]?.problem).toContain('from close 100 (row 2) to open 50');
  });
});
