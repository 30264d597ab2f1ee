import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRangeMeetsData, parseDateFlag, parseDateRange } from '../../src/cli/dates.js';
import { replayWindow } from '../../src/cli/replay-input.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

/**
 * `--from`/`--to` are UTC (their help says so): a date is its UTC midnight, a time without an offset is UTC
 * on every machine, an impossible day is refused (not rolled into the next month), and a range whose end is
 * not after its start is a usage error instead of an empty run that exits 0.
 */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('date flags', () => {
  const tz = process.env.TZ;
  beforeEach(() => {
    // A machine west of UTC: a time read in the local zone lands five hours late.
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('reads dates and zone-less times as UTC and refuses days a month does not have (model)', () => {
    const moment = fc.record({
      y: fc.integer({ min: 1971, max: 2098 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      form: fc.constantFrom('date', 'T', 'space', 'Z', 'offset'),
    });
    fc.assert(
      fc.property(moment, ({ y, m, d, h, mi, form }) => {
        const date = `${y}-${pad(m)}-${pad(d)}`;
        const time = `${pad(h)}:${pad(mi)}`;
        const text = {
          date,
          T: `${date}T${time}`,
          space: `${date} ${time}`,
          Z: `${date}T${time}:00Z`,
          offset: `${date}T${time}+02:00`,
        }[form];
        if (d > daysIn(y, m)) {
          expect(() => parseDateFlag(text, '--from'), text).toThrow(/--from "[^"]+" is not a date/);
          return;
        }
        const utc = form === 'date' ? Date.UTC(y, m - 1, d) : Date.UTC(y, m - 1, d, h, mi);
        expect(parseDateFlag(text, '--from'), text).toBe(form === 'offset' ? utc - 2 * 3_600_000 : utc);
      }),
      { seed: 77, numRuns: 500 },
    );
  });

  it('refuses what Date.parse would guess at: a bare number, month names, text', () => {
    for (const raw of ['1', '2024', 'Jan 5 2024', '5/1/2024', 'yesterday', '', '2024-1-5']) {
      expect(() => parseDateFlag(raw, '--to'), raw).toThrow(/--to ".*" is not a date/);
    }
  });

  it('a time of day that does not exist is named as such (the message spoke of the day alone)', () => {
    for (const raw of ['2024-01-01T25:00', '2024-01-01 12:61']) {
      expect(() => parseDateFlag(raw, '--from'), raw).toThrow(
        `--from ${JSON.stringify(raw)} is not a date or time (YYYY-MM-DD, a real day; then optionally THH:MM[:SS], a real time of day`,
      );
    }
  });

  it('refuses a range whose end is not after its start, naming both', () => {
    expect(() => parseDateRange('2024-01-01', '2023-01-01')).toThrow(
      '--from 2024-01-01T00:00:00Z is not before --to 2023-01-01T00:00:00Z',
    );
    expect(() => parseDateRange('2024-01-01', '2024-01-01')).toThrow(/range is empty/);
    expect(parseDateRange('2024-01-01', '2024-01-02')).toEqual({
      from: Date.UTC(2024, 0, 1),
      to: Date.UTC(2024, 0, 2),
    });
  });

  it('replays (run/serve --broker replay) from the same UTC time', () => {
    const hour = 3_600_000;
    const t0 = Date.UTC(2024, 0, 1);
    const series = {
      symbol: 'X',
      intervalMs: hour,
      time: Array.from({ length: 24 * 30 }, (_, i) => t0 + i * hour),
    } as unknown as BarSeries;
    const { config } = resolveConfig({});
    const w = replayWindow([series], config, { from: '2024-01-20T06:00', to: '2024-01-21' });
    expect(w).toMatchObject({ from: Date.UTC(2024, 0, 20, 6), to: Date.UTC(2024, 0, 21) });
  });
});

describe('simulate with a window that holds nothing', () => {
  const sol = (): string => join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv');

  it('refuses --from after --to (exit 2) instead of reporting 0 trades and exit 0', () => {
    requireMarketData();
    const r = runCli(['simulate', '--data', sol(), '--from', '2024-01-01', '--to', '2023-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from 2024-01-01T00:00:00Z is not before --to 2023-01-01T00:00:00Z');
    expect(r.stdout).toBe('');
  });

  it('refuses a window after the data, naming the data span', () => {
    requireMarketData();
    const r = runCli(['simulate', '--data', sol(), '--from', '2030-01-01', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--from 2030-01-01T00:00:00Z is at or after the data's end \(the data runs 2020-08-11T06:00:00Z → /,
    );
    const before = runCli(['simulate', '--data', sol(), '--to', '2019-01-01', '--quiet']);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/--to 2019-01-01T00:00:00Z is at or before the data's start/);
  });

  it('refuses a window inside the data that no bar opens in, naming the bars on either side', () => {
    requireMarketData();
    const r = runCli([
      'simulate',
      '--data',
      sol(),
      '--from',
      '2021-09-01T00:10',
      '--to',
      '2021-09-01T00:50',
      '--quiet',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--from 2021-09-01T00:10:00Z → --to 2021-09-01T00:50:00Z holds no bar: no bar of the data opens in it (the last one before it opens 2021-09-01T00:00:00Z, the next opens 2021-09-01T01:00:00Z); widen the range',
    );
    expect(r.stdout).toBe('');
  });

  it('property: a range is refused exactly when no bar of any series opens in [from, to)', () => {
    const hour = 3_600_000;
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: -10, max: 210 }),
        fc.integer({ min: 1, max: 50 }),
        (hours, start, length) => {
          const series = hours.map((h) => ({
            time: Float64Array.from(
              [...h].sort((a, b) => a - b),
              (x) => x * hour,
            ),
            intervalMs: hour,
          }));
          const from = start * hour + 1;
          const to = from + length * hour - 1;
          const opens = hours.some((h) => h.some((x) => x * hour >= from && x * hour < to));
          const first = Math.min(...hours.flat()) * hour;
          const end = Math.max(...hours.flat()) * hour + hour;
          // Wholly before or after the data: refused by the earlier checks, also with a message.
          const outside = from >= end || to <= first;
          const call = (): void => checkRangeMeetsData(from, to, series);
          if (opens) expect(call).not.toThrow();
          else expect(call).toThrow(outside ? /data's (start|end)/ : /holds no bar/);
        },
      ),
      { seed: 20261206, numRuns: 300 },
    );
  });
});
