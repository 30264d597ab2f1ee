/** `data download --source alpaca` against a fake Alpaca market-data API on 127.0.0.1. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataStore,
  DownloadError,
  alpacaTimeframe,
  download,
  openAlpacaSource,
} from '../../src/data/index.js';
import { tickersBesides } from '../../src/data/alpaca-source.js';
import { loadBars } from '../../src/marketdata/index.js';
import { expectedBar } from '../support/fake-exchange.js';
import { FAKE_ALPACA_KEYS, FakeAlpacaData, stockHours } from '../support/fake-alpaca-data.js';

const JAN3 = Date.parse('2022-01-03T00:00:00Z');
const JAN17 = Date.parse('2022-01-17T00:00:00Z');
const FEB = Date.parse('2022-02-01T00:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'worksteal-alpaca-'));
let fake: FakeAlpacaData;
let n = 0;

const KEYS = { ALPACA_API_KEY_ID: FAKE_ALPACA_KEYS.id, ALPACA_API_SECRET_KEY: FAKE_ALPACA_KEYS.secret };

async function run(
  symbols: string[],
  dir: string,
  env: Record<string, string> = KEYS,
  range = { from: JAN3, to: JAN17 },
) {
  const source = openAlpacaSource({
    env: { ...env, WORKSTEAL_ALPACA_DATA_URL: fake.url },
    pageLimit: 25,
    retry: { baseDelayMs: 1, sleep: async () => undefined },
  });
  return download({ source, store: new DataStore(dir), symbols, timeframe: '1h', ...range });
}

/** A server on 127.0.0.1 that answers every request with `status` and a JSON message. */
async function answering(status: number, message: (path: string) => string) {
  const server = createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: message(new URL(req.url ?? '/', 'http://x').pathname) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function downloadFrom(url: string, symbol: string) {
  const source = openAlpacaSource({
    env: { ...KEYS, WORKSTEAL_ALPACA_DATA_URL: url },
    retry: { baseDelayMs: 1, sleep: async () => undefined },
  });
  const store = new DataStore(join(root, `s${++n}`));
  return download({ source, store, symbols: [symbol], timeframe: '1h', from: JAN3, to: JAN17 }).then(
    () => {
      throw new Error(`the download of ${symbol} from ${url} was expected to fail`);
    },
    (e: DownloadError) => e,
  );
}

/** A loopback URL nobody listens on (a port just released). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  fake = await new FakeAlpacaData({ AAPL: { from: JAN3, to: FEB }, SPY: { from: JAN3, to: FEB } }).start();
});
afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

describe('data download (alpaca, fake market-data API)', () => {
  it('maps timeframes to Alpaca bar sizes', () => {
    expect(['1m', '15m', '1h', '4h', '1d', '1w', '2d', '90m'].map(alpacaTimeframe)).toEqual([
      '1Min',
      '15Min',
      '1Hour',
      '4Hour',
      '1Day',
      '1Week',
      null,
      null,
    ]);
  });

  it('follows next_page_token, sends the key headers, and stores stock bars', async () => {
    const dir = join(root, `s${++n}`);
    const before = fake.requests.length;
    fake.rateLimitNext(1);
    const [aapl] = await run(['aapl'], dir);
    const calls = fake.requests.slice(before);
    // 10 weekdays × 6 hours = 60 bars in pages of 25, after one 429.
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200, 200]);
    expect(calls.map((c) => c.pageToken === null)).toEqual([true, true, false, false]);
    expect(calls[1]).toEqual(
      expect.objectContaining({ symbol: 'AAPL', timeframe: '1Hour', start: '2022-01-03T00:00:00.000Z' }),
    );
    expect(aapl?.entry).toEqual(
      expect.objectContaining({ source: 'alpaca', symbol: 'AAPL', assetClass: 'stock', rows: 60 }),
    );
    const loaded = await loadBars(join(dir, 'alpaca', 'AAPL_1h.csv'), { cacheDir: null });
    expect(loaded.series.assetClass).toBe('stock');
    expect(Array.from(loaded.series.time)).toEqual(stockHours(JAN3, JAN17));
    const t = loaded.series.time[7] as number;
    expect(loaded.series.close[7]).toBe(expectedBar('AAPL', t)[3]);
  });

  it('resumes after the last stored bar', async () => {
    const dir = join(root, `s${++n}`);
    await run(['SPY'], dir);
    const before = fake.requests.length;
    const [spy] = await run(['SPY'], dir, KEYS, { from: JAN3, to: FEB });
    expect(fake.requests[before]?.start).toBe('2022-01-14T20:00:00.000Z');
    expect(spy?.added).toBe(stockHours(JAN17, FEB).length);
    expect(spy?.entry?.rows).toBe(stockHours(JAN3, FEB).length);
  });

  it('names the key variables when keys are missing, and never prints a key', async () => {
    const dir = join(root, `s${++n}`);
    const missing = await run(['AAPL'], dir, {}).catch((e) => e);
    expect(missing).toBeInstanceOf(DownloadError);
    expect(missing.kind).toBe('auth');
    expect(missing.message).toContain('ALPACA_API_KEY_ID');

    const wrong = await run(['AAPL'], dir, {
      APCA_API_KEY_ID: 'nope',
      APCA_API_SECRET_KEY: 'wrong-secret-123',
    }).catch((e) => e);
    expect(wrong.kind).toBe('auth');
    expect(wrong.exitCode).toBe(2);
    expect(wrong.message).toMatch(/rejected the API keys \(HTTP 403/);
    expect(wrong.message).not.toContain('wrong-secret-123');
  });

  it('an unknown ticker (no bars at all) is reported as unknown, and crypto pairs are sent to ccxt', async () => {
    const dir = join(root, `s${++n}`);
    const unknown = await run(['ZZZZ'], dir).catch((e) => e);
    expect(unknown.kind).toBe('unknown-symbol');
    expect(unknown.message).toContain('no 1h bars for ZZZZ');
    expect(unknown.message).toContain('Alpaca uses US tickers such as AAPL or SPY');
    // A ticker with no bars in the range is not told to use itself.
    const range = { from: Date.parse('2021-06-01T00:00:00Z'), to: Date.parse('2021-06-10T00:00:00Z') };
    const empty = await run(['AAPL'], join(root, `s${++n}`), KEYS, range).catch((e) => e);
    expect(empty.message).toContain('no 1h bars for AAPL');
    expect(empty.message).toContain('such as SPY or MSFT');
    const crypto = await run(['BTC/USD'], dir).catch((e) => e);
    expect(crypto.kind).toBe('usage');
    expect(crypto.message).toContain('--source ccxt:<exchange>');
  });

  it('with nothing listening it is a network error, at once', async () => {
    const url = await closedPort();
    const waits: number[] = [];
    const source = openAlpacaSource({
      env: { ...KEYS, WORKSTEAL_ALPACA_DATA_URL: url },
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    const err = await download({
      source,
      store: new DataStore(join(root, `s${++n}`)),
      symbols: ['AAPL'],
      timeframe: '1h',
      from: JAN3,
      to: JAN17,
    }).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.message).toContain(`cannot reach Alpaca at ${url} (connect ECONNREFUSED`);
    expect(waits).toEqual([]);
  });

  it('a 404 for a valid ticker names WORKSTEAL_ALPACA_DATA_URL and its value, not the ticker', async () => {
    const server = await answering(404, (path) => `fake: no route GET ${path}`);
    try {
      const err = await downloadFrom(server.url, 'AAPL');
      expect(err).toBeInstanceOf(DownloadError);
      expect(err.message).toContain(`WORKSTEAL_ALPACA_DATA_URL (${server.url}) answered 404 for AAPL's bars`);
      expect(err.message).toContain('fake: no route GET /v2/stocks/AAPL/bars');
      expect(err.message).toContain('AAPL is a valid US ticker, so the address is the likely cause');
      expect(err.message).not.toContain('does not know symbol');
      expect(err.message).not.toMatch(/such as[^.]*\bAAPL\b/);
      expect(err.kind).toBe('usage');
    } finally {
      await server.close();
    }
  });

  it('a refused symbol is reported as unknown, with examples other than the ticker given', async () => {
    const server = await answering(422, () => 'invalid symbol');
    try {
      const err = await downloadFrom(server.url, 'SPY');
      expect(err.kind).toBe('unknown-symbol');
      expect(err.message).toContain('Alpaca does not know symbol SPY (HTTP 422: invalid symbol)');
      expect(err.message).toContain('such as AAPL or MSFT');
    } finally {
      await server.close();
    }
  });

  it('never suggests the ticker a message is about', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('AAPL', 'SPY', 'MSFT'), fc.stringMatching(/^[A-Z][A-Z0-9.]{0,9}$/)),
        (symbol) => {
          const examples = tickersBesides(symbol).split(' or ');
          expect(examples).toHaveLength(2);
          expect(examples).not.toContain(symbol);
        },
      ),
      { seed: 20261208, numRuns: 200 },
    );
  });
});
