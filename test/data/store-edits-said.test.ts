/**
 * What the store records is said where it matters: a store file edited after data import wrote it (its
 * sha256 no longer matches its entry) is named by every run that reads it, once, and by `data list` with what
 * changed; a re-import that changes the class says so; a re-import without --asset-class keeps the class the
 * store records; and one market imported under two spellings is warned about once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLines, dataQualityLines } from '../../src/cli/data-summary.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DataError, loadBars } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';
import { HOUR, T0, hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-store-edits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `n` hourly bars around the clock with naive times: a stock reading of them finds no zone and refuses. */
function naiveHourly(path: string, n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const t = new Date(T0 + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
    return `${t},10,11,9,${(10 + (i % 5) / 10).toFixed(1)},5`;
  });
  return hourlyFile(path, 0, { extra: rows });
}

describe('a store file edited after import', () => {
  it('is named by the run (with --quiet too, cached or not), and data list says what changed', async () => {
    const dir = join(root, 'edited');
    const src = hourlyFile(join(root, 'src', 'SOL_1h.csv'), 48);
    const [r] = await importFiles({
      store: new DataStore(dir),
      files: [src],
      assetClass: 'crypto',
      cacheDir: null,
    });
    const clean = await loadBars(r!.path, { cacheDir: null });
    expect(dataQualityLines([clean], nyseCalendar()).warnings).toEqual([]);
    writeFileSync(r!.path, readFileSync(r!.path, 'utf8').replace(/,10\.3,5\n/, ',10.35,5\n'));

    const cacheDir = join(root, 'cache');
    for (let run = 0; run < 2; run++) {
      const l = await loadBars(r!.path, { cacheDir });
      expect(l.fromCache).toBe(run === 1);
      const warned = dataQualityLines([l], nyseCalendar()).warnings;
      expect(warned).toEqual([
        `warning: SOL: ${r!.path} changed after data import wrote it (${r!.entry.updatedAt}): its sha256 no longer matches its entry in ${join(dir, 'manifest.json')}, so this run uses bars the store does not describe. \`worksteal data list --dir ${dir}\` says what changed; to go back, import the original (${src}) again with --replace.`,
      ]);
    }
    const sim = runCli(['simulate', '--data', dir, '--no-cache', '--quiet']);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stderr.split('changed after data import wrote it').length - 1).toBe(1);

    const list = runCli(['data', 'list', '--dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(
      `note: import/SOL_1h.csv changed after data import wrote it (${r!.entry.updatedAt}): rows 48 → 48, range unchanged, content differs (sha256 ${r!.entry.sha256.slice(0, 12)}… → `,
    );
    expect(list.stdout).toContain(`to go back, import the original (${src}) again with --replace.`);
  }, 120_000);
});

