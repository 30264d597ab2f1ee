/**
 * `data import` of a file with a single bar: the timeframe of a stored file comes from the spacing of its
 * bars, and one bar has none, so it was stored as `SOLUSDT_0.csv` (timeframe "0"). Its name's bar length is
 * now the timeframe (SOLUSDT_1h.csv → 1h); a name without one is refused, saying how to give it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles } from '../../src/data/index.js';
import { runCli } from '../support/cli.js';
import { barFileWriter } from '../support/bar-files.js';

const write = barFileWriter('worksteal-import-one-bar-');
const root = mkdtempSync(join(tmpdir(), 'worksteal-import-one-bar-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HEADER = 'timestamp,open,high,low,close,volume';
const ROW = '2024-01-02 14:00:00,10,11,9,10.5,100';
let stores = 0;
const newStore = (): DataStore => new DataStore(join(root, `store${stores++}`));

/** Every file under the store's import folder. */
const stored = (store: DataStore): string[] =>
  existsSync(join(store.dir, 'import')) ? readdirSync(join(store.dir, 'import')).sort() : [];

describe('data import of a single bar', () => {
  it('takes the bar length from the file name: SOLUSDT_1h.csv is stored as SOLUSDT_1h.csv, never _0', async () => {
    const store = newStore();
    const [r] = await importFiles({ store, files: [write(`${HEADER}\n${ROW}\n`)], cacheDir: null });
    expect(r!.key).toBe('import/SOLUSDT_1h.csv');
    expect(r!.entry.timeframe).toBe('1h');
    expect(r!.entry.rows).toBe(1);
    expect(stored(store)).toEqual(['SOLUSDT_1h.csv']);
  });

  it('reads the name as the loader does: XBTUSD_60.csv is 1h, ETH_4h.csv 4h', async () => {
    const store = newStore();
    const files = [write(`${HEADER}\n${ROW}\n`, 'XBTUSD_60.csv'), write(`${HEADER}\n${ROW}\n`, 'ETH_4h.csv')];
    const results = await importFiles({ store, files, cacheDir: null });
    expect(results.map((r) => r.key)).toEqual(['import/XBTUSD_1h.csv', 'import/ETH_4h.csv']);
  });

  it('one bar left by --repair is named the same way', async () => {
    const store = newStore();
    const file = write(`${HEADER}\n${ROW}\n2024-01-02 15:00:00,10,11,9,x,100\n`, 'SOLUSDT_1h.csv');
    const [r] = await importFiles({ store, files: [file], repair: true, cacheDir: null });
    expect(r!.key).toBe('import/SOLUSDT_1h.csv');
    expect(r!.entry.badRows).toBe(1);
  });

  it('a name without a bar length is refused, naming the file, the bar and what to do; nothing is stored', async () => {
    const store = newStore();
    const file = write(`${HEADER}\n${ROW}\n`, 'prices.csv');
    await expect(importFiles({ store, files: [file], symbol: 'SOLUSDT', cacheDir: null })).rejects.toThrow(
      `${file}: holds one bar (2024-01-02T14:00:00Z): its bar length cannot be inferred from the spacing of its bars, and its name does not say it (as SOLUSDT_1h.csv does). Import it with at least one more bar of the same series, or name its bar length in the file name (e.g. rename it to prices_1h.csv if it is an hourly bar) and import it again.`,
    );
    expect(stored(store)).toEqual([]);
  });

  it('on the command line: the refusal exits 2 and names the file; a named file is stored under its bar length', () => {
    const dir = join(root, 'cli');
    mkdirSync(dir);
    const bad = runCli([
      'data',
      'import',
      write(`${HEADER}\n${ROW}\n`, 'prices.csv'),
      '--symbol',
      'SOLUSDT',
      '--dir',
      dir,
      '--no-cache',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('prices.csv: holds one bar (2024-01-02T14:00:00Z)');
    const good = runCli(['data', 'import', write(`${HEADER}\n${ROW}\n`), '--dir', dir, '--no-cache']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('import/SOLUSDT_1h.csv');
    expect(good.stdout).toContain('SOLUSDT (crypto) 1h: 1 bar');
    expect(readdirSync(join(dir, 'import'))).toEqual(['SOLUSDT_1h.csv']);
  });
});
