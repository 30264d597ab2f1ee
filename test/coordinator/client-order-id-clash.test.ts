import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import type { Broker, PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import { Coordinator as InternalCoordinator } from '../../src/coordinator/coordinator.js';
import type { CoordinatorOptions } from '../../src/coordinator/options.js';
import { Coordinator, MemoryJournal } from '../../src/index.js';
import { config, request, T0 } from '../support/builders.js';

/**
 * A broker answers a client order id it has seen with the order placed under it. Two coordinators with one
 * idPrefix (or a restart) both call their first order `<prefix>-1`: the second's placement must not be
 * reported as placed when the broker answered with the first's order.
 */
const account = { equity: 100_000, patternDayTrader: false };
const btc = request({
  symbol: 'BTC/USD',
  assetClass: 'crypto',
  limitPrice: 60_000,
  qty: 0.06,
  price: 60_100,
  cryptoRank: 1,
});
const sol = request({
  symbol: 'SOL/USD',
  assetClass: 'crypto',
  limitPrice: 150,
  qty: 24,
  price: 150.2,
  cryptoRank: 2,
});

const options = (extra: Partial<CoordinatorOptions> = {}): CoordinatorOptions => ({
  config: config(),
  clock: { now: () => T0 },
  calendar: { isRegularSession: () => false },
  account,
  ...extra,
});

describe('a placement answered with another order', () => {
  it('is a failed placement naming both orders, and the ledger keeps the broker’s truth', async () => {
    const broker = new MemoryBroker({ account, now: () => T0 });
    const a = new InternalCoordinator(options({ idPrefix: 'ws' }));
    await a.reconcile(broker);
    expect((await a.submit(btc, broker)).status).toBe('placed');

    // A restart with the same prefix: its first order is ws-1 again.
    const journal = new MemoryJournal();
    const b = new InternalCoordinator(options({ idPrefix: 'ws', journal }));
    await b.reconcile(broker);
    const out = await b.submit(sol, broker);
    expect(out.status).toBe('compensated');
    expect(out.orderId).toBeNull();
    expect(out.clientOrderId).toBe('ws-1');
    for (const part of ['SOL/USD buy 24 @ 150', 'ws-1', 'm1', 'BTC/USD buy 0.06 @ 60000', 'idPrefix'])
      expect(out.detail).toContain(part);
    expect(journal.transitions.map((t) => t.state)).toEqual([
      'requested',
      'victims-cancelled',
      'compensated',
    ]);
    const open = await broker.openOrders();
    expect(open.map((o) => o.symbol)).toEqual(['BTC/USD']);
    expect(b.ledger.orders.map((o) => [o.id, o.symbol])).toEqual([['m1', 'BTC/USD']]);
    expect(b.ledger.usedMargin(false, config().margin)).toBeCloseTo(3_600, 9);
  });

  it('is refused from the broker’s echo of the order even when the ledger does not hold it (filled long ago)', async () => {
    const memory = new MemoryBroker({ account, now: () => T0 });
    const echoing: Broker = {
      ...bind(memory),
      placeLimit: async (): Promise<PlaceResult> => ({
        ok: true,
        orderId: 'old-7',
        order: { symbol: 'ETH/USD', side: 'buy', qty: 3, limitPrice: 2_400 },
      }),
    };
    const c = new InternalCoordinator(options({ idPrefix: 'ws' }));
    await c.reconcile(echoing);
    const out = await c.submit(sol, echoing);
    expect(out.status).toBe('compensated');
    expect(out.detail).toContain('old-7, ETH/USD buy 3 @ 2400');
    expect(c.ledger.orders).toEqual([]);
  });

  it('a venue that rounds the limit or takes less is still this placement', async () => {
    const memory = new MemoryBroker({ account, now: () => T0 });
    const rounding: Broker = {
      ...bind(memory),
      placeLimit: async (r: PlaceLimitRequest): Promise<PlaceResult> => {
        const placed = await memory.placeLimit(r);
        if (!placed.ok) return placed;
        return {
          ...placed,
          order: { symbol: r.symbol, side: r.side, qty: r.qty - 1, limitPrice: r.limitPrice + 0.004 },
        };
      },
    };
    const c = new InternalCoordinator(options({ idPrefix: 'ws' }));
    await c.reconcile(rounding);
    expect((await c.submit(sol, rounding)).status).toBe('placed');
  });
});

describe('the library’s default client order ids', () => {
  it('differ between coordinators, so a second coordinator or a restart never reuses one', async () => {
    const broker = new MemoryBroker({ account, now: () => T0 });
    const placed: string[] = [];
    const place = broker.placeLimit.bind(broker);
    broker.placeLimit = (r) => {
      placed.push(r.clientOrderId);
      return place(r);
    };
    const a = new Coordinator(options());
    await a.reconcile(broker);
    expect((await a.submit(btc, broker)).status).toBe('placed');
    const b = new Coordinator(options());
    await b.reconcile(broker);
    const out = await b.submit(sol, broker);
    expect(out.status).toBe('placed');
    expect(placed).toHaveLength(2);
    for (const id of placed) expect(id).toMatch(/^ws-[0-9a-f]{12}-1$/);
    expect(placed[0]).not.toBe(placed[1]);
    expect((await broker.openOrders()).map((o) => o.symbol).sort()).toEqual(['BTC/USD', 'SOL/USD']);
  });

  it('an idPrefix given is kept', async () => {
    const broker = new MemoryBroker({ account, now: () => T0 });
    const c = new Coordinator(options({ idPrefix: 'bot-a' }));
    await c.reconcile(broker);
    expect((await c.submit(btc, broker)).clientOrderId).toBe('bot-a-1');
  });
});

/** The memory broker's methods, bound, to override one of them. */
function bind(b: MemoryBroker): Broker {
  return {
    placeLimit: b.placeLimit.bind(b),
    cancel: b.cancel.bind(b),
    openOrders: b.openOrders.bind(b),
    positions: b.positions.bind(b),
    account: b.account.bind(b),
  };
}