describe('a store file edited after import, once data list took the edit in', () => {
  it('stays marked: the runs and data list still say so, until an import writes it anew', async () => {
    const dir = join(root, 'adopted');
    const store = new DataStore(dir);
    const src = hourlyFile(join(root, 'adopted-src', 'SOL_1h.csv'), 48);
    const [r] = await importFiles({ store, files: [src], assetClass: 'crypto', cacheDir: null });
    writeFileSync(r!.path, readFileSync(r!.path, 'utf8').replace(/,10\.3,5\n/, ',10.35,5\n'));
    // data list (or the check before an import or download) takes the edit in: the entry describes the file.
    const first = await store.reconcile();
    expect(first.refreshed).toEqual(['import/SOL_1h.csv']);
    const mark = first.manifest.files['import/SOL_1h.csv']!.editedAfterWrite!;
    expect([mark.writtenAt, mark.writtenSha256]).toEqual([r!.entry.updatedAt, r!.entry.sha256]);
    const edited = first.manifest.files['import/SOL_1h.csv']!.sha256;
    expect(edited).not.toBe(r!.entry.sha256);
    // Before: the sha256 matched again, and nothing anywhere said the bars were not the imported ones.
    const warned = `warning: SOL: ${r!.path} was changed outside worksteal after data import wrote it (${mark.writtenAt}; noticed ${mark.noticedAt}): its entry in ${join(dir, 'manifest.json')} describes the edited file, but its bars are not the ones data import recorded. To go back, import the original (${src}) again with --replace.`;
    const l = await loadBars(r!.path, { cacheDir: null });
    expect(dataQualityLines([l], nyseCalendar()).warnings).toEqual([warned]);
    // A second edit keeps the first mark (what was written, when it was first noticed).
    writeFileSync(r!.path, readFileSync(r!.path, 'utf8').replace(/,10\.35,5\n/, ',10.45,5\n'));
    expect((await store.reconcile()).manifest.files['import/SOL_1h.csv']!.editedAfterWrite).toEqual(mark);

    const list = runCli(['data', 'list', '--dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(
      `note: import/SOL_1h.csv was changed outside worksteal after data import wrote it (${mark.writtenAt}; noticed ${mark.noticedAt}): its row describes the edited file, not the bars data import recorded. To go back, import the original (${src}) again with --replace.`,
    );

    await importFiles({ store, files: [src], replace: true, cacheDir: null });
    const back = await store.read();
    expect(back.files['import/SOL_1h.csv']!.sha256).toBe(r!.entry.sha256);
    expect(back.files['import/SOL_1h.csv']!.editedAfterWrite).toBeUndefined();
    const clean = await loadBars(r!.path, { cacheDir: null });
    expect(dataQualityLines([clean], nyseCalendar()).warnings).toEqual([]);
  }, 120_000);
});

describe('a store file edited again, after data list took in its first edit', () => {
  it('is said to have changed since worksteal last described it, not since the import', async () => {
    const dir = join(root, 'edited-twice');
    const store = new DataStore(dir);
    const src = hourlyFile(join(root, 'twice-src', 'SOL_1h.csv'), 48);
    const [r] = await importFiles({ store, files: [src], assetClass: 'crypto', cacheDir: null });
    writeFileSync(r!.path, readFileSync(r!.path, 'utf8').replace(/,10\.3,5\n/, ',10.35,5\n'));
    const taken = (await store.reconcile()).manifest.files['import/SOL_1h.csv']!;
    const mark = taken.editedAfterWrite!;
    expect(taken.updatedAt).not.toBe(mark.writtenAt);
    writeFileSync(r!.path, readFileSync(r!.path, 'utf8').replace(/,10\.35,5\n/, ',10.45,5\n'));
    // Its entry's time is when worksteal took in the first edit: the import was earlier, and is named as such.
    const since = `changed again since worksteal last described it (${taken.updatedAt}; it was first changed outside worksteal after data import wrote it, ${mark.writtenAt}, noticed ${mark.noticedAt})`;
    const l = await loadBars(r!.path, { cacheDir: null });
    expect(dataQualityLines([l], nyseCalendar()).warnings[0]).toContain(`${r!.path} ${since}: its sha256`);
    const list = runCli(['data', 'list', '--dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`note: import/SOL_1h.csv ${since}: rows 48 → 48`);
  }, 120_000);
});

describe('a re-import and the class the store records', () => {
  it('says a change of class in the change summary and the result', async () => {
    const store = new DataStore(join(root, 'reclass'));
    const src = hourlyFile(join(root, 'reclass-src', 'SOL_1h.csv'), 48);
    await importFiles({ store, files: [src], assetClass: 'crypto', cacheDir: null });
    const [toStock] = await importFiles({ store, files: [src], assetClass: 'stock', cacheDir: null });
    expect(toStock!.classChange).toEqual({ from: 'crypto', to: 'stock' });
    expect(importLines(toStock!, 'x', undefined)[0]).toBe(
      `${src} → x (replaced: class crypto → stock; bars unchanged)`,
    );
    const longer = hourlyFile(join(root, 'reclass-src2', 'SOL_1h.csv'), 60);
    const [back] = await importFiles({ store, files: [longer], assetClass: 'crypto', cacheDir: null });
    expect(back!.classChange).toEqual({ from: 'stock', to: 'crypto' });
    expect(importLines(back!, 'x', undefined)[0]).toBe(
      `${longer} → x (replaced: class stock → crypto; 12 bars added; 48 unchanged)`,
    );
    const [same] = await importFiles({ store, files: [longer], cacheDir: null });
    expect(same!.classChange).toBeNull();
    expect(importLines(same!, 'x', undefined)[0]).toBe(`${longer} → x (unchanged)`);
  });

  it('without --asset-class keeps the class the store records for the symbol, and says so', async () => {
    const store = new DataStore(join(root, 'keep'));
    const first = naiveHourly(join(root, 'keep-a', 'SOL_1h.csv'), 24 * 14);
    // Outside a store, SOL is read as a stock, whose naive times fit no session: refused.
    await expect(importFiles({ store, files: [first], cacheDir: null })).rejects.toThrow(DataError);
    await importFiles({ store, files: [first], assetClass: 'crypto', cacheDir: null });
    const more = naiveHourly(join(root, 'keep-b', 'SOL_1h.csv'), 24 * 15);
    const [again] = await importFiles({ store, files: [more], cacheDir: null });
    expect(again!.entry.assetClass).toBe('crypto');
    expect(again!.classFrom).toBe('store');
    expect(importLines(again!, 'x', undefined)[1]).toBe(
      '  SOL (crypto, as the store records) 1h: 360 bars 2024-01-01T00:00:00Z → 2024-01-15T23:00:00Z',
    );
    // The config's symbols map and --asset-class still win.
    const [byConfig] = await importFiles({
      store,
      files: [hourlyFile(join(root, 'keep-c', 'SOL_1h.csv'), 24 * 15)],
      symbols: { SOL: { assetClass: 'stock' } },
      cacheDir: null,
    });
    expect([byConfig!.classFrom, byConfig!.entry.assetClass]).toEqual(['config', 'stock']);
  });
});

describe('a re-import of a file whose symbol comes from a column', () => {
  it('keeps the class the store records for that symbol, as a file named for it does', async () => {
    const store = new DataStore(join(root, 'column'));
    // prices.csv holds ABC in its symbol column: the name says nothing of the symbol.
    const src = hourlyFile(join(root, 'column-src', 'prices.csv'), 24 * 14, { symbol: 'ABC' });
    const [first] = await importFiles({ store, files: [src], assetClass: 'crypto', cacheDir: null });
    expect([first!.entry.symbol, first!.entry.assetClass]).toEqual(['ABC', 'crypto']);
    const [again] = await importFiles({ store, files: [src], cacheDir: null });
    // Before: guessed again from ABC (a ticker, so a stock), replacing the recorded class: crypto → stock.
    expect([again!.entry.assetClass, again!.classFrom, again!.classChange]).toEqual([
      'crypto',
      'store',
      null,
    ]);
  });
});

describe('one market under two spellings imported together', () => {
  it('is warned about once', async () => {
    const a = hourlyFile(join(root, 'two', 'SOL-USDT_1h.csv'), 24);
    const b = hourlyFile(join(root, 'two', 'SOLUSDT_1h.csv'), 24);
    const results = await importFiles({
      store: new DataStore(join(root, 'two-store')),
      files: [a, b],
      cacheDir: null,
    });
    const warnings = results.flatMap((r) => r.warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'SOL/USDT in import/SOL-USDT_1h.csv and SOLUSDT in import/SOLUSDT_1h.csv are one market at 1h',
    );
  });
});
