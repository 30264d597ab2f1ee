/**
 * One market under two spellings (ccxt-binance/BTC-USDT_1h.csv gives BTC/USDT, import/BTCUSDT_1h.csv gives
 * BTCUSDT, byte for byte the same bars) was simulated as two symbols without a word: each with its own
 * orders and margin, stealing from itself. It is refused like two files of one symbol, naming both files and
 * how to pick one; `data import` and `data list` warn about it in the store first.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles, readManifest, sameMarket, selectEntries } from '../../src/data/index.js';
import { DataError, expandDataArgs, loadMany } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-two-spellings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('one market under two spellings', () => {
  const store = join(root, 'store2');
  const ccxt = hourlyFile(join(store, 'ccxt-binance', 'BTC-USDT_1h.csv'), 48);
  const dump = join(store, 'import', 'BTCUSDT_1h.csv');
  mkdirSync(join(store, 'import'), { recursive: true });
  copyFileSync(ccxt, dump);

  it('is refused when a folder gives both at one bar length, naming both files and --symbols', async () => {
    const error = await loadMany(await expandDataArgs([store]), { cacheDir: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    const message = (error as DataError).message;
    expect(message).toContain(`${dump}: gives BTCUSDT, the same market as BTC/USDT in ${ccxt}`);
    expect(message).toContain('--symbols BTC/USDT (or --symbols BTCUSDT)');
    const one = await loadMany(await expandDataArgs([store]), { cacheDir: null, only: ['BTC/USDT'] });
    expect(one.map((l) => l.series.source.path)).toEqual([ccxt]);
  });

  it('at different bar lengths the finer is used and the other named, as for one spelling', async () => {
    const daily = join(root, 'mixed');
    const hourly = hourlyFile(join(daily, 'BTC-USDT_1h.csv'), 48);
    const rows = Array.from({ length: 5 }, (_, i) => `2024-01-0${i + 1},10,11,9,10,5`);
    const d = join(daily, 'BTCUSDT_1d.csv');
    hourlyFile(d, 0, { extra: rows });
    const notes: string[] = [];
    const loaded = await loadMany([d, hourly], { cacheDir: null, onNote: (n) => notes.push(n) });
    expect(loaded.map((l) => l.series.source.path)).toEqual([hourly]);
    expect(notes[0]).toContain(`leaving out ${d} (1d)`);
  });

  it('the store says so at import and in data list, and start uses one of them', async () => {
    const dir = join(root, 'flow');
    const s = new DataStore(dir);
    await importFiles({
      store: s,
      files: [ccxt],
      source: 'ccxt-binance',
      symbol: 'BTC/USDT',
      cacheDir: null,
    });
    const [second] = await importFiles({ store: s, files: [dump], cacheDir: null });
    expect(second!.warnings).toEqual([
      `BTC/USDT in ccxt-binance/BTC-USDT_1h.csv and BTCUSDT in import/BTCUSDT_1h.csv are one market at 1h: \`worksteal simulate --data ${dir}\` refuses to trade it twice. Simulate one file with \`worksteal simulate --data ${dir} --symbols BTC/USDT\` or \`worksteal simulate --data ${dir} --symbols BTCUSDT\`, or keep one file: delete the other and its entry in ${join(dir, 'manifest.json')}.`,
    ]);
    const manifest = await readManifest(dir);
    expect(sameMarket(manifest).map((g) => g.map((e) => e.file))).toEqual([
      ['ccxt-binance/BTC-USDT_1h.csv', 'import/BTCUSDT_1h.csv'],
    ]);
    const { entries, shadowed } = selectEntries(manifest);
    expect(entries.map((e) => e.file)).toEqual(['ccxt-binance/BTC-USDT_1h.csv']);
    expect(shadowed.map((e) => e.file)).toEqual(['import/BTCUSDT_1h.csv']);

    const list = runCli(['data', 'list', '--dir', dir]);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain(
      'warning: BTC/USDT in ccxt-binance/BTC-USDT_1h.csv and BTCUSDT in import/BTCUSDT_1h.csv are one market at 1h',
    );
  });
});
