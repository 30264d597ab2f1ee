/**
 * The asset class a store's manifest records (`data import --asset-class`) is what every reader of the store
 * folder must use, not a second inference from the symbol: SOL imported as crypto is crypto, SPYUSD imported
 * as a stock is a stock. recordedClass is the lookup the loader makes per file; the `data:` line says where
 * a class came from.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataLine } from '../../src/cli/data-summary.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import { recordedClass } from '../../src/marketdata/recorded-class.js';
import { loadBars, loadMany } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-store-class-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOUR = 3_600_000;
function hourly(name: string, n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString().replace('.000Z', 'Z');
    return `${t},10,11,9,${10 + i / 100},5`;
  });
  const path = join(root, name);
  writeFileSync(path, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}

describe('the asset class recorded in a store', () => {
  it('is found for a store file, whichever way inference would go, and follows a re-import', async () => {
    const store = new DataStore(join(root, 'st'));
    const sol = hourly('SOL.csv', 48);
    const spy = hourly('SPYUSD.csv', 48);
    const [a] = await importFiles({ store, files: [sol], assetClass: 'crypto', cacheDir: null });
    const [b] = await importFiles({ store, files: [spy], assetClass: 'stock', cacheDir: null });
    expect(recordedClass(a!.path)).toEqual({
      assetClass: 'crypto',
      symbol: 'SOL',
      manifest: join(store.dir, 'manifest.json'),
    });
    expect(recordedClass(b!.path)?.assetClass).toBe('stock');

    await importFiles({ store, files: [sol], assetClass: 'stock', cacheDir: null });
    expect(recordedClass(a!.path)?.assetClass).toBe('stock');
  });

  it('is nothing for a file outside a store, a file the manifest does not list, or another tool’s manifest.json', async () => {
    expect(recordedClass(hourly('BTCUSDT_1h.csv', 3))).toBeNull();
    const store = new DataStore(join(root, 'unlisted'));
    await importFiles({ store, files: [hourly('ADAUSDT_1h.csv', 3)], cacheDir: null });
    writeFileSync(store.pathOf('import/ETHUSDT_1h.csv'), 'time,open,high,low,close,volume\n');
    expect(recordedClass(store.pathOf('import/ADAUSDT_1h.csv'))?.assetClass).toBe('crypto');
    expect(recordedClass(store.pathOf('import/ETHUSDT_1h.csv'))).toBeNull();
    const web = join(root, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'manifest.json'), '{"name":"app","files":{"assets/SOL.csv":{}}}');
    expect(recordedClass(join(web, 'assets', 'SOL.csv'))).toBeNull();
    writeFileSync(join(web, 'manifest.json'), 'not json');
    expect(recordedClass(join(web, 'assets', 'SOL.csv'))).toBeNull();
  });

  it('the data: line says a class came from the store, and says "inferred" only when it was', async () => {
    const store = new DataStore(join(root, 'line'));
    const [done] = await importFiles({
      store,
      files: [hourly('SOL.csv', 48)],
      assetClass: 'crypto',
      cacheDir: null,
    });
    const asRecorded = await loadBars(done!.path, { assetClass: 'crypto', cacheDir: null });
    expect(dataLine([asRecorded], {})).toBe("data: SOL (crypto, as the store's manifest records, 48 bars)");
    expect(dataLine([asRecorded], { SOL: { assetClass: 'crypto' } })).toBe('data: SOL (crypto, 48 bars)');
    const guessed = await loadBars(done!.path, { assetClass: 'stock', cacheDir: null });
    expect(dataLine([guessed], {})).toBe('data: SOL (stock, inferred, 48 bars)');
  });

  it('is the class the loader gives a store file, unless the caller or the config names one', async () => {
    const store = new DataStore(join(root, 'loader'));
    const [sol] = await importFiles({
      store,
      files: [hourly('SOL.csv', 48)],
      assetClass: 'crypto',
      cacheDir: null,
    });
    const [spy] = await importFiles({
      store,
      files: [hourly('SPYUSD.csv', 48)],
      assetClass: 'stock',
      cacheDir: null,
    });
    expect((await loadBars(sol!.path, { cacheDir: null })).series.assetClass).toBe('crypto');
    expect((await loadBars(spy!.path, { cacheDir: null })).series.assetClass).toBe('stock');
    // A file outside a store is still inferred from its symbol: SOL alone reads as a stock.
    expect((await loadBars(hourly('SOL.csv', 48), { cacheDir: null })).series.assetClass).toBe('stock');
    const [viaConfig] = await loadMany([sol!.path], {
      symbols: { SOL: { assetClass: 'stock' } },
      cacheDir: null,
    });
    expect(viaConfig!.series.assetClass).toBe('stock');
    expect((await loadBars(sol!.path, { assetClass: 'stock', cacheDir: null })).series.assetClass).toBe(
      'stock',
    );
  });

  it('simulate --data on the store trades what data import --asset-class recorded', () => {
    const dir = join(root, 'cli');
    mkdirSync(dir);
    const imported = runCli([
      'data',
      'import',
      hourly('SOL.csv', 100),
      '--dir',
      dir,
      '--asset-class',
      'crypto',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const sim = runCli(['simulate', '--data', dir, '--no-cache', '--json', '-', '--quiet']);
    expect(sim.code, sim.stderr).toBe(0);
    const out = JSON.parse(sim.stdout) as { data: { symbol: string; assetClass: string }[] };
    expect(out.data.map((d) => [d.symbol, d.assetClass])).toEqual([['SOL', 'crypto']]);
  }, 120_000);
});
