/**
 * What `data import` tells about each file: with --repair it showed at most 5 problem rows and said nothing of
 * the rest (docs: every dropped or repaired row is listed); it now says how many more and --json FILE holds
 * every one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  });
});
