/**
 * The store when it is not what it should be: a data folder (or its import/ folder) that is a file crashed
 * with `internal error: EEXIST … mkdir` and a stack trace; `data list` on a store with one changed file that
 * no longer loads printed only that file's error (no table, a deleted file not flagged); `data list` on a
 * folder of plain CSV files said it held no market data.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, StoreError, importFiles } from '../../src/data/index.js';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-store-refusals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const fresh = (): string => mkdtempSync(join(root, `${serial++}-`));

describe('a data folder that is a file', () => {
  it('is refused before anything is written: the folder itself, its import/ folder, a path under a file', async () => {
    const dir = fresh();
    const src = hourlyFile(join(dir, 'src', 'SOLUSDT_1h.csv'), 10);
    const file = join(dir, 'base.csv');
    writeFileSync(file, 'not a folder\n');
    // The default folder (a typed --dir is refused before, in test/data/dir-must-exist.test.ts).
    const r = runCli(['data', 'import', src, '--no-cache'], { WORKSTEAL_DATA_DIR: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: the data folder ${file} is a file, not a folder: pass --dir a folder that exists, or move that file away. Nothing was written.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');

    const store = join(dir, 'store');
    mkdirSync(store);
    writeFileSync(join(store, 'import'), '');
    const sub = runCli(['data', 'import', src, '--dir', store, '--no-cache']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain(
      `${join(store, 'import')}, the store's folder for these files, is a file, not a folder`,
    );
    expect(sub.stderr).not.toContain('internal error');

    const under = await importFiles({
      store: new DataStore(join(file, 'data')),
      files: [src],
      cacheDir: null,
    }).catch((e: unknown) => e);
    expect(under).toBeInstanceOf(StoreError);
    expect((under as StoreError).message).toContain('lies under a file, not a folder');
  });
});

describe('data list', () => {
  it('lists every entry of a store with a broken and a missing file, flags both with what to do, exits 2', async () => {
    const dir = fresh();
    const store = new DataStore(join(dir, 'data'));
    await importFiles({
      store,
      files: [hourlyFile(join(dir, 'SOLUSDT_1h.csv'), 30), hourlyFile(join(dir, 'BTCUSDT_1h.csv'), 30)],
      cacheDir: null,
    });
    appendFileSync(store.pathOf('import/SOLUSDT_1h.csv'), '2024-01-02T06:00:00Z,1,1,1,0,1\n');
    unlinkSync(store.pathOf('import/BTCUSDT_1h.csv'));
    const r = runCli(['data', 'list', '--dir', store.dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/import\/BTCUSDT_1h\.csv \(MISSING\)\s*│ BTCUSDT/);
    expect(r.stdout).toMatch(/import\/SOLUSDT_1h\.csv \(DOES NOT LOAD\)\s*│ SOLUSDT/);
    expect(r.stderr).toContain(
      `error: import/SOLUSDT_1h.csv was changed outside worksteal and no longer loads (${store.pathOf('import/SOLUSDT_1h.csv')}:32: non-positive price 0 in column close (close). (1 problem in 31 rows.))`,
    );
    expect(r.stderr).toContain('Fix that row, import the original again with --replace');
    expect(r.stderr).toContain('error: import/BTCUSDT_1h.csv is missing');
    const json = JSON.parse(runCli(['data', 'list', '--dir', store.dir, '--json', '-']).stdout);
    expect(json.missing).toEqual(['import/BTCUSDT_1h.csv']);
    expect(json.broken.map((b: { key: string }) => b.key)).toEqual(['import/SOLUSDT_1h.csv']);

    // An import over the broken file is refused naming it; --replace replaces it and says so.
    const src = hourlyFile(join(dir, 'again', 'SOLUSDT_1h.csv'), 30);
    await expect(importFiles({ store, files: [src], cacheDir: null })).rejects.toThrow(
      /which was changed outside worksteal and no longer loads .*:32: non-positive price 0.* Pass --replace/,
    );
    const [replaced] = await importFiles({ store, files: [src], cacheDir: null, replace: true });
    expect(replaced!.damaged).toContain(':32: non-positive price 0');
    expect(replaced!.changes).toBeNull();
  });

  it('says a folder of plain CSV files is not a store and what to run; an empty folder holds no data yet', () => {
    const dir = fresh();
    hourlyFile(join(dir, 'plain', 'SOLUSDT_1h.csv'), 3);
    const r = runCli(['data', 'list', '--dir', join(dir, 'plain')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, 'plain')} is not a worksteal data store (it has no manifest.json)`,
    );
    expect(r.stderr).toContain(`worksteal simulate --data ${join(dir, 'plain')}`);
    expect(r.stderr).toContain(`worksteal data import ${join(dir, 'plain')}`);
    mkdirSync(join(dir, 'empty'));
    const empty = runCli(['data', 'list', '--dir', join(dir, 'empty')]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('holds no market data');
  });
});
