/**
 * The canonical store changes nothing: the real files of the crypto benchmark set and a stock file
 * (TSLA: naive times at a fixed UTC-5, converted on import) imported into a store and simulated from there
 * give exactly the bars, and so exactly the summary, equity, trades and decisions, of the originals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { loadConfig } from '../../src/io/load-config.js';
import { DataStore, importFiles, loadEntries, selectEntries } from '../../src/data/index.js';
import { loadMany, type LoadResult } from '../../src/marketdata/index.js';
import { runSimulation } from '../../src/sim/run.js';
import { ROOT } from '../support/cli.js';
import { CRYPTO_FILES, MARKETDATA, loadReal, requireMarketData } from '../support/marketdata.js';

const FILES = [...CRYPTO_FILES, 'ibkr-tsla-economiaunmsm/TSLA_1h.csv'];
const root = mkdtempSync(join(tmpdir(), 'worksteal-roundtrip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function bits(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('canonical store round trip (real data)', () => {
  it('importing the shared files and simulating from the store equals simulating the originals', async () => {
    requireMarketData();
    const originals = await loadReal(FILES);
    const store = new DataStore(join(root, 'data'));
    // The originals come from the same binary cache loadReal fills; the store files are always parsed afresh.
    const imported = await importFiles({
      store,
      files: FILES.map((f) => join(MARKETDATA, f)),
      cacheDir: join(ROOT, '.cache', 'test-bars'),
    });
    expect(imported.map((i) => i.key)).toEqual([
      'import/ETHUSDT_1h.csv',
      'import/SOLUSDT_1h.csv',
      'import/LTCUSDT_1h.csv',
      'import/UNIUSDT_1h.csv',
      'import/AVAXUSDT_1h.csv',
      'import/LINKUSDT_1h.csv',
      'import/TSLA_1h.csv',
    ]);
    const { entries } = selectEntries(await store.read());
    const fromStore = await loadEntries(store, entries, { cacheDir: null });
    const bySymbol = new Map(fromStore.map((l) => [l.series.symbol, l]));
    const same: LoadResult[] = originals.map((o) => bySymbol.get(o.series.symbol) as LoadResult);

    for (const [i, o] of originals.entries()) {
      const s = same[i] as LoadResult;
      expect(s.series.symbol).toBe(o.series.symbol);
      expect(s.series.assetClass).toBe(o.series.assetClass);
      expect(s.series.intervalMs).toBe(o.series.intervalMs);
      for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(bits(s.series[k]).equals(bits(o.series[k])), `${o.series.symbol} ${k}`).toBe(true);
      }
      expect(s.report.gaps).toEqual(o.report.gaps);
      const entry = imported[i]?.entry;
      expect(entry?.rows).toBe(o.report.bars);
      expect(entry?.gaps).toBe(o.report.gapCount);
      expect(entry?.origin?.sha256).toBe(o.series.source.sha256);
    }

    // The store files also load by plain inference (e.g. `simulate --data ./data`), to the same symbols.
    const inferred = await loadMany(
      entries.map((e) => store.pathOf(e.file)),
      { cacheDir: null },
    );
    expect(inferred.map((l) => [l.series.symbol, l.series.assetClass]).sort()).toEqual(
      originals.map((l) => [l.series.symbol, l.series.assetClass]).sort(),
    );

    const { config } = await loadConfig({ env: {} });
    const window = { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2023-07-01T00:00:00Z') };
    const a = runSimulation({ loaded: originals, config, calendar: nyseCalendar(), ...window }).result;
    const b = runSimulation({ loaded: same, config, calendar: nyseCalendar(), ...window }).result;
    expect(a.trades.length).toBeGreaterThan(50);
    expect(a.summary.steals).toBeGreaterThan(0);
    expect(b.summary).toEqual(a.summary);
    expect(b.equity).toEqual(a.equity);
    expect(b.trades).toEqual(a.trades);
    expect(b.decisions).toEqual(a.decisions);
    expect(b.range).toEqual(a.range);
  });
});
