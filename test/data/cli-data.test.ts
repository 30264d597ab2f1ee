/**
 * The `worksteal data` commands as a user runs them (a child process), against a fake exchange on
 * 127.0.0.1: exit codes and messages, a hard kill mid-download and the resume, import and list.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/data/index.js';
import { loadBars } from '../../src/marketdata/index.js';
import { FakeExchange, runCliAsync } from '../support/fake-exchange.js';

const H = 3_600_000;
const JAN = Date.parse('2022-01-01T00:00:00Z');
const APR = Date.parse('2022-04-01T00:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'worksteal-cli-data-'));
let fake: FakeExchange;

function cli(args: string[], control?: (kill: (signal: NodeJS.Signals) => void) => void) {
  return runCliAsync(
    args,
    { WORKSTEAL_TEST_CCXT_URL: fake.url },
    { cwd: root, ...(control ? { control } : {}) },
  );
}

beforeAll(async () => {
  fake = await new FakeExchange(
    {
      BTCUSDT: { base: 'BTC', quote: 'USDT', from: JAN, to: APR },
      ETHUSDT: { base: 'ETH', quote: 'USDT', from: JAN, to: APR },
    },
    200,
  ).start();
});
afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

describe('worksteal data (CLI)', () => {
  it('download: one line per symbol into ./data by default, through a 429, and list shows the store', async () => {
    fake.rateLimitNext(1, '1');
    const r = await cli([
      'data',
      'download',
      '--source',
      'ccxt:binance',
      '--symbols',
      'BTC/USDT,ETH/USDT',
      '--from',
      '2022-01-01',
      '--to',
      '2022-01-08',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'BTC/USDT 1h: +168 bars → data/ccxt-binance/BTC-USDT_1h.csv (168 bars, 2022-01-01T00:00:00Z → 2022-01-07T23:00:00Z, 0 gaps)\n' +
        'ETH/USDT 1h: +168 bars → data/ccxt-binance/ETH-USDT_1h.csv (168 bars, 2022-01-01T00:00:00Z → 2022-01-07T23:00:00Z, 0 gaps)\n',
    );
    expect(fake.klines.filter((k) => k.status === 429)).toHaveLength(1);

    const list = await cli(['data', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('ccxt-binance/BTC-USDT_1h.csv');
    expect(list.stdout).toMatch(/BTC\/USDT\s*│\s*crypto\s*│\s*1h\s*│\s*2022-01-01T00:00:00Z/);
    const json = JSON.parse((await cli(['data', 'list', '--json', '-'])).stdout);
    expect(json.files.map((f: { symbol: string; rows: number }) => [f.symbol, f.rows])).toEqual([
      ['BTC/USDT', 168],
      ['ETH/USDT', 168],
    ]);
  });

  it('an unknown symbol exits 2 naming it and similar symbols; no network exits 1 in one line, files intact', async () => {
    const dir = join(root, 'data');
    const manifest = readFileSync(join(dir, 'manifest.json'));
    const unknown = await cli([
      'data',
      'download',
      '--source',
      'ccxt:binance',
      '--symbols',
      'BTC/EUR',
      '--from',
      '2022-01-01',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'error: binance has no spot market BTC/EUR (similar: BTC/USDT). Symbols are BASE/QUOTE as ccxt spells them, e.g. BTC/USDT.\n',
    );

    const offline = await runCliAsync(
      ['data', 'download', '--source', 'ccxt:binance', '--symbols', 'BTC/USDT'],
      { WORKSTEAL_TEST_CCXT_URL: 'http://127.0.0.1:1' },
      { cwd: root },
    );
    expect(offline.code).toBe(1);
    expect(offline.stderr.trim().split('\n')).toHaveLength(1);
    expect(offline.stderr).toMatch(
      /^error: cannot reach binance while loading its market list \(connect ECONNREFUSED 127\.0\.0\.1:1\)\. .*Files already in .*data are intact; the same command resumes/,
    );
    expect(readFileSync(join(dir, 'manifest.json')).equals(manifest)).toBe(true);
  });

  it('a download killed mid-way keeps a loadable file and a consistent manifest; the next call fetches only the rest', async () => {
    const dir = join(root, 'killed');
    // --dir names a folder that exists (a missing one is refused as a typo).
    mkdirSync(dir);
    const held = fake.holdAfter(3);
    const killed = await cli(
      [
        'data',
        'download',
        '--source',
        'ccxt:binance',
        '--symbols',
        'ETH/USDT',
        '--from',
        '2022-01-01',
        '--to',
        '2022-04-01',
        '--dir',
        dir,
      ],
      (kill) => void held.then(() => kill('SIGKILL')),
    );
    fake.recover();
    expect(killed.signal).toBe('SIGKILL');

    const key = 'ccxt-binance/ETH-USDT_1h.csv';
    const file = join(dir, key);
    const stored = await loadBars(file, { cacheDir: null });
    const manifest = await readManifest(dir);
    expect(manifest.files[key]?.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(manifest.files[key]?.rows).toBe(stored.report.bars);
    expect(stored.report.bars).toBe(600);
    expect(existsSync(join(dir, '.lock'))).toBe(true); // left by the killed process

    const before = fake.klines.length;
    const resumed = await cli([
      'data',
      'download',
      '--source',
      'ccxt:binance',
      '--symbols',
      'ETH/USDT',
      '--to',
      '2022-04-01',
      '--dir',
      dir,
    ]);
    expect(resumed.code).toBe(0);
    const calls = fake.klines.slice(before);
    expect(calls[0]?.startTime).toBe((stored.series.time[599] as number) + H);
    const total = fake.barsBetween('ETHUSDT', JAN, APR).length;
    expect(calls.reduce((a, c) => a + c.served, 0)).toBe(total - 600);
    expect(resumed.stdout).toContain(`ETH/USDT 1h: +${(total - 600).toLocaleString('en-US')} bars`);
    const done = await loadBars(file, { cacheDir: null });
    expect(Array.from(done.series.time)).toEqual(fake.barsBetween('ETHUSDT', JAN, APR));
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('import: any layout into the store, with the quality report printed and kept in the manifest', async () => {
    const dir = join(root, 'imported');
    mkdirSync(dir);
    const src = join(root, 'XRPUSDT_1h.csv');
    // Descending epoch ms, one duplicate row, one bar whose high is below its close: repairable defects.
    const t = (h: number): number => JAN + h * H;
    writeFileSync(
      src,
      [
        'timestamp,open,high,low,close,volume',
        `${t(5)},1.5,1.6,1.4,1.55,10`,
        `${t(4)},1.5,1.6,1.4,1.55,10`,
        `${t(4)},1.5,1.6,1.4,1.55,10`,
        `${t(2)},1.5,1.5,1.4,1.58,10`,
        `${t(1)},1.5,1.6,1.4,1.55,10`,
        `${t(0)},1.5,1.6,1.4,1.55,10`,
        '',
      ].join('\n'),
    );
    const refused = await cli(['data', 'import', src, '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--repair');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);

    const r = await cli(['data', 'import', src, '--dir', dir, '--repair', '--no-cache']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('XRPUSDT (crypto) 1h: 5 bars 2022-01-01T00:00:00Z → 2022-01-01T05:00:00Z');
    expect(r.stdout).toContain('quality: 1 gap (1 bar missing), 1 duplicate, 1 bad row');
    expect(r.stdout).toContain('gap 2022-01-01T02:00:00Z → 2022-01-01T04:00:00Z (1 bar missing)');
    const entry = (await readManifest(dir)).files['import/XRPUSDT_1h.csv'];
    expect(entry).toEqual(
      expect.objectContaining({ source: 'import', rows: 5, gaps: 1, duplicates: 1, badRows: 1 }),
    );
    expect(entry?.origin?.sha256).toBe(createHash('sha256').update(readFileSync(src)).digest('hex'));
    expect(entry?.problems.map((p) => p.action).sort()).toEqual(['dropped', 'repaired']);
    expect(readFileSync(join(dir, 'import/XRPUSDT_1h.csv'), 'utf8')).toBe(
      'time,open,high,low,close,volume\n' +
        '2022-01-01T00:00:00Z,1.5,1.6,1.4,1.55,10\n' +
        '2022-01-01T01:00:00Z,1.5,1.6,1.4,1.55,10\n' +
        '2022-01-01T02:00:00Z,1.5,1.58,1.4,1.58,10\n' +
        '2022-01-01T04:00:00Z,1.5,1.6,1.4,1.55,10\n' +
        '2022-01-01T05:00:00Z,1.5,1.6,1.4,1.55,10\n',
    );
  });
});
