/**
 * First run: `npm start` where there is no ../shared, no data folder and no network says so in one line
 * and suggests --synthetic; `npm start -- --synthetic` runs, labelled synthetic in every output; with a
 * local data folder, start simulates what it holds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noNetworkLine } from '../../src/cli/commands/start.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import { ROOT } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { runCliAsync } from '../support/fake-exchange.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `npm start` as a new user types it; the environment says: no shared folder, no network, a fresh data folder. */
function npmStart(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('WORKSTEAL_') && !/^npm_/i.test(k) && !/_proxy$/i.test(k),
    ),
  );
  const child = spawn('npm', ['--silent', 'start', ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...clean, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NOWHERE = {
  WORKSTEAL_TEST_SHARED_DIR: join(root, 'no-shared'),
  WORKSTEAL_DATA_DIR: join(root, 'data'),
  // A closed loopback port: the download fails exactly as it does without a network.
  WORKSTEAL_TEST_CCXT_URL: 'http://127.0.0.1:1',
};

describe('npm start on a fresh machine', () => {
  it('with no data and no network: one line suggesting --synthetic, exit 1, nothing written', async () => {
    const r = await npmStart([], NOWHERE);
    expect(r.stderr).toBe(`${noNetworkLine(join(root, 'data'))}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    expect(existsSync(join(root, 'data'))).toBe(false);
  });

  it('--synthetic runs on the seeded synthetic set, labelled synthetic on stdout, in the JSON and the HTML', async () => {
    const json = join(root, 'synthetic.json');
    const html = join(root, 'synthetic.html');
    const r = await npmStart(['--synthetic', '--json', json, '--report', html], NOWHERE);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SYNTHETIC DATA \(seed 1\)/);
    expect(lines.filter((l) => l.startsWith('SYNTHETIC DATA'))).toHaveLength(2);
    expect(r.stdout).toContain('total return');
    expect(r.stderr).toContain('demo data: SYNTHETIC market (seed 1)');
    // The files written are said on stderr (docs/cli.md "Output"): stdout is the summary and its labels.
    expect(r.stderr).toContain(`--json: wrote ${json}`);
    expect(r.stderr).toContain(`--report: wrote ${html}`);
    expect(r.stdout).not.toContain('wrote');
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.synthetic).toBe(true);
    expect(out.data.map((d: { symbol: string }) => d.symbol)).toEqual([
      'SYN-BTC',
      'SYN-ETH',
      'SYN-SOL',
      'SYN-MEGA',
      'SYN-INDEX',
    ]);
    expect(out.data.every((d: { path: string }) => d.path.startsWith('synthetic:'))).toBe(true);
    expect(out.trades.length).toBeGreaterThan(0);
    expect(readFileSync(html, 'utf8')).toContain('SYNTHETIC DATA');
    expect(existsSync(join(root, 'data'))).toBe(false);
  });

  it('with a local data folder it simulates what the folder holds, without the network', async () => {
    const dir = join(root, 'local');
    const src = join(root, 'ADAUSDT_1h.csv');
    const start = Date.parse('2023-01-01T00:00:00Z');
    const rows = Array.from({ length: 24 * 60 }, (_, i) => {
      const p = 1 + 0.1 * Math.sin(i / 12);
      return `${start + i * 3_600_000},${p.toFixed(4)},${(p * 1.01).toFixed(4)},${(p * 0.99).toFixed(4)},${(p * 1.001).toFixed(4)},100`;
    });
    writeFileSync(src, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    await importFiles({ store: new DataStore(dir), files: [src], cacheDir: null });
    const r = await runCliAsync(['start'], { ...NOWHERE, WORKSTEAL_DATA_DIR: dir }, { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`demo data: ${dir} (1 series at 1h;`);
    expect(r.stderr).toContain("data: ADAUSDT (crypto, as the store's manifest records, 1440 bars)");
    expect(r.stdout).toContain('total return');
    expect(r.stdout).not.toContain('SYNTHETIC');
    // Two months of bars: too short for compare's six-month windows, so no compare is suggested; explain's
    // example is named relative to where start runs.
    expect(r.stderr).not.toContain('next: npx worksteal compare');
    expect(r.stderr).toContain(
      `next: npx worksteal explain --scenario ${relative(root, join(ROOT, 'examples/scenario-steal.json'))}`,
    );
  });

  it('with a year and more in the data folder it suggests compare on that folder, and the suggestion runs', async () => {
    const dir = join(root, 'year');
    const src = join(requireMarketData(), 'binance-spot-yanniedog/SOLUSDT_1h.csv');
    await importFiles({ store: new DataStore(dir), files: [src], cacheDir: null });
    const env = { ...NOWHERE, WORKSTEAL_DATA_DIR: dir };
    const r = await runCliAsync(['start'], env, { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const next = r.stderr.split('\n').filter((l) => l.startsWith('next: npx worksteal compare'));
    expect(next).toEqual([
      'next: npx worksteal compare --data year --report compare.html   # stealing on against off, window by window',
    ]);
    const report = join(root, 'compare.html');
    // --threads 0: worker threads of a source run would look for tsx in this temporary folder.
    const args = ['compare', '--data', 'year', '--threads', '0', '--quiet', '--report', report];
    const compare = await runCliAsync(args, env, {
      cwd: root,
    });
    expect(compare.code, compare.stderr).toBe(0);
    expect(existsSync(report)).toBe(true);
  });

  it('with one market in the data folder twice it simulates one file, and suggests compare on that one (it runs)', async () => {
    const dir = join(root, 'twice');
    const src = join(requireMarketData(), 'binance-spot-yanniedog/SOLUSDT_1h.csv');
    const store = new DataStore(dir);
    await importFiles({ store, files: [src], source: 'ccxt-binance', symbol: 'SOL/USDT', cacheDir: null });
    await importFiles({ store, files: [src], cacheDir: null });
    const env = { ...NOWHERE, WORKSTEAL_DATA_DIR: dir };
    const r = await runCliAsync(['start'], env, { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: import/SOLUSDT_1h.csv not used: SOLUSDT also comes from another file');
    const next = r.stderr.split('\n').filter((l) => l.startsWith('next: npx worksteal compare'));
    expect(next).toEqual([
      'next: npx worksteal compare --data twice --symbols SOL/USDT --report compare.html   # stealing on against off, window by window',
    ]);
    // Without --symbols, --data refuses the folder, naming both files; with it, the suggestion runs.
    const bare = await runCliAsync(['compare', '--data', 'twice', '--threads', '0', '--quiet'], env, {
      cwd: root,
    });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('the same market as SOL/USDT');
    const args = ['compare', '--data', 'twice', '--symbols', 'SOL/USDT', '--threads', '0', '--quiet'];
    const compare = await runCliAsync(args, env, { cwd: root });
    expect(compare.code, compare.stderr).toBe(0);
  });
});
