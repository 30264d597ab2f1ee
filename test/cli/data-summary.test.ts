/**
 * What simulate says about its data before it runs: --repair's drops and repairs (a count per file, the
 * first rows on the console, all in --json data[].problems), gaps (count and the largest), stock series
 * that can never trade because no bar opens in a session (weekly files stamped at midnight), and daily stock
 * series, seen only at their session's close.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { dataQualityLines } from '../../src/cli/data-summary.js';
import { loadBars } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-datasum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** `n` hourly SOL bars from 2024-01-01, with row edits: line index (0 = first bar) → replacement line. */
function hourly(name: string, n: number, edit: Record<number, string> = {}): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString().replace('.000Z', 'Z');
    lines.push(edit[i] ?? `${t},100,101,99,100.5,10`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('dataQualityLines', () => {
  it('counts drops and repairs per file and shows the first three rows', async () => {
    const path = hourly('SOLUSDT_1h.csv', 40, {
      3: 'oops',
      5: '2024-01-01T05:00:00Z,100,0.0001,99,100.5,10',
      7: '2024-01-01T07:00:00Z,100,101,99,abc,10',
      9: '2024-01-01T09:00:00Z,100,101,99,-1,10',
      11: '2024-01-01T11:00:00Z,100,101,99,-2,10',
    });
    const loaded = await loadBars(path, { onBadData: 'repair', cacheDir: null });
    const { notes, warnings } = dataQualityLines([loaded], nyseCalendar(), { problemsInJson: true });
    // Among the warnings, which --quiet does not hide: the run's data is not the file as it is.
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toBe(`repair: SOLUSDT from ${path}: 4 rows dropped, 1 row repaired`);
    expect(warnings[1]).toBe(`  ${path}:5: row has 1 field, expected at least 6 (dropped)`);
    expect(warnings[2]).toContain(`${path}:7: inconsistent OHLC: high 0.0001`);
    expect(warnings[4]).toBe('  … 2 more rows: all in --json data[].problems');
    // A command whose --json does not list them (all but simulate) points to simulate's.
    expect(dataQualityLines([loaded], nyseCalendar()).warnings[4]).toBe(
      '  … 2 more rows: all in `worksteal simulate --json` data[].problems, with the same files and flags',
    );
    // How the file was read comes first, then the gaps the dropped rows leave: the count, the bars missing
    // and the largest.
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^read: SOLUSDT: 1h bars, /);
    expect(notes[1]).toBe(
      'gaps: SOLUSDT has 4 gaps (4 bars missing); largest 2024-01-01T02:00:00Z → 2024-01-01T04:00:00Z (1 bar missing, 2 hours)',
    );
  });

  it('warns when no bar of a stock opens in a session: 0 of N, why, and what to do', async () => {
    // Weekly bars are not placed in a session (a week is not one session): they can never trade.
    const path = join(dir, 'AAPL_1Week.csv');
    writeFileSync(
      path,
      'timestamp,open,high,low,close,volume\n2024-01-02 05:00:00,10,11,9,10,1\n2024-01-09 05:00:00,10,11,9,10,1\n2024-01-16 05:00:00,10,11,9,10,1\n',
    );
    const loaded = await loadBars(path, { cacheDir: null, layout: { timezone: 'UTC' } });
    const { warnings } = dataQualityLines([loaded], nyseCalendar());
    expect(warnings).toEqual([
      'warning: AAPL: 0 of 3 bars open in a regular exchange session (the first is stamped 2024-01-02T05:00:00Z). Stock orders fill only in bars that open in a session, so AAPL cannot trade: use daily or intraday bars (e.g. 1h) for it, or leave it out with --symbols.',
    ]);
  });

  it('daily stock bars open in their sessions; they are warned about, not refused, with or without extended hours', async () => {
    const path = join(dir, 'MSFT_1Day.csv');
    writeFileSync(
      path,
      'timestamp,open,high,low,close,volume\n2024-01-02 05:00:00,10,11,9,10,1\n2024-01-03 05:00:00,10,11,9,10,1\n2024-01-04 05:00:00,10,11,9,10,1\n',
    );
    const loaded = await loadBars(path, { cacheDir: null, layout: { timezone: 'UTC' } });
    const calendar = nyseCalendar();
    expect(Array.from(loaded.series.time).every((t) => calendar.sessionAt(t)?.open === t)).toBe(true);
    const { warnings } = dataQualityLines([loaded], calendar);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      "warning: MSFT: daily bars stand for their sessions and are known only at each session's close",
    );
    expect(warnings[0]).toContain('extendedHours: true');
    const extended = dataQualityLines([loaded], calendar, { extendedHours: true }).warnings;
    expect(extended).toHaveLength(1);
    expect(extended[0]).toContain('lapses at 20:00 New York');
  });
});

describe('simulate --repair', () => {
  it('prints the repairs and lists every one in --json data[].problems', () => {
    const path = hourly('LINKUSDT_1h.csv', 60, {
      10: 'bad',
      20: '2024-01-01T20:00:00Z,100,0.0001,99,100.5,10',
    });
    const json = join(dir, 'out.json');
    const r = runCli(['simulate', '--data', path, '--repair', '--no-cache', '--json', json]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`repair: LINKUSDT from ${path}: 1 row dropped, 1 row repaired`);
    expect(r.stderr).toContain(`${path}:12: row has 1 field`);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.data[0].problems.map((p: { row: number; action: string }) => [p.row, p.action])).toEqual([
      [12, 'dropped'],
      [22, 'repaired'],
    ]);
  });
});
