/**
 * The zone of naive stock times is never guessed weakly or silently: New York local files with pre- and
 * after-market bars are read in New York (they were read as UTC, every bar 4–5 h early), a European file
 * whose clock changes for summer time is read in its zone (it was read as a fixed +02:00, winter bars an hour
 * early), a file no zone fits is refused naming the fits seen, and the zone used is said on every run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadBars } from '../../src/marketdata/index.js';
import { readLines } from '../../src/marketdata/read-notes.js';
import { localToUtc, parseZone } from '../../src/marketdata/timezone.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-zones-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
function write(name: string, lines: string[]): string {
  const sub = join(dir, String(serial++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${lines.join('\n')}\n`);
  return path;
}

const NY = parseZone('America/New_York')!;
const HOURS = ['09:30', '10:30', '11:30', '12:30', '13:30', '14:30', '15:30'];
const EXTENDED = Array.from({ length: 16 }, (_, i) => `${String(4 + i).padStart(2, '0')}:00`);

/** The UTC instant of a New York wall time on a day ('2023-01-03', '09:30'). */
const nyInstant = (day: string, hm: string): number => localToUtc(NY, Date.parse(`${day}T${hm}:00Z`));

/** `YYYY-MM-DD HH:MM:SS` of an instant on the clocks of `zone`. */
function wall(zone: string, t: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(
    t,
  );
}

/** Bars at the given New York times on every weekday in [from, to), written on the clocks of `zone`. */
function sessionFile(name: string, zone: string, from: string, to: string, hours = HOURS): string {
  const lines: string[] = [];
  for (let d = Date.parse(from); d < Date.parse(to); d += 86_400_000) {
    const weekday = new Date(d).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const day = new Date(d).toISOString().slice(0, 10);
    for (const hm of hours) lines.push(`${wall(zone, nyInstant(day, hm))},10,11,9,10.5,100`);
  }
  return write(name, lines);
}

async function refusal(path: string): Promise<DataError> {
  const err = await loadBars(path, { cacheDir: null }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('naive stock times: the zone', () => {
  it('New York local bars with pre- and after-market hours are read in New York, not as UTC', async () => {
    const path = sessionFile('AAPL_1h.csv', 'America/New_York', '2023-01-02', '2023-06-30', EXTENDED);
    const r = await loadBars(path, { cacheDir: null });
    expect(r.series.source.timezone).toBe('America/New_York');
    expect(r.series.source.layout).toBe(
      'header:timestamp naive-America/New_York (extended-session-fit 100%) asc',
    );
    // 2023-01-03 04:00 EST = 09:00Z; 2023-06-01 04:00 EDT = 08:00Z.
    expect(r.series.time[16]).toBe(Date.UTC(2023, 0, 3, 9));
    expect(Array.from(r.series.time)).toContain(Date.UTC(2023, 5, 1, 8));
    expect(r.read?.zone).toMatchObject({ name: 'America/New_York', how: 'detected' });
  });

  it('a Central European file with summer time is read in its zone, not as a fixed +02:00', async () => {
    const path = sessionFile('SPY_1h.csv', 'Europe/Berlin', '2023-01-02', '2023-12-30');
    const r = await loadBars(path, { cacheDir: null });
    expect(r.series.source.timezone).toBe('Europe/Berlin');
    // Winter: 15:30 in Berlin is 14:30Z, the 09:30 EST open (read as +02:00 it was 13:30Z, an hour early).
    expect(r.series.time[0]).toBe(Date.UTC(2023, 0, 2, 14, 30));
  });

  it('a clock that changes for summer time on dates no zone tried has is refused, not read as a fixed offset', async () => {
    // São Paulo kept summer time (-02:00) from November to February until 2019.
    const path = sessionFile('SPY_1h.csv', 'America/Sao_Paulo', '2017-01-02', '2018-12-30');
    const err = await refusal(path);
    expect(err.message).toContain('cannot tell which timezone the naive (offset-less) times are in');
    expect(err.message).toContain('read as -03:00, 95% of bars in the New York regular session');
    expect(err.message).toContain('whole days of bars fit only an hour away (at -02:00)');
    expect(err.message).toContain('--timezone ZONE');
  });

  it('bars no zone fits are refused, naming the fits seen', async () => {
    const around = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
    const lines: string[] = [];
    for (let d = 2; d < 28; d++)
      for (const hm of around) lines.push(`2023-02-${String(d).padStart(2, '0')} ${hm}:00,10,11,9,10.5,1`);
    const err = await refusal(write('AAPL_1h.csv', lines));
    expect(err.message).toMatch(
      /no zone tried puts 90% of bars in the New York regular session 09:30–16:00 \(best: [^)]+ 2\d%, .*\) or, alone, all of them in the extended session 04:00–20:00 \(best: [^)]+ 6\d%/,
    );
    expect(err.message).toContain('Pass the zone the file was written in: --timezone ZONE');
    // Given the zone, the same file loads.
    const r = await loadBars(err.file, { cacheDir: null, layout: { timezone: 'America/New_York' } });
    expect(r.read?.zone).toMatchObject({ name: 'America/New_York', how: 'given' });
  });

  it('a fixed offset still wins where it fits best (IBKR at UTC-5 all year), and the run says so', async () => {
    const lines: string[] = [];
    for (let d = Date.parse('2023-01-02'); d < Date.parse('2023-12-30'); d += 86_400_000) {
      if ([0, 6].includes(new Date(d).getUTCDay())) continue;
      const day = new Date(d).toISOString().slice(0, 10);
      for (const hm of HOURS) lines.push(`${wall('America/Lima', nyInstant(day, hm))},10,11,9,10.5,1`);
    }
    const r = await loadBars(write('TSLA_1h.csv', lines), { cacheDir: null });
    expect(r.series.source.timezone).toBe('-05:00');
    const { notes, warnings } = readLines([r]);
    expect(notes[0]).toMatch(
      /^read: TSLA: 1h bars, naive times read as the fixed offset -05:00 \(no daylight saving time\) \(100% of bars in the New York regular session 09:30–16:00; next best America\/Chicago \d+%/,
    );
    expect(warnings).toEqual([]);
  });

  it('a zone assumed for lack of days is a warning (said with --quiet too), not a silent UTC', async () => {
    const r = await loadBars(write('FEW_1h.csv', ['2024-01-02 09:30:00,1,2,0.5,1.5,10']), { cacheDir: null });
    expect(r.series.time[0]).toBe(Date.UTC(2024, 0, 2, 9, 30));
    const { notes, warnings } = readLines([r]);
    expect(notes[0]).toBe(
      'read: FEW: one bar, naive times read as UTC by assumption (only 1 day of bars, too few to tell the zone by)',
    );
    expect(warnings).toEqual([
      `warning: FEW: the naive times of ${r.series.source.path} are read as UTC by assumption (only 1 day of bars, too few to tell the zone by); if the file was written in another zone its bars are hours off: pass --timezone.`,
    ]);
  });
});
