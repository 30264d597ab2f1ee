/**
 * `data download` through ccxt against a fake Binance on 127.0.0.1: pagination, 429 + Retry-After, an
 * outage mid-download and a resume that asks only for the rest, an unknown symbol, no network at all.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataStore, DownloadError, download, openCcxtSource, readManifest } from '../../src/data/index.js';
import type { RetryOptions } from '../../src/data/retry.js';
import { loadBars } from '../../src/marketdata/index.js';
import { FakeExchange, expectedBar } from '../support/fake-exchange.js';

const H = 3_600_000;
const JAN = Date.parse('2022-01-01T00:00:00Z');
const FEB = Date.parse('2022-02-01T00:00:00Z');
const MAR = Date.parse('2022-03-01T00:00:00Z');
const OUTAGE = Date.parse('2022-01-10T05:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'worksteal-dl-'));
let fake: FakeExchange;
let n = 0;

/** Retries without real waiting; the waits asked for are recorded. */
function quickRetry(waits: number[] = [], retries = 5): RetryOptions {
  return { retries, baseDelayMs: 1, sleep: async (ms) => void waits.push(ms) };
}

async function run(opts: {
  symbols: string[];
  from?: number;
  to?: number;
  dir: string;
  retry?: RetryOptions;
  origin?: string;
  signal?: AbortSignal;
  notices?: string[];
}) {
  const source = await openCcxtSource({
    exchangeId: 'binance',
    apiOrigin: opts.origin ?? fake.url,
    retry: opts.retry ?? quickRetry(),
  });
  try {
    return await download({
      source,
      store: new DataStore(opts.dir),
      symbols: opts.symbols,
      timeframe: '1h',
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.to !== undefined ? { to: opts.to } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      events: { notice: (m) => opts.notices?.push(m) },
    });
  } finally {
    await source.close();
  }
}

function newDir(): string {
  return join(root, `store-${++n}`);
}

function storedTimes(file: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Date.parse(l.split(',')[0] as string));
}

beforeAll(async () => {
  fake = await new FakeExchange(
    {
      BTCUSDT: { base: 'BTC', quote: 'USDT', from: JAN, to: MAR, missing: [OUTAGE] },
      ETHUSDT: { base: 'ETH', quote: 'USDT', from: JAN, to: MAR },
      SOLUSDT: { base: 'SOL', quote: 'USDT', from: Date.parse('2022-01-15T00:00:00Z'), to: MAR },
    },
    300,
  ).start();
});
afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

