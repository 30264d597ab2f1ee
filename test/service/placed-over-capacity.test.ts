/**
 * A bot that reports a placement taking the book over its capacity (it placed without asking, or asked and was
 * blocked). The report is taken (the venue holds the order; the book mirrors the venue), but the answer says so,
 * the status counts it and the log warns. Before, it answered "placed applied" and the book went over capacity
 * with no signal but a negative marginFree.
 */
import { describe, expect, it } from 'vitest';
import {
  capturingLog,
  advisoryService,
  readyRequest,
  restingOrder,
  serveOverHttp,
  closedAfterEachTest,
} from './fixture.js';

const TOKEN = 'test-token-over';
const held = closedAfterEachTest();

/** The fields of the answers this test reads (an event's, a request's, the status). */
interface Answer {
  applied?: boolean;
  detail?: string;
  status?: string;
  marginCapacity?: number;
  marginUsed?: number;
  orders?: { id: string }[];
  overCapacity?: { placements: number; last: unknown };
}

async function serve() {
  const { log, lines } = capturingLog();
  const h = advisoryService({ equity: 10_000, log });
  const http = await serveOverHttp(h, TOKEN);
  held.open.push({ ...h, close: async () => (await http.close(), await h.close()) });
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${http.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Answer };
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${http.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.slice(name.length + 1));
  };
  return { h, call, lines, metric };
}

describe('a placement that takes the book over capacity', () => {
  it('is taken, and its answer, the status and the log say so', async () => {
    const { call, lines, metric } = await serve();
    const capacity = (await call('/v1/status')).json.marginCapacity!;
    expect(await metric('worksteal_placements_over_capacity_total')).toBe(0);
    const first = await call('/v1/events', {
      kind: 'placed',
      // External: never a victim, so a request that needs more than is free is blocked.
      order: { ...restingOrder('a-1', 'ETH/USD', capacity - 1_000), external: true },
    });
    expect(first.json).toEqual({ applied: true, detail: expect.not.stringMatching(/over capacity/) });
    expect((await call('/v1/status')).json.overCapacity).toEqual({ placements: 0, last: null });

    // Asked first and was blocked: it places all the same.
    const asked = await call('/v1/requests', readyRequest('SOL/USD', 3_000, 1));
    expect(asked.json.status).toBe('blocked');
    const over = await call('/v1/events', { kind: 'placed', order: restingOrder('b-1', 'SOL/USD', 3_000) });
    expect(over.status).toBe(200); // taken, not refused: the venue holds the order
    expect(over.json.applied).toBe(true);
    expect(over.json.detail).toMatch(
      new RegExp(
        `^order b-1 taken: buy 30 SOL/USD @ 100, open; over capacity: with this order \\(margin 3000\\) margin ` +
          `used ${capacity + 2_000} exceeds capacity ${capacity}\\. It is held as placed`,
      ),
    ); // before: "placed applied"
    const status = (await call('/v1/status')).json;
    expect(status.orders!.map((o) => o.id)).toEqual(['a-1', 'b-1']);
    expect(status.marginUsed).toBe(capacity + 2_000);
    expect(status.overCapacity).toEqual({
      placements: 1,
      last: {
        orderId: 'b-1',
        symbol: 'SOL/USD',
        at: expect.any(String),
        margin: 3_000,
        marginUsed: capacity + 2_000,
        marginClaimed: 0,
        marginCapacity: capacity,
      },
    });
    expect(await metric('worksteal_placements_over_capacity_total')).toBe(1);
    expect(lines.filter((l) => l.event === 'placed-over-capacity')).toEqual([
      expect.objectContaining({ level: 'warn', orderId: 'b-1', margin: 3_000 }),
    ]);
  });

  it('a placement that adds no margin (a take-profit), or a repeat, is not counted over capacity', async () => {
    const { call } = await serve();
    await call('/v1/events', { kind: 'placed', order: restingOrder('a-1', 'ETH/USD', 12_000) });
    const takeProfit = {
      ...restingOrder('tp-1', 'ETH/USD', 1_000),
      side: 'sell',
      role: 'take-profit',
      price: 99,
    };
    const tp = await call('/v1/events', { kind: 'placed', order: takeProfit });
    expect(tp.json.detail).not.toMatch(/over capacity/);
    const repeat = await call('/v1/events', {
      kind: 'placed',
      order: restingOrder('a-1', 'ETH/USD', 12_000),
    });
    expect(repeat.json.applied).toBe(false);
    expect((await call('/v1/status')).json.overCapacity!.placements).toBe(1);
  });
});
