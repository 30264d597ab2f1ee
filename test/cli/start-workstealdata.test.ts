/**
 * `start` with WORKSTEAL_DATA: a missing path, a file or a folder without the crypto set said "--benchmark
 * crypto: … 6 file(s) are missing", a flag the user never gave; a bad row's "load with --repair" was a flag
 * start refused ("Did you mean --report?"); and on six short files its warnings measured each symbol against
 * the set's range 2020-09-22 → 2025-12-02 while its summary said 2023-01-01 → 2023-01-05.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles } from '../../src/data/index.js';
import { BENCHMARK_SETS } from '../../src/marketdata/benchmark-sets.js';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-start-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** The crypto set's six files under `dir`: 100 hourly bars from 2023-01-01, one duplicated row in the first. */
function smallSet(dir: string, duplicate: boolean): void {
  BENCHMARK_SETS.crypto.files.forEach((file, k) => {
    const lines = ['timestamp,open,high,low,close,volume'];
    let price = 10 + k;
    for (let i = 0; i < 100; i++) {
      const t = new Date(Date.UTC(2023, 0, 1) + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
      const next = price * (1 + 0.01 * Math.sin(i * (k + 1)));
      lines.push(`${t},${price},${Math.max(price, next) * 1.002},${Math.min(price, next) * 0.998},${next},5`);
      if (duplicate && k === 0 && i === 50) lines.push(lines[lines.length - 1]!);
      price = next;
    }
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
  });
}

const local = { WORKSTEAL_DATA_DIR: join(root, 'local'), WORKSTEAL_CACHE_DIR: join(root, 'cache') };

describe('start with WORKSTEAL_DATA', () => {
  it('says what WORKSTEAL_DATA points at, what is wrong with it, and the ways on', () => {
    const file = join(root, 'bars.csv');
    writeFileSync(file, 'timestamp,open,high,low,close\n');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    for (const [path, what] of [
      [join(root, 'nowhere'), 'which does not exist'],
      [file, 'which is a file, not a folder'],
      [empty, "which is a folder without the crypto set's files"],
    ]) {
      const r = runCli(['start', '--quiet'], { ...local, WORKSTEAL_DATA: path! });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`WORKSTEAL_DATA points at ${path}, ${what}.`);
      expect(r.stderr).toContain('set WORKSTEAL_DATA to the folder that holds it');
      expect(r.stderr).toContain('unset WORKSTEAL_DATA (start then uses ../shared/marketdata');
      expect(r.stderr).toContain('`worksteal start --synthetic`');
      expect(r.stderr).not.toContain('--benchmark');
    }
  });

  it('takes --repair, which its refusal of a bad row suggests', () => {
    const dir = join(root, 'dup');
    smallSet(dir, true);
    const refused = runCli(['start', '--quiet'], { ...local, WORKSTEAL_DATA: dir });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('Fix the file, or add --repair to drop bad rows');
    const repaired = runCli(['start', '--quiet', '--repair'], { ...local, WORKSTEAL_DATA: dir });
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toContain('repair: ETHUSDT from');
    expect(repaired.stdout).toMatch(/^return /);
  });

  it('measures its warnings against the range it runs, the one its summary shows', () => {
    const dir = join(root, 'short');
    smallSet(dir, false);
    const r = runCli(['start'], { ...local, WORKSTEAL_DATA: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/range\s+│ 2023-01-01 → 2023-01-05/);
    expect(r.stderr).not.toContain('partway');
    expect(r.stderr).toContain(
      "warning: the run's range 2020-09-22T00:00:00Z → 2025-12-02T00:00:00Z reaches beyond the data, which covers 2023-01-01T00:00:00Z → 2023-01-05T04:00:00Z: the run covers only 2023-01-01T00:00:00Z → 2023-01-05T04:00:00Z.",
    );
  });

  it('ends with where to go next: compare on the same set (and it runs), and explain on the example', () => {
    const dir = join(root, 'next');
    smallSet(dir, false);
    const env = { ...local, WORKSTEAL_DATA: dir };
    const r = runCli(['start'], env);
    expect(r.code, r.stderr).toBe(0);
    const next = r.stderr.split('\n').filter((l) => l.startsWith('next: '));
    expect(next).toEqual([
      'next: npx worksteal compare --benchmark crypto --report compare.html   # stealing on against off, window by window',
      'next: npx worksteal explain --scenario examples/scenario-steal.json   # why one order was stolen, candidate by candidate',
    ]);
    expect(r.stdout).not.toContain('next:');
    // The suggested compare reads the very data start ran on (WORKSTEAL_DATA here): it runs.
    const report = join(root, 'next.html');
    const compare = runCli(
      ['compare', '--benchmark', 'crypto', '--window', '2d', '--quiet', '--report', report],
      env,
    );
    expect(compare.code, compare.stderr).toBe(0);
    expect(runCli(['start', '--quiet'], env).stderr).not.toContain('next:');
  });

  it('--dir typed on the command line wins over WORKSTEAL_DATA: start reads that folder (it ran on the set)', async () => {
    const set = join(root, 'set-for-dir');
    smallSet(set, false);
    const dir = join(root, 'asked');
    await importFiles({
      store: new DataStore(dir),
      files: [join(set, BENCHMARK_SETS.crypto.files[1]!)],
      cacheDir: null,
    });
    const r = runCli(['start', '--dir', dir], { ...local, WORKSTEAL_DATA: set });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`demo data: ${dir} (1 series at 1h;`);
    expect(r.stderr).not.toContain('crypto benchmark set');
    // Without --dir the variable still decides.
    expect(runCli(['start', '--quiet'], { ...local, WORKSTEAL_DATA: set }).code).toBe(0);
  });
});
