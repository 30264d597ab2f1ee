/**
 * Simulator throughput on the 6-crypto hourly benchmark set (2020-09-22 → 2025-12-02): load time cold and
 * from the binary cache, and bar-steps per second for one full run with stealing on (and off, for scale),
 * under the default configuration (victimRanking auto: expected value here) and, beside it, the seed's
 * distance rule, which keeps no fill model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyseCalendar } from '../dist/core/calendar/index.js';
import { resolveConfig } from '../dist/core/config/index.js';
import { BENCHMARK_SETS, benchmarkFiles } from '../dist/marketdata/benchmark-sets.js';
import { loadMany } from '../dist/marketdata/index.js';
import { simulate } from '../dist/sim/engine.js';

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export async function benchSim(): Promise<void> {
  const { files, missing } = benchmarkFiles('crypto');
  if (missing.length) {
    console.log(`skipped: the crypto set needs ${missing[0]} (set WORKSTEAL_DATA to the market data folder)`);
    return;
  }
  const set = BENCHMARK_SETS.crypto;
  const cacheDir = mkdtempSync(join(tmpdir(), 'worksteal-bench-cache-'));
  try {
    let t0 = process.hrtime.bigint();
    await loadMany(files, { cacheDir });
    const cold = ms(t0);
    t0 = process.hrtime.bigint();
    const loaded = await loadMany(files, { cacheDir });
    const cached = ms(t0);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const run = (stealingEnabled: boolean, victimRanking = 'auto') => {
      const { config } = resolveConfig({
        layers: [{ source: 'bench', values: { stealingEnabled, victimRanking } }],
      });
      const start = process.hrtime.bigint();
      const out = simulate({ series, config, calendar, from: Date.parse(set.from), to: Date.parse(set.to) });
      return { ms: ms(start), out };
    };
    // The first run in a fresh process pays for JIT compilation and the calendar tables: report it apart.
    const first = run(true);
    const rows: [string, string][] = [];
    rows.push(['load, cold (parse + write cache)', `${cold.toFixed(0)} ms`]);
    rows.push(['load, from the cache', `${cached.toFixed(1)} ms (${(cold / cached).toFixed(0)}x faster)`]);
    for (const [stealing, ranking] of [
      [true, 'auto'],
      [false, 'auto'],
      [true, 'distance'],
    ] as const) {
      const samples = [run(stealing, ranking), run(stealing, ranking), run(stealing, ranking)].sort(
        (a, b) => a.ms - b.ms,
      );
      const median = samples[1]!;
      const c = median.out.counters;
      rows.push([
        `simulate, stealing ${stealing ? 'on' : 'off'}${ranking === 'distance' ? ', distance rule' : ''}`,
        `${median.ms.toFixed(0)} ms · ${c.barSteps.toLocaleString('en-US')} bar-steps · ${Math.round((c.barSteps / median.ms) * 1000).toLocaleString('en-US')} bar-steps/s · ${c.steals} steals`,
      ]);
      if (stealing && ranking === 'auto') {
        const total = cached + median.ms;
        const cold = cached + first.ms;
        rows.push([
          'whole run (cached load + simulate, stealing on)',
          `${total.toFixed(0)} ms warmed, ${cold.toFixed(0)} ms as the first run of a process (goal: under 1,000 ms: ${total < 1000 ? 'met' : 'not met'} warmed, ${cold < 1000 ? 'met' : 'not met'} first run)`,
        ]);
      }
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
