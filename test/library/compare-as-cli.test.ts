/**
 * The library's compare() gives the numbers `worksteal compare --json` writes for the same data and settings:
 * two crypto symbols, three one-month windows, orders of 60% of equity so that they compete and stealing
 * happens. The CLI runs on this thread, the library on two worker threads (the pool run from source).
 */
import { describe, expect, it } from 'vitest';
import { compare, loadData } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { expectAsWritten } from '../support/compare-json.js';
import { requireMarketData } from '../support/marketdata.js';
import { caseConfig, compareCliArgs, TEST_BAR_CACHE, twoCryptoPaths } from '../support/two-crypto-compare.js';

const FROM = '2023-01-01';
const TO = '2023-04-01';

describe('compare() from the library', () => {
  it('gives what `worksteal compare --json` writes, window by window and in aggregate', async () => {
    requireMarketData();
    const cli = runCli(compareCliArgs(FROM, TO, '--json', '-'));
    expect(cli.code, cli.stderr).toBe(0);
    const written = JSON.parse(cli.stdout) as Record<string, unknown>;

    const { series } = await loadData(twoCryptoPaths(), { cacheDir: TEST_BAR_CACHE });
    const config = caseConfig();
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
