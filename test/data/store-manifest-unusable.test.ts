/**
 * A store file is read with the class its store's manifest records. When that manifest is worksteal's but
 * cannot be used (not JSON, cut off, another version, an entry that fails the schema, an entry naming another
 * file), the class is unknown: the loader refuses, naming the manifest and what to do, rather than trade SOL
 * as a stock by its symbol. Another tool's manifest.json (valid JSON without worksteal's keys) records nothing,
 * silently. A symlink to a store file is that file: its record is found by the real path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles, selectEntries, StoreError } from '../../src/data/index.js';
import { DataError, loadBars, loadMany } from '../../src/marketdata/index.js';
import { recordedClass } from '../../src/marketdata/recorded-class.js';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-unusable-manifest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A store holding SOL imported as crypto (inference from "SOL" says stock). */
async function solStore(
  name: string,
): Promise<{ dir: string; file: string; manifest: string; good: string }> {
  const store = new DataStore(join(root, name));
  const src = hourlyFile(join(root, `${name}-src`, 'SOL_1h.csv'), 48);
  const [r] = await importFiles({ store, files: [src], assetClass: 'crypto', cacheDir: null });
  const manifest = join(store.dir, 'manifest.json');
  return { dir: store.dir, file: r!.path, manifest, good: readFileSync(manifest, 'utf8') };
}

async function refusal(file: string, options = {}): Promise<DataError> {
  const err = await loadBars(file, { cacheDir: null, ...options }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('a store manifest that cannot be used', () => {
  it('stops the load of its files (not JSON, cut off, another version, a bad entry), naming it and the way out', async () => {
    const s = await solStore('broken');
    expect((await loadBars(s.file, { cacheDir: null })).series.assetClass).toBe('crypto');
    const bad = JSON.parse(s.good) as { files: Record<string, { assetClass: string }> };
    bad.files['import/SOL_1h.csv']!.assetClass = 'future';
    const cases: [string, string][] = [
      ['garbage', 'is not valid JSON'],
      ['{"version":1,"files":{', 'is not valid JSON'],
      [
        s.good.replace('"version": 1', '"version": 2'),
        'is manifest version 2, and this worksteal reads version 1',
      ],
      [JSON.stringify(bad), 'does not match manifest version 1 (at files.import/SOL_1h.csv.assetClass'],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(s.manifest, text);
      const err = await refusal(s.file);
      expect(err.message).toContain(`lies in the data store ${s.dir}, whose ${s.manifest} ${problem}`);
      expect(err.message).toContain(`\`worksteal data list --dir ${s.dir}\` says why`);
      expect(err.message).toContain(`move ${s.manifest} away`);
      expect(recordedClass(s.file)).toBeNull();
    }
  });

  it('does not stop a load that names the class (caller, config symbols map)', async () => {
    const s = await solStore('named');
    writeFileSync(s.manifest, '{"version":1,"files":{');
    expect((await loadBars(s.file, { cacheDir: null, assetClass: 'crypto' })).series.assetClass).toBe(
      'crypto',
    );
    const [viaConfig] = await loadMany([s.file], {
      cacheDir: null,
      symbols: { SOL: { assetClass: 'crypto' } },
    });
    expect(viaConfig!.series.assetClass).toBe('crypto');
  });

  it('records nothing, silently, when it is another tool’s JSON, or readable and silent about the file', async () => {
    const s = await solStore('other');
    writeFileSync(s.manifest, '{"name":"web app","assets":["import/SOL_1h.csv"]}');
    expect((await loadBars(s.file, { cacheDir: null })).series.assetClass).toBe('stock');
    const bad = JSON.parse(s.good) as { files: Record<string, unknown> };
    bad.files['import/ETH_1h.csv'] = { file: 'import/ETH_1h.csv' }; // broken, but not SOL's entry
    delete bad.files['import/SOL_1h.csv'];
    writeFileSync(s.manifest, JSON.stringify(bad));
    expect((await loadBars(s.file, { cacheDir: null })).series.assetClass).toBe('stock');
  });

  it('simulate refuses it with exit 2', async () => {
    const s = await solStore('cli');
    writeFileSync(s.manifest, '{"version":1,"files":{');
    const sim = runCli(['simulate', '--data', s.dir, '--no-cache', '--quiet']);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain(`whose ${s.manifest} is not valid JSON`);
  }, 120_000);
});

describe('a symlink to a store file', () => {
  it('finds the class the store records for the file it points to', async () => {
    const s = await solStore('linked');
    const links = join(root, 'links');
    mkdirSync(links, { recursive: true });
    symlinkSync(s.file, join(links, 'SOL_1h.csv'));
    expect(recordedClass(join(links, 'SOL_1h.csv'))?.assetClass).toBe('crypto');
    expect((await loadBars(join(links, 'SOL_1h.csv'), { cacheDir: null })).series.assetClass).toBe('crypto');
  });
});

describe('a manifest entry whose file is not its key', () => {
  it('is flagged by data list naming both, and refused by start’s selection and by the loader', async () => {
    const s = await solStore('misfiled');
    hourlyFile(join(root, 'elsewhere', 'import', 'SOL_1h.csv'), 24);
    const m = JSON.parse(s.good) as { files: Record<string, { file: string }> };
    m.files['import/SOL_1h.csv']!.file = '../elsewhere/import/SOL_1h.csv';
    writeFileSync(s.manifest, JSON.stringify(m));
    const { misfiled, broken, refreshed } = await new DataStore(s.dir).reconcile();
    expect(misfiled).toEqual([{ key: 'import/SOL_1h.csv', file: '../elsewhere/import/SOL_1h.csv' }]);
    expect({ broken, refreshed }).toEqual({ broken: [], refreshed: [] });
    expect(() => selectEntries(JSON.parse(readFileSync(s.manifest, 'utf8')))).toThrow(StoreError);
    expect(() => selectEntries(JSON.parse(readFileSync(s.manifest, 'utf8')))).toThrow(
      'entry import/SOL_1h.csv says its file is ../elsewhere/import/SOL_1h.csv',
    );
    expect((await refusal(s.file)).message).toContain(
      'has an entry import/SOL_1h.csv whose file says ../elsewhere/import/SOL_1h.csv',
    );
    const list = runCli(['data', 'list', '--dir', s.dir]);
    expect(list.code).toBe(2);
    expect(list.stdout).toContain('import/SOL_1h.csv (ENTRY NAMES ANOTHER FILE)');
    expect(list.stderr).toContain(
      `error: the entry import/SOL_1h.csv in ${s.manifest} says its file is ../elsewhere/import/SOL_1h.csv`,
    );
  }, 120_000);
});
