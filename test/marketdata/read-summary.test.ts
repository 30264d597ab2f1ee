/**
 * What a run says about how it read each file: the bar length, bars off the file's grid (a 20:30 bar in an
 * hourly file was accepted in silence), a bar length the file's name contradicts (a 5-minute file named _1h
 * ran with no note), and a missing or unrecognised volume column (volume 0 on every bar, said nowhere).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { namedBarLength, readLines } from '../../src/marketdata/read-notes.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-read-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
let serial = 0;
function write(name: string, text: string | Buffer): string {
  const sub = join(dir, String(serial++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, text);
  return path;
}

const iso = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
/** `count` bars from 2023-01-01 00:00 UTC every `stepMs`, as naive UTC rows of `timestamp,o,h,l,c[,v]`. */
function bars(count: number, stepMs: number, volume = true): string[] {
  const start = Date.UTC(2023, 0, 1);
  return Array.from(
    { length: count },
    (_, i) => `${iso(start + i * stepMs)},10,11,9,10.5${volume ? ',100' : ''}`,
  );
}
const HEADER = 'timestamp,open,high,low,close,volume';

describe('the read summary', () => {
  it('names the bar length and notes a bar off the grid, with its time', async () => {
    const lines = bars(48, HOUR);
    lines.splice(21, 0, '2023-01-01 20:30:00,10,11,9,10.5,100');
    const r = await loadBars(write('SOLUSDT_1h.csv', [HEADER, ...lines, ''].join('\n')), {
      cacheDir: null,
    });
    const { notes, warnings } = readLines([r]);
    expect(notes).toEqual([
      'read: SOLUSDT: 1h bars, naive times read as UTC (crypto trades around the clock: no session to tell a zone by)',
      'off-grid: SOLUSDT has 1 bar off its 1h grid (the others start at :00 past the hour): 2023-01-01T20:30:00Z',
    ]);
    expect(warnings).toEqual([]);
  });

  it('stock bars on the half hour across a daylight saving change are on their grid', async () => {
    // SPY-like: 09:30..15:30 New York, 14:30Z in winter and 13:30Z in summer.
    const rows: string[] = [];
    for (const [day, utcHour] of [
      ['2024-03-07', 14],
      ['2024-03-08', 14],
      ['2024-03-11', 13],
      ['2024-03-12', 13],
    ] as const) {
      for (let h = 0; h < 7; h++)
        rows.push(`${day}T${String(utcHour + h).padStart(2, '0')}:30:00Z,10,11,9,10.5,100`);
    }
    const r = await loadBars(write('SPY_1h.csv', [HEADER, ...rows, ''].join('\n')), { cacheDir: null });
    expect(readLines([r]).notes).toEqual(['read: SPY: 1h bars, times with UTC offsets (+00:00)']);
  });

  it("a stock's half-hour first bar at the 09:30 open (IBKR) is on the session's grid", async () => {
    const rows: string[] = [];
    for (const day of ['2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12']) {
      const open = day < '2024-03-10' ? 14 : 13; // 09:30 New York in UTC, before and after the DST change
      rows.push(`${day}T${open}:30:00Z,10,11,9,10.5,100`);
      for (let h = 1; h < 7; h++) rows.push(`${day}T${String(open + h)}:00:00Z,10,11,9,10.5,100`);
    }
    const r = await loadBars(write('TSLA_1h.csv', [HEADER, ...rows, ''].join('\n')), { cacheDir: null });
    expect(r.series.intervalMs).toBe(HOUR);
    expect(readLines([r]).notes).toEqual(['read: TSLA: 1h bars, times with UTC offsets (+00:00)']);
  });

  it('warns when the bars are not as long as the file name says', async () => {
    const path = write('SOLUSDT_1h.csv', [HEADER, ...bars(48, 5 * 60_000), ''].join('\n'));
    const r = await loadBars(path, { cacheDir: null });
    expect(readLines([r]).warnings).toEqual([
      `warning: SOLUSDT: ${path} holds 5m bars (the usual spacing of its bars), but its name says 1h: the run uses 5m bars; check that it is the file you meant.`,
    ]);
  });

  it('reads bar lengths from file names the way the shared data names them', () => {
    expect(namedBarLength('x/SOLUSDT_1h.csv')).toBe(HOUR);
    expect(namedBarLength('x/XBTUSD_60.csv')).toBe(HOUR);
    expect(namedBarLength('x/SPY_hourly.csv')).toBe(HOUR);
    expect(namedBarLength('x/AAPL_1Day.csv')).toBe(24 * HOUR);
    expect(namedBarLength('x/BTCUSDT_4h.csv')).toBe(4 * HOUR);
    expect(namedBarLength('x/ETH_5min.csv')).toBe(300_000);
    expect(namedBarLength('x/BTC_1M.csv')).toBe(null); // a month, not a minute
    expect(namedBarLength('x/SPY_2023.csv')).toBe(null);
    expect(namedBarLength('x/AAPL.csv')).toBe(null);
  });

  it('says when there is no volume column, and names an unrecognised one (a Latin-1 header)', async () => {
    const noVolume = await loadBars(
      write('SOLUSDT_1h.csv', ['timestamp,open,high,low,close', ...bars(24, HOUR, false), ''].join('\n')),
      { cacheDir: null },
    );
    expect(readLines([noVolume]).notes[0]).toBe(
      'read: SOLUSDT: 1h bars, naive times read as UTC (crypto trades around the clock: no session to tell a zone by), no volume column (volume 0 on every bar; the simulation does not use volume)',
    );
    const latin1 = Buffer.from(
      [`${HEADER.replace('volume', 'volé')}`, ...bars(24, HOUR), ''].join('\n'),
      'latin1',
    );
    const path = write('ETHUSDT_1h.csv', latin1);
    const unnamed = await loadBars(path, { cacheDir: null });
    expect(unnamed.series.volume[0]).toBe(0);
    expect(readLines([unnamed]).notes[0]).toContain(
      'no volume column (volume 0 on every bar; the simulation does not use volume; columns not used: volé)',
    );
    // The name as shown is the name --columns takes.
    const named = await loadBars(path, {
      cacheDir: null,
      layout: { columns: { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volé' } },
    });
    expect(named.series.volume[0]).toBe(100);
    expect(named.read?.volumeColumn).toBe('volé');
  });

  it('simulate prints the read lines, and the bar length warning with --quiet too', () => {
    const path = write('SOLUSDT_1h.csv', [HEADER, ...bars(600, 5 * 60_000), ''].join('\n'));
    const loud = runCli(['simulate', '--data', path, '--no-cache']);
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toContain('read: SOLUSDT: 5m bars, naive times read as UTC');
    const quiet = runCli(['simulate', '--data', path, '--no-cache', '--quiet']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('read: ');
    expect(quiet.stderr).toContain('holds 5m bars (the usual spacing of its bars), but its name says 1h');
  });
});
