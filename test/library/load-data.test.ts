/**
 * loadData from the package: a data folder read as the CLI's `--data` reads it (one series per symbol, the
 * finest file of a symbol kept and the other named in a note), ready for simulate; its options checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataError,
  ValidationError,
  loadData,
  nyseCalendar,
  resolveConfig,
  simulate,
} from '../../src/index.js';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-load-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` bars every `stepMs` from 2023-01-01, a gentle wave around `base`. */
function writeBars(name: string, count: number, stepMs: number, base: number): void {
  const rows = Array.from({ length: count }, (_, i) => {
    const mid = base * (1 + 0.02 * Math.sin(i / 5));
    const t = new Date(Date.UTC(2023, 0, 1) + i * stepMs).toISOString();
    return `${t},${mid},${mid * 1.005},${mid * 0.995},${mid * 1.001},100`;
  });
  writeFileSync(join(dir, name), ['timestamp,open,high,low,close,volume', ...rows, ''].join('\n'));
}
writeBars('BTCUSDT_1h.csv', 24 * 10, HOUR, 20_000);
writeBars('ETHUSDT_1h.csv', 24 * 10, HOUR, 1_500);
writeBars('ETHUSDT_1d.csv', 10, 24 * HOUR, 1_500);

describe('loadData', () => {
  it('loads a folder as one series per symbol, noting the file left out, and the series simulate', async () => {
    const data = await loadData([dir], { cacheDir: null });
    expect(data.series.map((s) => [s.symbol, s.assetClass, s.time.length])).toEqual([
      ['BTCUSDT', 'crypto', 240],
      ['ETHUSDT', 'crypto', 240],
    ]);
    expect(data.loaded.map((r) => r.series)).toEqual(data.series);
    expect(data.notes).toHaveLength(1);
    expect(data.notes[0]).toContain('ETHUSDT_1d.csv');
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { sim: { forecaster: { lookbackBars: 48 } } } }],
    });
    const out = simulate({ series: data.series, config, calendar: nyseCalendar() });
    expect(out.equity.length).toBeGreaterThan(0);
  });

  it('keeps only the symbols asked for; an unknown one is named as the option it came in', async () => {
    const data = await loadData([dir], { cacheDir: null, only: ['ETHUSDT'] });
    expect(data.series.map((s) => s.symbol)).toEqual(['ETHUSDT']);
    const unknown = await loadData([dir], { cacheDir: null, only: ['SOLUSDT'] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DataError);
    expect((unknown as Error).message).toContain('options.only: SOLUSDT not in the data');
    expect((unknown as Error).message).not.toContain('--symbols');
  });

  it('refuses an unknown or mistyped option by name, and a path that is not there with a DataError', async () => {
    const refused = await loadData([dir], { symbol: 'X' } as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.where)).toEqual(['options.symbol']);
    const only = await loadData([dir], { only: 'ETHUSDT' } as never).catch((e: unknown) => e);
    expect((only as ValidationError).issues[0]!.message).toMatch(/array of symbols/);
    await expect(loadData([join(dir, 'nope')])).rejects.toBeInstanceOf(DataError);
  });
});
