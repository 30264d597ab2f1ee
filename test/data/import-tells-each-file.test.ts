/**
 * What `data import` tells about each file: with --repair it showed at most 5 problem rows and said nothing of
 * the rest (docs: every dropped or repaired row is listed); it now says how many more and --json FILE holds
 * every one. A file whose name and symbol column disagree (ETHUSDT_1h.csv holding BTCUSDT) was stored under
 * the column's symbol without a word; it is now said, with --symbol to take the name's instead.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles } from '../../src/data/index.js';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-import-tells-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data import --repair', () => {
  it('shows the first 5 problem rows, counts the rest and writes every one with --json', () => {
    const src = hourlyFile(join(root, 'bad', 'SOLUSDT_1h.csv'), 60, {
      close: (i) => (i % 5 === 4 ? 0 : 10),
    });
    const data = join(root, 'data');
    mkdirSync(data);
    const r = runCli(['data', 'import', src, '--dir', data, '--no-cache', '--repair']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('    row '));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toBe('    row 6: non-positive price 0 in column open (open) (dropped)');
    expect(r.stdout).toContain('    … 7 more rows: every one in --json FILE (imported[].problems)\n');

    const json = join(root, 'import.json');
    const again = runCli(['data', 'import', src, '--dir', data, '--no-cache', '--repair', '--json', json]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`    … 7 more rows: every one in ${json} (imported[].problems)\n`);
    expect(again.stdout.split('\n')[0]).toContain('(unchanged)');
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.imported[0].problems.map((p: { row: number }) => p.row)).toEqual(
      Array.from({ length: 12 }, (_, k) => 6 + 5 * k),
    );
    expect(out.imported[0].entry.badRows).toBe(12);
    // --help names every field a file's JSON has (it left out key, replaced, classFrom and classChange).
    const help = runCli(['data', 'import', '--help']).stdout.replace(/\s+/g, ' ');
    for (const field of Object.keys(out.imported[0])) expect(help).toMatch(new RegExp(`[{ ]${field}[,}]`));
  });
});

describe('a file whose name and symbol column disagree', () => {
  it('is stored under the column’s symbol, and the warning names both and --symbol', async () => {
    const store = new DataStore(join(root, 'names'));
    const eth = hourlyFile(join(root, 'name1', 'ETHUSDT_1h.csv'), 5, { symbol: 'BTCUSDT' });
    const msft = hourlyFile(join(root, 'name2', 'MSFT_1h.csv'), 5, { symbol: 'AAPL' });
    const [a, b] = await importFiles({ store, files: [eth, msft], cacheDir: null });
    expect(a!.key).toBe('import/BTCUSDT_1h.csv');
    expect(a!.warnings).toEqual([
      `${eth}: its name says ETHUSDT but its symbol column says BTCUSDT; stored as BTCUSDT (the column wins). If these are ETHUSDT's bars, import with --symbol ETHUSDT.`,
    ]);
    expect(b!.key).toBe('import/AAPL_1h.csv');
    expect(b!.warnings[0]).toContain('its name says MSFT but its symbol column says AAPL');

    const [named] = await importFiles({ store, files: [eth], symbol: 'ETHUSDT', cacheDir: null });
    expect(named!.key).toBe('import/ETHUSDT_1h.csv');
    expect(named!.warnings).toEqual([]);
    const same = hourlyFile(join(root, 'name3', 'BTC-USDT_1h.csv'), 5, { symbol: 'BTCUSDT' });
    const [agree] = await importFiles({ store, files: [same], source: 'other', cacheDir: null });
    expect(agree!.warnings.filter((w) => w.includes('its name says'))).toEqual([]);

    mkdirSync(join(root, 'names-cli'));
    const cli = runCli(['data', 'import', msft, '--dir', join(root, 'names-cli'), '--no-cache']);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain(`warning: ${msft}: its name says MSFT but its symbol column says AAPL`);
  });
});
