/**
 * What an order event's answer says, over HTTP. A fill or cancel of an order the service has never seen answered
 * `applied: true` ("fill kept: …") though it applied nothing; it answers `applied: false` naming the order and
 * what to do, and the book is unchanged until the placement comes. An event that counted says what the service
 * now holds (it said "placed applied", "fill applied").
 */
import { describe, expect, it } from 'vitest';
import { restingOrder, servedAfterEachTest, type Harness } from './fixture.js';

const TOKEN = 'test-token-answers';
const served = servedAfterEachTest(TOKEN);

type Answer = { status: number; json: Record<string, unknown> };

async function serve(): Promise<{
  h: Harness;
  event: (body: unknown) => Promise<Answer>;
  money: () => Promise<unknown>;
}> {
  const { h, http } = await served();
  const call = async (path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${http.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const money = async () => {
    const s = (await call('/v1/status')).json;
    return { used: s.marginUsed, orders: s.orders, positions: s.positions };
  };
  return { h, event: (body) => call('/v1/events', body), money };
}

describe('a report about an order the service has never seen', () => {
  it('answers applied: false naming the order and what to do, and changes no money state', async () => {
    const { event, money } = await serve();
    const before = await money();
    const fill = await event({ kind: 'fill', orderId: 'nope-1', filledQty: 1, fillPrice: 100 });
    expect(fill).toEqual({
      status: 200,
      json: {
        applied: false, // before: true, "fill kept: it counts once the placement of nope-1 is reported, …"
        detail:
          'fill of nope-1 not applied: no order nope-1 was reported placed. It is held and counts once a ' +
          '"placed" event for nope-1 comes, if it agrees with it; report each order placed before its fills ' +
          'and cancels',
      },
    });
    const cancel = await event({ kind: 'cancelled', orderId: 'nope-2' });
    expect(cancel.json).toMatchObject({
      applied: false,
      detail: expect.stringMatching(/^cancel of nope-2 not applied/),
    });
    expect(await money()).toEqual(before);
    // Sent again: still nothing applied, still one held report.
    expect(
      (await event({ kind: 'fill', orderId: 'nope-1', filledQty: 1, fillPrice: 100 })).json.applied,
    ).toBe(false);
    expect(await money()).toEqual(before);
  });

  it('counts the held report once the placement comes, and known orders stay idempotent', async () => {
    const { event, money } = await serve();
    await event({ kind: 'fill', orderId: 'late-1', filledQty: 2, fillPrice: 100 });
    const order = { ...restingOrder('late-1', 'ETH/USD', 1_000), qty: 10 };
    const placed = await event({ kind: 'placed', order });
    expect(placed.json).toEqual({
      applied: true,
      detail: 'order late-1 taken: buy 10 ETH/USD @ 100, open, 2 of 10 filled',
    });
    expect(await money()).toMatchObject({
      positions: [expect.objectContaining({ symbol: 'ETH/USD', qty: 2 })],
    });
    const after = await money();
    expect((await event({ kind: 'placed', order })).json).toEqual({
      applied: false,
      detail: 'placed: order late-1 was reported before with these terms (a repeat); nothing changed',
    });
    expect(
      (await event({ kind: 'fill', orderId: 'late-1', filledQty: 2, fillPrice: 100 })).json.applied,
    ).toBe(false);
    expect(await money()).toEqual(after);
  });
});

describe('the detail of an event that counted', () => {
  it('says what the service now holds, never "<kind> applied"', async () => {
    const { event } = await serve();
    const details = [];
    for (const body of [
      { kind: 'placed', order: { ...restingOrder('o-1', 'ETH/USD', 1_000), qty: 10 } },
      { kind: 'fill', orderId: 'o-1', filledQty: 4, fillPrice: 100 },
      { kind: 'cancelled', orderId: 'o-1', filledQty: 5, fillPrice: 100 },
      { kind: 'placed', order: { ...restingOrder('o-2', 'SOL/USD', 500), qty: 5 } },
      { kind: 'fill', orderId: 'o-2', filledQty: 5, fillPrice: 100 },
      { kind: 'quote', symbol: 'ETH/USD', bid: 99.5, ask: 100.5 },
      { kind: 'account', equity: 12_000, patternDayTrader: false },
      { kind: 'position', symbol: 'ETH/USD', assetClass: 'crypto', qty: 0, price: 100 },
      { kind: 'position', symbol: 'SOL/USD', assetClass: 'crypto', qty: 3, price: 101 },
    ]) {
      const answer = (await event(body)).json;
      expect(answer.applied).toBe(true);
      details.push(answer.detail);
    }
    expect(details).toEqual([
      'order o-1 taken: buy 10 ETH/USD @ 100, open',
      'order o-1 open, 4 of 10 filled',
      'order o-1 cancelled, 5 of 10 filled; no longer open',
      'order o-2 taken: buy 5 SOL/USD @ 100, open',
      'order o-2 filled (5 of 5); no longer open',
      'quote taken: ETH/USD bid 99.5, ask 100.5',
      'account taken: equity 12000, pattern day trader false',
      'position taken: ETH/USD closed (qty 0)',
      'position taken: SOL/USD 3 @ 101',
    ]);
  });
});
