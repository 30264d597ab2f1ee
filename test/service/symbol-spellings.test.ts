/**
 * One market, one spelling. The service matched symbols as strings: `BTC/USDT`, `BTCUSDT` and `btc/usdt` were
 * three books, and a request under one spelling did not see the order another spelling held (its own order to
 * replace, the margin already used for the market). Another spelling of a known market is refused (400) naming
 * the one to send: the configured one (config `symbols`), else the first the service saw.
 */
import { describe, expect, it } from 'vitest';
import {
  advisoryService,
  closedAfterEachTest,
  readyRequest,
  restingOrder,
  serveOverHttp,
  type Harness,
} from './fixture.js';

const TOKEN = 'test-token-spellings';
const held = closedAfterEachTest();

interface Answer {
  error?: string;
  issues?: { field: string; message: string; value?: unknown }[];
  applied?: boolean;
  orders?: { symbol: string }[];
}

async function serve(config?: Record<string, unknown>) {
  const h = advisoryService({ equity: 10_000, ...(config ? { config } : {}) });
  const http = await serveOverHttp(h, TOKEN);
  held.open.push({ ...h, close: async () => (await http.close(), await h.close()) } as Harness);
  return async (path: string, body?: unknown) => {
    const res = await fetch(`${http.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Answer };
  };
}

describe('another spelling of a known market', () => {
  it('is refused in requests and events, naming the spelling the service knows', async () => {
    const call = await serve();
    expect(
      (await call('/v1/events', { kind: 'placed', order: restingOrder('b-1', 'BTC/USDT', 2_000) })).status,
    ).toBe(200);
    for (const [path, body, field] of [
      ['/v1/requests', readyRequest('BTCUSDT', 1_000), 'symbol'],
      ['/v1/events', { kind: 'quote', symbol: 'btc/usdt', bid: 100, ask: 100.1 }, 'symbol'],
      ['/v1/events', { kind: 'placed', order: restingOrder('b-2', 'btc-usdt', 1_000) }, 'order.symbol'],
      [
        '/v1/events',
        { kind: 'position', symbol: 'BTCUSDT', assetClass: 'crypto', qty: 1, price: 100 },
        'symbol',
      ],
    ] as const) {
      const res = await call(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400); // before: 200, a second book for the market
      expect(res.json.issues).toEqual([
        {
          field,
          value: expect.any(String),
          message:
            'another spelling of BTC/USDT, the spelling the service saw first for it; one market under two ' +
            'spellings would be two books (orders, positions, sagas): send "BTC/USDT"',
        },
      ]);
    }
    const status = (await call('/v1/status')).json;
    expect(status.orders!.map((o) => o.symbol)).toEqual(['BTC/USDT']);
    // The known spelling is taken, and other markets are free to be spelled as their bots spell them.
    expect(
      (await call('/v1/events', { kind: 'quote', symbol: 'BTC/USDT', bid: 100, ask: 100.1 })).status,
    ).toBe(200);
    expect((await call('/v1/requests', readyRequest('ETHUSDT', 1_000))).status).toBe(200);
    expect((await call('/v1/requests', readyRequest('ETH/USDT', 1_000))).status).toBe(400);
  });

  it('names the configured spelling, before any report', async () => {
    const call = await serve({
      symbols: { 'BTC/USDT': { assetClass: 'crypto' }, AAPL: { assetClass: 'stock' } },
    });
    const res = await call('/v1/events', { kind: 'quote', symbol: 'BTCUSDT', bid: 100, ask: 100.1 });
    expect(res.status).toBe(400);
    expect(res.json.issues![0]!.message).toBe(
      'another spelling of BTC/USDT, the configured spelling (config symbols: BTC/USDT, AAPL); one market under ' +
        'two spellings would be two books (orders, positions, sagas): send "BTC/USDT"',
    );
    expect((await call('/v1/requests', readyRequest('aapl', 100))).status).toBe(400);
  });
});
