/**
 * `worksteal serve --broker alpaca`: the service executes at the venue itself, through the same Alpaca
 * connection as `run --broker alpaca` (here the fake Alpaca server, which speaks the REST and stream wire
 * formats). An entry request within tolerance and capacity is placed at the venue, once, under the client
 * order id the coordinator chose; the venue's order then appears in /v1/status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { BarVenue } from '../../src/live/venue.js';
import { servingUrl, spawnCli } from '../support/cli.js';
import { FakeAlpaca } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';

const KEY = { keyId: 'PKSERVETEST0001', secret: 'serve-test-secret-0001' };
const TOKEN = 'serve-alpaca-token';
const dir = mkdtempSync(join(tmpdir(), 'worksteal-serve-alpaca-'));
let fake: FakeAlpaca;
let child: ReturnType<typeof spawnCli> | null = null;

beforeAll(async () => {
  const [sol] = await loadReal(['binance-spot-yanniedog/SOLUSDT_1h.csv']);
  const t = Date.parse('2024-03-09T12:00:30Z');
  const venue = new BarVenue({
    series: [{ ...sol!.series, symbol: 'SOL/USD' }],
    calendar: nyseCalendar(),
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    now: () => t,
  });
  fake = new FakeAlpaca({ venue, ...KEY });
  await fake.start();
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, unknown>;
}

describe('worksteal serve --broker alpaca', () => {
  it('places an entry at the venue once, and shows the venue order in its status', async () => {
    child = spawnCli(['serve', '--broker', 'alpaca', '--port', '0', '--db', join(dir, 's.sqlite')], {
      WORKSTEAL_TOKEN: TOKEN,
      ALPACA_API_KEY_ID: KEY.keyId,
      ALPACA_API_SECRET_KEY: KEY.secret,
      WORKSTEAL_ALPACA_URL: fake.url,
      WORKSTEAL_ALPACA_DATA_URL: fake.url,
      WORKSTEAL_ALPACA_STREAM_URL: fake.streamUrl,
    });
    const url = await servingUrl(child);
    const limit = 140;
    const answer = await post(url, {
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      side: 'buy',
      limitPrice: limit,
      qty: 2,
      price: limit * 1.001,
      forecastPnl: 5,
      cryptoRank: null,
    });
    expect(answer, JSON.stringify(answer)).toMatchObject({ action: 'place' });
    expect(fake.placed).toHaveLength(1);
    expect(fake.placed[0]).toMatchObject({ symbol: 'SOL/USD', side: 'buy', limit_price: String(limit) });
    const clientOrderId = String(fake.placed[0]!.client_order_id);
    expect(fake.created.get(clientOrderId)).toBe(1);
    const status = (await (
      await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { openOrders?: { symbol: string }[] };
    expect(JSON.stringify(status)).toContain('SOL/USD');
  });
});
