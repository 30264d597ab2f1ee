/** The store's small parts: canonical text, names, timeframes, bar checks, suggestions, manifest and lock. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBar, formatBars, formatColumns } from '../../src/data/canonical.js';
import { lockStore } from '../../src/data/lock.js';
import { retryAfterMs, Retrier } from '../../src/data/retry.js';
import { similarSymbols } from '../../src/data/similar.js';
import {
  CANONICAL_HEADER,
  DataStore,
  StoreError,
  canonicalKey,
  formatTime,
  readManifest,
  selectEntries,
  timeframeMs,
  timeframeName,
  type Manifest,
  type ManifestEntry,
} from '../../src/data/index.js';
import { inferSymbol, loadBars } from '../../src/marketdata/index.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('canonical files', () => {
  it('are read back by the loader bit for bit, including awkward doubles', async () => {
    const time = [
      Date.parse('2022-01-01T00:00:00Z'),
      Date.parse('2022-01-01T01:00:00Z'),
      Date.parse('2022-01-01T02:00:00.250Z'),
    ];
    const cols = {
      time,
      open: [0.1 + 0.2, 1e-7, 12345678.123456789],
      high: [0.31, 2e-7, 12345679],
      low: [0.29, 1e-8, 12345678],
      close: [0.3, 1.5e-7, 12345678.5],
      volume: [0, 1e21, 3.3333333333333335],
    };
    const file = join(root, 'ODD-USDT_1h.csv');
    writeFileSync(file, CANONICAL_HEADER + formatColumns(cols));
    expect(readFileSync(file, 'utf8').split('\n')[3]).toBe(
      '2022-01-01T02:00:00.250Z,12345678.12345679,12345679,12345678,12345678.5,3.3333333333333335',
    );
    const l = await loadBars(file, { cacheDir: null });
    expect(l.series.symbol).toBe('ODD/USDT');
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const)
      expect(Array.from(l.series[k])).toEqual(cols[k]);
    expect(l.series.source.layout).toBe('header:time iso-offset asc');
  });

  it('are named so that the loader infers the same symbol', () => {
    expect(canonicalKey('ccxt-binance', 'BTC/USDT', '1h')).toBe('ccxt-binance/BTC-USDT_1h.csv');
    expect(canonicalKey('alpaca', 'brk.b', '1d')).toBe('alpaca/BRK.B_1d.csv');
    for (const s of ['BTC/USDT', 'ETH/BTC', 'SOLUSDT', 'AAPL', 'BRK.B']) {
      expect(inferSymbol(canonicalKey('x', s, '1h'))).toBe(s);
    }
    expect(formatTime(Date.parse('2024-02-29T23:00:00Z'))).toBe('2024-02-29T23:00:00Z');
    expect(formatBars([{ time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }])).toBe(
      '1970-01-01T00:00:00Z,1,2,0.5,1.5,3\n',
    );
  });

  it('timeframes: parsed for downloads, named for imports', () => {
    expect(['1m', '15m', '1h', '4h', '1d', '1w', '0h', 'h', '1y'].map(timeframeMs)).toEqual([
      60_000,
      900_000,
      3_600_000,
      14_400_000,
      86_400_000,
      604_800_000,
      null,
      null,
      null,
    ]);
    expect([60_000, 5_400_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000, 0].map(timeframeName)).toEqual(
      ['1m', '90m', '1h', '4h', '1d', '1w', '0'],
    );
  });

  it('downloaded bars are checked like loaded rows: dropped or repaired, never silently', () => {
    const bar = { time: 0, open: 10, high: 9, low: 8, close: 9.5, volume: 1 };
    expect(checkBar(bar)).toEqual({
      bar: { ...bar, high: 10 },
      problem: {
        time: '1970-01-01T00:00:00Z',
        problem:
          'inconsistent OHLC: high 9 is below max(open, close) 10; high replaced by max(open, close) 10, low 8 kept',
        action: 'repaired',
      },
    });
    expect(checkBar({ ...bar, high: 11, close: 0 }).bar).toBeNull();
    expect(checkBar({ ...bar, high: 11, volume: -1 }).problem?.action).toBe('dropped');
    expect(checkBar({ ...bar, high: 11 })).toEqual({ bar: { ...bar, high: 11 }, problem: null });
  });
});

describe('suggestions, retries', () => {
  it('suggests the same base first, then near spellings', () => {
    const known = ['BTC/USDT', 'BTC/USDC', 'ETH/USDT', 'ETH/BTC', 'SOL/USDT', 'DOGE/USDT'];
    expect(similarSymbols('BTC/USD', known, 3)).toEqual(['BTC/USDC', 'BTC/USDT', 'ETH/USDT']);
    expect(similarSymbols('SOLUSDC', known, 1)).toEqual(['SOL/USDT']);
    expect(similarSymbols('XYZ/ABC', known)).toEqual([]);
  });

  it('Retry-After as seconds or a date; a first contact that fails is not retried, a later one is', async () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    const waits: number[] = [];
    const retrier = new Retrier({ baseDelayMs: 10, sleep: async (ms) => void waits.push(ms) });
    const offline = (): never => {
      throw new Error('ECONNREFUSED');
    };
    await expect(retrier.run(offline, () => ({ kind: 'offline' }))).rejects.toThrow('ECONNREFUSED');
    expect(waits).toEqual([]);
    await retrier.run(
      async () => 1,
      () => ({ kind: 'fatal' }),
    );
    let calls = 0;
    const flaky = async (): Promise<number> => {
      if (++calls < 3) throw new Error('ECONNREFUSED');
      return calls;
    };
    expect(await retrier.run(flaky, () => ({ kind: 'offline' }))).toBe(3);
    expect(waits).toEqual([10, 20]);
  });
});

describe('manifest and lock', () => {
  it('a corrupt manifest is refused with what to do, and nothing is overwritten', async () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), '{"version": 1, "files": ');
    const err = await readManifest(dir).catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(
      /manifest\.json is not valid JSON\. The bar files beside it are intact; move the manifest away/,
    );
    writeFileSync(join(dir, 'manifest.json'), '{"version": 7, "files": {}}');
    expect((await readManifest(dir).catch((e) => e)).message).toMatch(
      /does not match manifest version 1 \(at version/,
    );
  });

  it('a live lock stops a second writer; a stale one is taken over', async () => {
    const dir = join(root, 'locked');
    const release = await lockStore(dir);
    writeFileSync(join(dir, '.lock'), `${process.ppid}\n`);
    await expect(lockStore(dir)).rejects.toThrow(/another worksteal data command \(pid \d+\) is writing to/);
    writeFileSync(join(dir, '.lock'), '999999999\n');
    const again = await lockStore(dir);
    await again();
    await release();
  });

  it('reconcile recomputes an entry whose file changed and reports missing and untracked files', async () => {
    const dir = join(root, 'reconcile');
    const store = new DataStore(dir);
    mkdirSync(join(dir, 'import'), { recursive: true });
    const key = 'import/ABC_1d.csv';
    writeFileSync(store.pathOf(key), `${CANONICAL_HEADER}2022-01-03T00:00:00Z,1,2,0.5,1.5,3\n`);
    const { entry } = await store.describe(key, {
      source: 'import',
      symbol: 'ABC',
      assetClass: 'stock',
      timeframe: '1d',
    });
    const gone = { ...entry, file: 'import/GONE_1d.csv', symbol: 'GONE' };
    const manifest: Manifest = { version: 1, files: { [key]: entry, [gone.file]: gone } };
    await store.write(manifest);
    writeFileSync(
      store.pathOf(key),
      `${CANONICAL_HEADER}2022-01-03T00:00:00Z,1,2,0.5,1.5,3\n2022-01-04T00:00:00Z,1,2,0.5,1.5,3\n`,
    );
    writeFileSync(
      join(dir, 'import', 'NEW_1d.csv'),
      `${CANONICAL_HEADER}2022-01-03T00:00:00Z,1,2,0.5,1.5,3\n`,
    );
    const r = await store.reconcile();
    expect(r.refreshed).toEqual([key]);
    expect(r.missing).toEqual(['import/GONE_1d.csv']);
    expect(r.untracked).toEqual(['import/NEW_1d.csv']);
    expect((await readManifest(dir)).files[key]?.rows).toBe(2);
  });

  it('the demo takes one timeframe and one file per symbol', () => {
    const e = (file: string, symbol: string, timeframe: string): ManifestEntry =>
      ({ file, symbol, timeframe, rows: 10 }) as ManifestEntry;
    const files = [
      e('ccxt-binance/BTC-USDT_1h.csv', 'BTC/USDT', '1h'),
      e('import/BTC-USDT_1h.csv', 'BTC/USDT', '1h'),
      e('ccxt-binance/ETH-USDT_1d.csv', 'ETH/USDT', '1d'),
    ];
    // Keyed by file, as a manifest is: an entry naming another file than its key is refused (misfiled).
    const m: Manifest = { version: 1, files: Object.fromEntries(files.map((f) => [f.file, f])) };
    const s = selectEntries(m);
    expect(s.timeframe).toBe('1h');
    expect(s.entries.map((x) => x.file)).toEqual(['ccxt-binance/BTC-USDT_1h.csv']);
    expect(s.shadowed.map((x) => x.file)).toEqual(['import/BTC-USDT_1h.csv']);
  });
});
