import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  calendarFromSessions,
  loadCalendar,
  loadConfig,
  nyseCalendar,
  resolveConfig,
  simulate,
  type BarSeries,
} from '../../src/index.js';
import { refusal } from '../support/refusal.js';

/**
 * What the CLI reads from files, a library user reads through the package root: a config file (`--config`)
 * and an exchange's own sessions (`--calendar`). simulate() checks the calendar has every method it calls,
 * naming the missing ones, instead of failing mid-run.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-library-loaders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** A stock's hourly bars from Monday 2025-01-06 13:00 UTC (08:00 New York), 40 hours, rising slowly. */
function stock(): BarSeries {
  const n = 40;
  const t0 = Date.parse('2025-01-06T13:00:00Z');
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i / 10);
  return {
    symbol: 'ACME',
    assetClass: 'stock',
    intervalMs: HOUR,
    time: Float64Array.from({ length: n }, (_, i) => t0 + i * HOUR),
    open: close.map((c) => c - 0.05),
    high: close.map((c) => c + 1),
    low: close.map((c) => c - 1),
    close,
    volume: new Float64Array(n).fill(1000),
    source: { path: 'memory', sha256: '', layout: 'inline', timezone: 'UTC' },
  };
}

describe('loadConfig', () => {
  it('resolves a YAML file as --config does, and reads the environment only when given it', async () => {
    const file = join(dir, 'cfg.yaml');
    writeFileSync(file, 'preset: original\nbufferPct: 0.07\n');
    const loaded = await loadConfig({ file });
    expect(loaded.config.bufferPct).toBe(0.07);
    expect(loaded.config).toEqual(
      resolveConfig({ preset: 'original', layers: [{ source: file, values: { bufferPct: 0.07 } }] }).config,
    );
    const withEnv = await loadConfig({ file, env: { WORKSTEAL_BUFFER_PCT: '0.09' } });
    expect(withEnv.config.bufferPct).toBe(0.09);
  });

  it('names the file and the key of a bad value', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'bufferPct: lots\n');
    const error = await loadConfig({ file }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(file);
    expect(error?.message).toContain('bufferPct');
  });
});

describe('a path that is no readable file', () => {
  it('is refused naming which of the files it is: the config file or the calendar file', async () => {
    const missing = join(dir, 'no-such.yaml');
    const headline = (load: Promise<unknown>) =>
      load.then(
        () => null,
        (e: unknown) => (e as Error).message.split('\n')[0],
      );
    expect(await headline(loadConfig({ file: missing }))).toBe(`Cannot read config file ${missing}:`);
    expect(await headline(loadConfig({ env: { WORKSTEAL_CONFIG: dir } }))).toBe(
      'Cannot use the config file named by WORKSTEAL_CONFIG:',
    );
    expect(await headline(loadCalendar(dir))).toBe(`Cannot read calendar file ${dir}:`);
  });
});

describe('your own sessions', () => {
  const oneDay = { sessions: [{ day: '2025-01-07', open: '09:30', close: '16:00' }] };

  it('calendarFromSessions and loadCalendar build the same calendar; no file is the NYSE one', async () => {
    const file = join(dir, 'sessions.json');
    writeFileSync(file, JSON.stringify(oneDay));
    const fromJson = calendarFromSessions(oneDay, 'inline');
    const fromFile = await loadCalendar(file);
    expect(fromFile.sessionFor('2025-01-07')).toEqual(fromJson.sessionFor('2025-01-07'));
    expect(fromJson.sessionFor('2025-01-06')).toBeNull(); // a day not listed is closed
    expect((await loadCalendar()).sessionFor('2025-01-06')).toEqual(nyseCalendar().sessionFor('2025-01-06'));
  });

  it('a malformed session is refused naming the file and the entry', async () => {
    const file = join(dir, 'bad-sessions.json');
    writeFileSync(file, JSON.stringify({ sessions: [{ day: '2025-01-07', open: '16:00', close: '09:30' }] }));
    const error = await loadCalendar(file).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(file);
    expect(error?.message).toContain('sessions[0]');
  });

  it('simulate() trades a stock only in the sessions the calendar has', () => {
    const { config } = resolveConfig();
    const series = stock();
    // A buy signal at every bar close, its entry at the close, valid for two bars.
    const signals = Array.from(series.close, (c, i) => ({
      time: series.time[i]!,
      symbol: 'ACME',
      side: 'buy' as const,
      entry: c,
      takeProfit: c * 1.05,
      expectedPnl: 10,
      validUntil: series.time[i]! + 2 * HOUR,
    }));
    const entryDays = (calendar: Parameters<typeof simulate>[0]['calendar']) =>
      new Set(
        simulate({ series: [series], config, calendar, signals }).trades.map((t) =>
          new Date(t.entryTime).toISOString().slice(0, 10),
        ),
      );
    expect([...entryDays(calendarFromSessions(oneDay, 'inline'))]).toEqual(['2025-01-07']);
    expect(entryDays(nyseCalendar()).has('2025-01-06')).toBe(true);
  });

  it('simulate() refuses a calendar without a method it calls, naming it', () => {
    const { config } = resolveConfig();
    const { nextOpen: _dropped, ...partial } = nyseCalendar();
    const error = refusal(() => simulate({ series: [stock()], config, calendar: partial as never }));
    expect(error.issues).toEqual([expect.objectContaining({ where: 'calendar' })]);
    expect(error.issues[0]!.message).toContain('must be a trading calendar, but has no nextOpen()');
    expect(error.issues[0]!.message).toContain('calendarFromSessions(json)');
  });
});
