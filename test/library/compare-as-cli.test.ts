/**
 * The library's compare() gives the numbers `worksteal compare --json` writes for the same data and settings:
 * two crypto symbols, three one-month windows, orders of 60% of equity so that they compete and stealing
 * happens. The CLI runs on this thread, the library on two worker threads (the pool run from source).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, loadData, resolveConfig } from '../../src/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { expectAsWritten } from '../support/compare-json.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const FILES = ['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'];
const FROM = '2023-01-01';
const TO = '2023-04-01';

describe('compare() from the library', () => {
  it('gives what `worksteal compare --json` writes, window by window and in aggregate', async () => {
    requireMarketData();
    const paths = FILES.map((f) => join(MARKETDATA, f));
    const cli = runCli([
      'compare',
      '--data',
      ...paths,
      '--from',
      FROM,
      '--to',
      TO,
      '--window',
      '1mo',
      '--set',
      'sim.orderFraction=0.6',
      '--seed',
      '5',
      '--threads',
      '0',
      '--json',
      '-',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const written = JSON.parse(cli.stdout) as Record<string, unknown>;

    const { series } = await loadData(paths, { cacheDir: join(ROOT, '.cache', 'test-bars') });
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { sim: { orderFraction: 0.6 } } }],
    });
    const progress: number[] = [];
    const out = await compare({
      series,
      // The CLI names A after the config it started from.
      a: [{ label: 'default config', config }],
      window: '1mo',
      from: Date.parse(FROM),
      to: Date.parse(TO),
      seed: 5,
      threads: 2,
      onProgress: (done, total) => progress.push(done / total),
    });
    expectAsWritten(out, written);
    // Not a comparison of nothing: three windows, steals on A's side, B never steals.
    const c = out.comparisons[0]!;
    expect(c.windows).toHaveLength(3);
    expect(c.baseline).toBe('stealing off');
    expect(c.aggregate.steals.a).toBeGreaterThan(0);
    expect(c.aggregate.steals.b).toBe(0);
    expect(progress).toHaveLength(out.simulations);
    expect(progress.at(-1)).toBe(1);
  }, 120_000);
});
