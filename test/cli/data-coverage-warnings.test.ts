/**
 * A symbol with no bars in a simulation's range takes no part in it, and one whose data ends or starts
 * partway through trades in part of it only: both are said (even with --quiet), with the symbol and the
 * dates, where every other data warning is said (dataQualityLines).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { dataQualityLines } from '../../src/cli/data-summary.js';
import { loadBars, type LoadResult } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** Hourly bars from `start` (UTC) for `days`; `stock` keeps weekdays 15:00–20:00 UTC (inside the session). */
function file(name: string, start: string, days: number, stock: boolean): string {
  const lines = ['time,open,high,low,close,volume'];
  const t0 = Date.parse(start);
  for (let t = t0; t < t0 + days * 24 * HOUR; t += HOUR) {
    const d = new Date(t);
    if (stock && ([0, 6].includes(d.getUTCDay()) || d.getUTCHours() < 15 || d.getUTCHours() > 20)) continue;
    lines.push(`${iso(t)},100,101,99,100.5,10`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const sol = file('SOLUSDT_1h.csv', '2024-01-01T00:00:00Z', 10, false); // ends 2024-01-11
const aapl = file('AAPL_1h.csv', '2024-01-01T00:00:00Z', 31, true); // weekdays to Wed 2024-01-31
const load = (path: string): Promise<LoadResult> =>
  loadBars(path, { cacheDir: null, layout: { timezone: 'UTC' } });
const at = (day: string): number => Date.parse(`${day}T00:00:00Z`);

describe('warnings about the range a simulation covers', () => {
  it('names a symbol with no bars in the range, its bars and the range', async () => {
    const loaded = [await load(sol), await load(aapl)];
    const range = { from: at('2024-01-15'), to: at('2024-02-01') };
    const { warnings } = dataQualityLines(loaded, nyseCalendar(), { range });
    expect(warnings).toEqual([
      "warning: SOLUSDT: no bars in the run's range 2024-01-15T00:00:00Z → 2024-02-01T00:00:00Z (its bars run 2024-01-01T00:00:00Z → 2024-01-11T00:00:00Z), so it takes no part in the run; leave it out with --symbols or choose a range inside its data.",
    ]);
  });

  it('names a symbol whose data ends or starts partway through, with the date', async () => {
    const loaded = [await load(sol), await load(aapl)];
    const ends = dataQualityLines(loaded, nyseCalendar(), {
      range: { from: at('2024-01-02'), to: at('2024-01-20') },
    }).warnings;
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatch(
      /^warning: SOLUSDT: its data ends 2024-01-11T00:00:00Z, partway through the run's range/,
    );
    const starts = dataQualityLines(loaded, nyseCalendar(), {
      range: { from: at('2023-12-20'), to: at('2024-01-10') },
    }).warnings;
    expect(starts).toHaveLength(2);
    expect(starts[0]).toContain('warning: SOLUSDT: its data starts 2024-01-01T00:00:00Z, partway');
    expect(starts[1]).toContain('warning: AAPL: its data starts 2024-01-01T15:00:00Z, partway');
    // Without --from/--to the range is the data's own: SOL's ends 20 days before AAPL's.
    const own = dataQualityLines(loaded, nyseCalendar(), { range: {} }).warnings;
    expect(own).toHaveLength(1);
    expect(own[0]).toContain('SOLUSDT: its data ends 2024-01-11T00:00:00Z');
  });

  it('says nothing of a weekend, a night or a range it is not given', async () => {
    const loaded = [await load(aapl)];
    // AAPL's last bar is Wednesday's; a range to Saturday misses Thursday's and Friday's sessions, one to
    // Thursday's open misses none.
    const cut = (to: string) =>
      dataQualityLines(loaded, nyseCalendar(), { range: { from: at('2024-01-02'), to: Date.parse(to) } });
    expect(cut('2024-02-03T00:00:00Z').warnings).toHaveLength(1);
    expect(cut('2024-02-01T14:30:00Z').warnings).toEqual([]);
    // Crypto ending at 23:00 with the range ending at midnight the day after: less than a whole day.
    const solOnly = [await load(sol)];
    const near = { from: at('2024-01-01'), to: at('2024-01-11') + 23 * HOUR };
    expect(dataQualityLines(solOnly, nyseCalendar(), { range: near }).warnings).toEqual([]);
    // compare and optimize run in the symbols' common span and give no range.
    expect(dataQualityLines([await load(sol), await load(aapl)], nyseCalendar()).warnings).toEqual([]);
  });

  it('simulate says it even with --quiet', () => {
    const r = runCli([
      'simulate',
      '--data',
      sol,
      aapl,
      '--from',
      '2024-01-15',
      '--to',
      '2024-02-01',
      '--quiet',
      '--no-cache',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: SOLUSDT: no bars in the run's range 2024-01-15T00:00:00Z");
  });
});
