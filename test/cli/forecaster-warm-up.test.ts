import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forecasterWarmUpWarnings } from '../../src/cli/forecaster-warnings.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { runCli } from '../support/cli.js';

/**
 * A run in which the built-in forecaster can give no signal (too little history before the run's end) says
 * so, naming the symbol and what it needs, instead of printing a summary of nothing as if it were a result.
 */
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const cfg = resolveConfig({}).config.sim.forecaster; // horizon 24, lookback 720: 384 bars
const series = (symbol: string, bars: number) => ({
  symbol,
  intervalMs: HOUR,
  time: Float64Array.from({ length: bars }, (_, i) => T0 + i * HOUR),
});

describe('the forecaster warm-up warning', () => {
  it('names a symbol with fewer bars than the forecaster needs, and only that one', () => {
    const w = forecasterWarmUpWarnings([series('SHORTUSD', 300), series('LONGUSD', 1_000)], cfg, undefined);
    expect(w).toEqual([
      'warning: SHORTUSD: the built-in forecaster gives no signal before 384 bars of history (sim.forecaster.horizonBars 24 + max(10, lookbackBars 720 / 2)) and it has 300, so SHORTUSD cannot trade in this run; give more history before the range (or a later --to), shorter sim.forecaster.lookbackBars, or --signals',
    ]);
  });

  it('names one whose first signal closes at or after the run’s end, with the time', () => {
    // Bar 384 (index 383) closes at T0 + 384 h = 2024-01-17T00:00Z.
    const firstSignal = T0 + 384 * HOUR;
    expect(forecasterWarmUpWarnings([series('XUSD', 1_000)], cfg, firstSignal)[0]).toContain(
      "bar 384 of it closes 2024-01-17T00:00:00Z, at or after the run's end",
    );
    expect(forecasterWarmUpWarnings([series('XUSD', 1_000)], cfg, firstSignal + 1)).toEqual([]);
    // Exactly enough bars, the data's end right after the first signal's close: it can trade.
    expect(forecasterWarmUpWarnings([series('XUSD', 385)], cfg, undefined)).toEqual([]);
    expect(forecasterWarmUpWarnings([series('XUSD', 384)], cfg, undefined)).toHaveLength(1);
  });

  it('simulate says it, even with --quiet; with --signals it does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-warmup-'));
    const file = join(dir, 'SHORTUSDT_1h.csv');
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 300; i++) {
      const t = new Date(T0 + i * HOUR).toISOString().replace('T', ' ').slice(0, 19);
      const p = 100 + Math.sin(i / 5);
      rows.push(`${t},${p},${p + 1},${p - 1},${p + 0.5},10`);
    }
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = runCli(['simulate', '--data', file, '--no-cache', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: SHORTUSDT: the built-in forecaster gives no signal before 384 bars');
    const signals = join(dir, 'signals.csv');
    writeFileSync(
      signals,
      'time,symbol,side,entry,take_profit,expected_pnl,valid_until\n2024-01-05T00:00:00Z,SHORTUSDT,buy,99,101,1,2024-01-06T00:00:00Z\n',
    );
    const withSignals = runCli(['simulate', '--data', file, '--no-cache', '--quiet', '--signals', signals]);
    expect(withSignals.code).toBe(0);
    expect(withSignals.stderr).not.toContain('built-in forecaster');
  });
});
