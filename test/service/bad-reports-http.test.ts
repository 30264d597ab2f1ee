/**
 * Reports a bot gets wrong, over HTTP: numbers the book cannot hold, bodies that are not JSON or too large,
 * and a wiped-out account. Each is answered with what to fix, and the state is the one before it.
 */
import { describe, expect, it } from 'vitest';
import { readyRequest, restingOrder, servedAfterEachTest, type Harness } from './fixture.js';

const TOKEN = 'test-token-456';
const served = servedAfterEachTest(TOKEN);

async function serve(): Promise<{ h: Harness; call: Call }> {
  const { h, http } = await served();
  const call: Call = async (method, path, body, type = 'application/json') => {
    const res = await fetch(`${http.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': type }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  return { h, call };
}
type Call = (
  method: string,
  path: string,
  body?: unknown,
  type?: string,
) => Promise<{ status: number; json: Record<string, unknown> }>;

/** What a refused report must leave as it was. */
const money = (s: Record<string, unknown>) => ({
  account: s.account,
  marginUsed: s.marginUsed,
  marginFree: s.marginFree,
  orders: s.orders,
  positions: s.positions,
});

describe('reports the book cannot hold', () => {
  it('refuses a 1e300 order with 400 naming order, field and value; state and later decisions unchanged', async () => {
    const { call } = await serve();
    await call('POST', '/v1/events', { kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    const before = money((await call('GET', '/v1/status')).json);
    const huge = { ...restingOrder('q', 'Q/USD', 10), limitPrice: 1e300, qty: 1e300 };
    const refused = await call('POST', '/v1/events', { kind: 'placed', order: huge });
    expect(refused.status).toBe(400); // before: 200, then marginUsed null and every request 500
    expect(refused.json.error).toMatch(/order q/);
    expect(refused.json.error).toMatch(/order\.limitPrice = 1e\+300: above 1000000000000000/);
    expect(refused.json.issues).toContainEqual(expect.objectContaining({ field: 'order.qty', value: 1e300 }));
    const after = (await call('GET', '/v1/status')).json;
    expect(money(after)).toEqual(before);
    expect(Number.isFinite(after.marginUsed)).toBe(true);
    const answer = await call('POST', '/v1/requests', readyRequest('BTC/USD', 3_000));
    expect(answer.status).toBe(200);
    expect(answer.json.action).toBe('place');
  });

  it('takes equity 0 and below as reported, keeps the pattern-day-trader flag when left out', async () => {
    const { call } = await serve();
    const zero = await call('POST', '/v1/events', { kind: 'account', equity: 0, patternDayTrader: true });
    expect(zero.status).toBe(200); // before: 400 "equity: Too small", the last positive equity kept
    let account = (await call('GET', '/v1/status')).json.account;
    expect(account).toEqual(expect.objectContaining({ equity: 0, patternDayTrader: true }));
    expect((await call('POST', '/v1/requests', readyRequest('BTC/USD', 100))).json.action).not.toMatch(
      /place|steal/,
    );
    expect((await call('POST', '/v1/events', { kind: 'account', equity: -500 })).status).toBe(200);
    account = (await call('GET', '/v1/status')).json.account;
    // Before: the omitted flag read as false.
    expect(account).toEqual(expect.objectContaining({ equity: -500, patternDayTrader: true }));
  });
});

describe('bodies', () => {
  it('answers 415 to a form or text body, 413 to one above 1 MiB, and nothing changes', async () => {
    const { call } = await serve();
    const event = JSON.stringify({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    const form = await call('POST', '/v1/events', event, 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415); // before: 200, applied
    expect(form.json.error).toMatch(/application\/json/);
    expect((await call('POST', '/v1/events', event, 'text/plain')).status).toBe(415);
    const big = { ...readyRequest('BTC/USD', 10), symbol: 'X'.repeat(20_000_000) };
    expect((await call('POST', '/v1/requests', big)).status).toBe(413); // before: 400
    expect((await call('GET', '/v1/status')).json.orders).toEqual([]);
    expect((await call('POST', '/v1/events', event, 'application/json; charset=utf-8')).status).toBe(200);
  });
});
