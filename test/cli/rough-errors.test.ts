/**
 * Errors and warnings that name what the user gave: a scenario's unknown preset names the file and its
 * `preset` key (not a --preset flag nobody typed); a replay --from past the data without --to names --from
 * (not the defaulted --to); a replay window before the forecaster's warm-up warns, at the start and when it
 * ends with 0 decisions, instead of exiting 0 in silence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayWindow } from '../../src/cli/replay-input.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-rough-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

describe('explain: a scenario with an unknown preset', () => {
  it('names the scenario file and its preset key, exit 2', () => {
    const scenario = join(dir, 'bad-preset.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        now: '2025-01-15T15:00:00Z',
        preset: 'foo',
        account: { equity: 10_000, patternDayTrader: false },
        positions: [],
        openOrders: [],
        request: {
          symbol: 'NVDA',
          assetClass: 'stock',
          side: 'buy',
          limitPrice: 140,
          qty: 30,
          price: 140.3,
          forecastPnl: 6,
        },
      }),
    );
    const r = runCli(['explain', '--scenario', scenario]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${scenario} preset: must be one of default, original (got "foo")`);
    expect(r.stderr).not.toContain('--preset');
  });
});

describe('replay window', () => {
  const series = {
    symbol: 'X',
    intervalMs: HOUR,
    time: Array.from({ length: 24 * 30 }, (_, i) => T0 + i * HOUR),
  } as unknown as BarSeries;
  const { config } = resolveConfig({});

  it('--from after the data without --to names --from and the data end, not a --to nobody gave', () => {
    expect(() => replayWindow([series], config, { from: '2030-01-01' })).toThrow(
      '--from 2030-01-01T00:00:00.000Z is after the end of the data (2024-01-31T00:00:00.000Z); give a --from before it',
    );
  });

  it('reports when the forecaster can first give a signal, and starts by default once its window is full', () => {
    const f = config.sim.forecaster;
    const w = replayWindow([series], config, { from: '2024-01-02' });
    // The default forecaster (horizon 24, lookback 720): the close of bar 24 + 360 − 1, 2024-01-17.
    expect(w.firstSignals).toBe(T0 + (f.horizonBars + f.lookbackBars / 2) * HOUR);
    expect(new Date(w.firstSignals).toISOString()).toBe('2024-01-17T00:00:00.000Z');
    // A window after it is not one the forecaster has no signals for (run warns only before it).
    expect(replayWindow([series], config, { from: '2024-01-20' }).firstSignals).toBeLessThan(
      Date.parse('2024-01-20'),
    );
    // Two series: the first signals come from the one that starts first (its polls can decide).
    const later = {
      ...series,
      symbol: 'Y',
      time: Array.from({ length: 24 * 30 }, (_, i) => T0 + 24 * HOUR + i * HOUR),
    } as unknown as BarSeries;
    expect(replayWindow([later, series], config, { from: '2024-01-02' }).firstSignals).toBe(w.firstSignals);
    // Without --from: once the whole window of history (lookback and horizon) is behind the poll.
    const longer = {
      ...series,
      time: Array.from({ length: 24 * 40 }, (_, i) => T0 + i * HOUR),
    } as unknown as BarSeries;
    const full = f.lookbackBars + f.horizonBars + 1;
    expect(replayWindow([longer], config, {}).from).toBe(T0 + full * HOUR + HOUR);
  });
});

describe('run: a replay before the forecaster has warmed up', () => {
  it('warns at the start and again when it ends with 0 decisions', () => {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 24 * 10; i++) {
      const t = new Date(T0 + i * HOUR).toISOString().replace('.000Z', 'Z');
      lines.push(`${t},100,101,99,100.5,10`);
    }
    const bars = join(dir, 'SOLUSDT_1h.csv');
    writeFileSync(bars, `${lines.join('\n')}\n`);
    const r = runCli([
      'run',
      '--broker',
      'replay',
      '--data',
      bars,
      '--from',
      '2024-01-02',
      '--to',
      '2024-01-03',
      '--speed',
      '1000000000',
      '--no-http',
      '--no-cache',
      '--db',
      join(dir, 'state.sqlite'),
    ]);
    expect(r.code).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(
      /forecaster-not-warmed-up.*the whole window is before it, so this replay will make no decisions/,
    );
    expect(out).toMatch(/no-decisions.*Pass --from 2024-01-11T00:00:00\.000Z or later/);
  });
});
