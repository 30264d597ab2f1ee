/**
 * 400s a person can act on: an unknown key is named (it was field "(body)" with the whole body), a number
 * beyond JSON's range says so (it showed `null … received Infinity`), `?explain` takes true or false (anything
 * else was ignored), and a key given twice is refused (JSON.parse took the last one silently).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { duplicateKey } from '../../src/service/json-keys.js';
import { advisoryService, readyRequest, restingOrder, serveOverHttp, type Harness } from './fixture.js';

const TOKEN = 'test-token-400s';
let h: Harness;
let http: ServiceHttp;
beforeAll(async () => {
  h = advisoryService({ equity: 10_000 });
  http = await serveOverHttp(h, TOKEN);
});
afterAll(async () => {
  await http.close();
  await h.close();
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${http.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as {
      error: string;
      issues: { field: string; message: string; value?: unknown }[];
    },
  };
}

describe('bad request messages', () => {
  it('name each unknown key, with the closest known key and what the object takes', async () => {
    const top = await post('/v1/events', { kind: 'account', equity: 5, equty: 6 });
    expect(top.status).toBe(400);
    expect(top.json.issues).toEqual([
      {
        field: 'equty',
        message:
          'unknown key; did you mean "equity"? This object takes kind, eventId, equity, patternDayTrader, cash',
        value: 6,
      },
    ]);
    const nested = await post('/v1/events', {
      kind: 'placed',
      order: { ...restingOrder('o-1', 'ETH/USD', 100), lmit: 1 },
    });
    expect(nested.json.issues).toEqual([
      expect.objectContaining({
        field: 'order.lmit',
        value: 1,
        message: expect.stringMatching(/takes id, clientOrderId/),
      }),
    ]);
    expect(nested.json.error).toMatch(/order o-1.*order\.lmit = 1: unknown key/);
    // A key that is a word of one known key names it: a bot's `price` in a fill is its `fillPrice`.
    const fill = await post('/v1/events', { kind: 'fill', orderId: 'o-1', filledQty: 1, price: 100 });
    expect(fill.status).toBe(400);
    expect(fill.json.issues).toContainEqual({
      field: 'price',
      message:
        'unknown key; did you mean "fillPrice"? This object takes kind, eventId, orderId, filledQty, fillPrice, asOf',
      value: 100,
    });
    // A name far from every key gets no guess, only the list.
    const far = await post('/v1/events', { kind: 'account', equity: 5, zzzzzz: 1 });
    expect(far.json.issues[0]!.message).toBe(
      'unknown key; this object takes kind, eventId, equity, patternDayTrader, cash',
    );
  });

  it('say a number beyond JSON range is out of range', async () => {
    const res = await post('/v1/events', '{"kind":"account","equity":1e400}');
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([
      {
        field: 'equity',
        message: expect.stringMatching(/^out of range: the number is beyond ±1\.8e308 and reads as Infinity/),
      },
    ]);
    expect(res.json.error).not.toMatch(/null|received Infinity/);
  });

  it('say a time is epoch milliseconds: an ISO string, a fraction, or seconds are refused with an example', async () => {
    const example = 'epoch milliseconds, a whole number such as 1735689600000 for 2025-01-01T00:00:00Z';
    const fill = (asOf: unknown) => ({ kind: 'fill', orderId: 'o-1', filledQty: 1, fillPrice: 100, asOf });
    const iso = await post('/v1/events', fill('2025-01-01T00:00:00Z'));
    expect(iso.status).toBe(400);
    expect(iso.json.issues).toEqual([
      { field: 'asOf', message: `${example}, not a string`, value: '2025-01-01T00:00:00Z' },
    ]);
    // Seconds read as milliseconds are a time in January 1970, before every report dated in milliseconds.
    const seconds = await post('/v1/events', {
      kind: 'placed',
      order: { ...restingOrder('o-2', 'ETH/USD', 100), placedAt: 1_735_689_600 },
    });
    expect(seconds.json.issues).toEqual([
      {
        field: 'order.placedAt',
        message:
          `${example}: 1735689600 reads as a time in 1970-1973, which is seconds sent as milliseconds ` +
          '(1735689600 s is 2025-01-01T00:00:00.000Z): multiply by 1000',
        value: 1_735_689_600,
      },
    ]);
    expect((await post('/v1/events', fill(1.5))).json.issues[0]!.message).toBe(
      `${example}: no fraction of a millisecond`,
    );
    // Milliseconds are taken (this fill's order is not placed yet: held back, answered 200).
    expect((await post('/v1/events', fill(1_735_689_600_000))).status).toBe(200);
  });

  it('refuse ?explain other than true or false', async () => {
    const res = await post('/v1/requests?explain=maybe', readyRequest('BTC/USD', 100));
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([
      { field: 'explain', message: 'must be true or false (or left out: false)', value: 'maybe' },
    ]);
    expect((await post('/v1/requests?explain=true', readyRequest('SOL/USD', 100))).status).toBe(200);
  });

  it('refuse a key given twice, naming it; nothing is applied', async () => {
    const rows = h.service.tables.reports().length;
    const quote = await post('/v1/events', '{"kind":"quote","symbol":"ETH/USD","bid":100,"ask":101,"bid":1}');
    expect(quote.status).toBe(400);
    expect(quote.json.issues).toEqual([expect.objectContaining({ field: 'bid' })]);
    expect(quote.json.issues[0]!.message).toMatch(/given twice in one object/);
    const order = JSON.stringify({ kind: 'placed', order: restingOrder('o-2', 'ETH/USD', 100) }).replace(
      '"qty":1',
      '"qty":1,"qty":100',
    );
    expect((await post('/v1/events', order)).json.issues).toEqual([
      expect.objectContaining({ field: 'order.qty' }),
    ]);
    expect(h.service.tables.reports()).toHaveLength(rows);
  });
});

describe('duplicateKey', () => {
  it('finds none in any JSON.stringify output (keys unique by construction), seed 29', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => duplicateKey(JSON.stringify(v)) === null),
      { seed: 29, numRuns: 500 },
    );
  });

  it('finds a key given twice in the same object, not in another or inside a string', () => {
    expect(duplicateKey('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toBe(null);
    expect(duplicateKey('{"a":"\\",\\"a\\":","b":"x\\\\","a":2}')).toBe('a');
    expect(duplicateKey('{"o":{"x":1, "x" :2}}')).toBe('o.x');
    expect(duplicateKey('{"o":[{"x":1,"\\u0078":2}]}')).toBe('o.[].x');
    expect(duplicateKey('[{"k":1},{"k":1}]')).toBe(null);
  });
});

describe('unknown query parameters', () => {
  async function get(path: string) {
    const res = await fetch(`${http.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return {
      status: res.status,
      json: (await res.json()) as { issues?: { field: string; message: string }[] },
    };
  }

  it('are refused naming the parameter, the closest one taken and every one the endpoint takes', async () => {
    const typo = await get('/v1/decisions?limt=5');
    expect(typo.status).toBe(400); // before: 200 with the default limit of 1000
    expect(typo.json.issues).toEqual([
      {
        field: 'limt',
        message: 'unknown query parameter; did you mean "limit"? /v1/decisions takes since, limit',
        value: '5',
      },
    ]);
    expect((await get('/v1/status?verbose=1')).json.issues).toEqual([
      {
        field: 'verbose',
        message: 'unknown query parameter; /v1/status takes no query parameters',
        value: '1',
      },
    ]);
    expect((await get('/v1/sagas/s-none?x=1')).status).toBe(400);
    const explain = await post('/v1/requests?explian=true', readyRequest('ADA/USD', 100));
    expect(explain.json.issues).toEqual([
      {
        field: 'explian',
        message: 'unknown query parameter; did you mean "explain"? /v1/requests takes explain',
        value: 'true',
      },
    ]);
    expect((await post('/v1/events?x=1', { kind: 'account', equity: 10_000 })).status).toBe(400);
    // The parameters each endpoint takes still work.
    expect((await get('/v1/decisions?since=0&limit=5')).status).toBe(200);
    expect((await get('/v1/status')).status).toBe(200);
  });
});