describe('data download (ccxt, fake binance)', () => {
  it('paginates from --from to --to and writes one canonical file per symbol plus the manifest', async () => {
    const dir = newDir();
    const before = fake.klines.length;
    const [btc] = await run({ symbols: ['BTC/USDT'], from: JAN, to: FEB, dir });
    const calls = fake.klines.slice(before);
    // 743 bars (744 hours, one outage hour), at most 300 per answer: three pages, each asked from the hour
    // after the last bar received (page 1 spans the outage, so it ends at hour 300); the third page reaches
    // past --to and its surplus is not stored.
    expect(calls.map((c) => c.served)).toEqual([300, 300, 300]);
    expect(calls.map((c) => c.startTime)).toEqual([JAN, JAN + 301 * H, JAN + 601 * H]);

    const file = join(dir, 'ccxt-binance', 'BTC-USDT_1h.csv');
    expect(btc?.path).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('time,open,high,low,close,volume\n2022-01-01T00:00:00Z,')).toBe(true);
    const loaded = await loadBars(file, { cacheDir: null });
    expect(loaded.series.symbol).toBe('BTC/USDT');
    expect(loaded.series.assetClass).toBe('crypto');
    expect(loaded.report.bars).toBe(743);
    for (const i of [0, 200, 742]) {
      const t = loaded.series.time[i] as number;
      expect([
        loaded.series.open[i],
        loaded.series.high[i],
        loaded.series.low[i],
        loaded.series.close[i],
        loaded.series.volume[i],
      ]).toEqual(expectedBar('BTCUSDT', t));
    }

    const manifest = await readManifest(dir);
    expect(manifest.files['ccxt-binance/BTC-USDT_1h.csv']).toEqual(
      expect.objectContaining({
        source: 'ccxt-binance',
        symbol: 'BTC/USDT',
        assetClass: 'crypto',
        timeframe: '1h',
        first: '2022-01-01T00:00:00Z',
        last: '2022-01-31T23:00:00Z',
        rows: 743,
        gaps: 1,
        missingBars: 1,
        coveredFrom: '2022-01-01T00:00:00Z',
        sha256: createHash('sha256').update(text).digest('hex'),
      }),
    );
  });

  it('a second call fetches only what is missing: nothing, then the new tail, then a head once', async () => {
    const dir = newDir();
    await run({ symbols: ['ETH/USDT'], from: JAN, to: FEB, dir });
    const file = join(dir, 'ccxt-binance', 'ETH-USDT_1h.csv');
    const first = readFileSync(file);

    let before = fake.klines.length;
    const [same] = await run({ symbols: ['ETH/USDT'], from: JAN, to: FEB, dir });
    expect(fake.klines.length).toBe(before);
    expect(same?.added).toBe(0);
    expect(readFileSync(file).equals(first)).toBe(true);

    before = fake.klines.length;
    const [tail] = await run({ symbols: ['ETH/USDT'], to: Date.parse('2022-02-15T00:00:00Z'), dir });
    expect(fake.klines[before]?.startTime).toBe(FEB);
    expect(tail?.added).toBe(14 * 24);
    expect(readFileSync(file).subarray(0, first.length).equals(first)).toBe(true);

    // An earlier --from asks for the head once; the exchange has nothing before Jan 1, and says so only once.
    const early = Date.parse('2021-12-20T00:00:00Z');
    before = fake.klines.length;
    const [head] = await run({
      symbols: ['ETH/USDT'],
      from: early,
      to: Date.parse('2022-02-15T00:00:00Z'),
      dir,
    });
    expect(fake.klines[before]?.startTime).toBe(early);
    expect(head?.added).toBe(0);
    expect(head?.entry?.coveredFrom).toBe('2021-12-20T00:00:00Z');
    before = fake.klines.length;
    await run({ symbols: ['ETH/USDT'], from: early, to: Date.parse('2022-02-15T00:00:00Z'), dir });
    expect(fake.klines.length).toBe(before);
    expect(storedTimes(file)).toEqual(fake.barsBetween('ETHUSDT', JAN, Date.parse('2022-02-15T00:00:00Z')));
  });

  it('an appended tail keeps the mark of a hand edit to the bars before it', async () => {
    const dir = newDir();
    await run({ symbols: ['ETH/USDT'], from: JAN, to: FEB, dir });
    const file = join(dir, 'ccxt-binance', 'ETH-USDT_1h.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(5, 1); // one bar deleted by hand
    writeFileSync(file, lines.join('\n'));
    const [tail] = await run({
      symbols: ['ETH/USDT'],
      to: Date.parse('2022-01-15T00:00:00Z') + 31 * 24 * H,
      dir,
    });
    expect(tail?.added).toBeGreaterThan(0);
    // The check before the download noticed the edit; the appended bars do not undo it.
    const entry = (await readManifest(dir)).files['ccxt-binance/ETH-USDT_1h.csv']!;
    expect(entry.editedAfterWrite?.noticedAt).toMatch(/^\d{4}-/);
    expect(entry.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });

  it('waits out a 429 for the Retry-After the server sent, then continues', async () => {
    const dir = newDir();
    const waits: number[] = [];
    fake.rateLimitNext(1, '1');
    const before = fake.klines.length;
    const [r] = await run({
      symbols: ['ETH/USDT'],
      from: JAN,
      to: Date.parse('2022-01-05T00:00:00Z'),
      dir,
      retry: quickRetry(waits),
    });
    const calls = fake.klines.slice(before);
    expect(calls[0]?.status).toBe(429);
    expect(calls[1]).toEqual(expect.objectContaining({ status: 200, startTime: JAN }));
    expect(waits).toEqual([1000]);
    expect(r?.entry?.rows).toBe(96);
  });

  it('an outage mid-download keeps the pages received; the resume asks only for the rest', async () => {
    const dir = newDir();
    fake.goDownAfter(2);
    const failed = await run({
      symbols: ['BTC/USDT'],
      from: JAN,
      to: MAR,
      dir,
      retry: quickRetry([], 2),
    }).catch((e) => e);
    fake.recover();
    expect(failed).toBeInstanceOf(DownloadError);
    expect(failed.kind).toBe('network');
    expect(failed.message).toMatch(/cannot reach binance/);

    const file = join(dir, 'ccxt-binance', 'BTC-USDT_1h.csv');
    const kept = storedTimes(file);
    expect(kept).toEqual(fake.barsBetween('BTCUSDT', JAN, MAR).slice(0, 600));
    const manifest = await readManifest(dir);
    const entry = manifest.files['ccxt-binance/BTC-USDT_1h.csv'];
    expect(entry?.rows).toBe(600);
    expect(entry?.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));

    const before = fake.klines.length;
    const [resumed] = await run({ symbols: ['BTC/USDT'], from: JAN, to: MAR, dir });
    const calls = fake.klines.slice(before);
    expect(calls[0]?.startTime).toBe((kept.at(-1) as number) + H);
    const all = fake.barsBetween('BTCUSDT', JAN, MAR);
    expect(calls.reduce((a, c) => a + c.served, 0)).toBe(all.length - 600);
    expect(resumed?.added).toBe(all.length - 600);
    expect(storedTimes(file)).toEqual(all);
  });

  it('Ctrl-C (abort) stops after the current page and keeps it', async () => {
    const dir = newDir();
    const controller = new AbortController();
    const source = await openCcxtSource({ exchangeId: 'binance', apiOrigin: fake.url, retry: quickRetry() });
    const err = await download({
      source,
      store: new DataStore(dir),
      symbols: ['ETH/USDT'],
      timeframe: '1h',
      from: JAN,
      to: MAR,
      signal: controller.signal,
      events: { progress: () => controller.abort() },
    }).catch((e) => e);
    await source.close();
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.kind).toBe('interrupted');
    expect(err.exitCode).toBe(130);
    expect(storedTimes(join(dir, 'ccxt-binance', 'ETH-USDT_1h.csv'))).toHaveLength(300);
  });

  it('accepts exchange ids, and reports a late first bar', async () => {
    const dir = newDir();
    const notices: string[] = [];
    const [sol] = await run({
      symbols: ['solusdt'],
      from: JAN,
      to: Date.parse('2022-01-20T00:00:00Z'),
      dir,
      notices,
    });
    expect(sol?.symbol).toBe('SOL/USDT');
    expect(notices).toEqual([
      'binance has SOL/USDT 1h bars only from 2022-01-15T00:00:00Z (asked from 2022-01-01T00:00:00Z).',
    ]);
    expect(sol?.entry?.first).toBe('2022-01-15T00:00:00Z');
    expect(sol?.entry?.coveredFrom).toBe('2022-01-01T00:00:00Z');
  });

  it('an unknown symbol is named with similar known ones, before anything is written', async () => {
    const dir = newDir();
    const err = await run({ symbols: ['ETH/USDT', 'BTC/USD'], from: JAN, to: FEB, dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.kind).toBe('unknown-symbol');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('BTC/USD (similar: BTC/USDT');
    expect(existsSync(dir)).toBe(false);
  });

  it('with no network it fails at once with one clear error and leaves the files intact', async () => {
    const dir = newDir();
    await run({ symbols: ['ETH/USDT'], from: JAN, to: Date.parse('2022-01-03T00:00:00Z'), dir });
    const copy = `${dir}-before`;
    cpSync(dir, copy, { recursive: true });
    const waits: number[] = [];
    const err = await run({
      symbols: ['ETH/USDT'],
      to: FEB,
      dir,
      origin: 'http://127.0.0.1:1',
      retry: quickRetry(waits),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.kind).toBe('network');
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/cannot reach binance .*ECONNREFUSED/);
    expect(waits).toEqual([]);
    for (const f of ['manifest.json', 'ccxt-binance/ETH-USDT_1h.csv']) {
      expect(readFileSync(join(dir, f)).equals(readFileSync(join(copy, f)))).toBe(true);
    }
  });
});
