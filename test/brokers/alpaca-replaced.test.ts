import { beforeAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import type { OpenOrder } from '../../src/core/types.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import type { VenueOrder } from '../../src/ports/venue.js';
import { config, request } from '../support/builders.js';
import { nextEvent, realSeries, requestsSeen, rig, type Rig } from './alpaca-rig.js';

/**
 * An order of ours replaced at Alpaca (a PATCH by hand or by another program) while our cancel of it is out.
 * Alpaca closes it as `replaced`, but the replacing order holds its margin. The broker answered the cancel
 * `cancelled` (a `replaced` order read as `canceled`), so a steal freed that margin and placed on it while
 * the replacing order still held it, until a later reconcile. Now the cancel answers `rejected`, naming the
 * replacing order (a steal then takes the venue's state and stops), and a reconcile is asked for (`resync`),
 * whether the stream said `replaced` or only a REST check showed it.
 */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

async function placed(r: Rig): Promise<string> {
  const p = await r.broker.placeLimit({
    clientOrderId: 'ws-repl-1',
    symbol: 'SOL/USD',
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice: 100,
    qty: 10,
  });
  if (!p.ok) throw new Error(p.reason);
  return p.orderId;
}

const reason = (old: string, by: string): string =>
  `order ${old} was replaced by order ${by} at Alpaca during its cancel; the replacing order holds the margin, so the ledger takes the venue's state`;

describe('an order replaced at Alpaca during our cancel', () => {
  it('the stream says replaced: the cancel is rejected naming the replacing order, and a reconcile is asked', async () => {
    const r = await rig(series);
    const id = await placed(r);
    r.fake.beginReplace(id);
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    const cancel = r.broker.cancel(id);
    // Alpaca cannot cancel an order being replaced (422); the broker then waits on the order's end.
    await requestsSeen(r, (q) => q.method === 'GET' && q.path === `/v2/orders/${id}`, 1);
    const by = r.fake.finishReplace(id, { limitPrice: 101, qty: 9 });
    expect(await cancel).toEqual({ status: 'rejected', reason: reason(id, by.id) });
    expect(await resync).toEqual({ kind: 'resync' });
    // What a resync reads: the replacing order, open with its margin, and not ours.
    expect((await r.broker.openOrders()).map((o) => [o.id, o.qty, o.external])).toEqual([[by.id, 9, true]]);
  });

  it('the stream event is lost: a REST check shows replaced, and the broker asks for the reconcile itself', async () => {
    const r = await rig(series);
    const id = await placed(r);
    r.fake.beginReplace(id);
    const by = r.fake.finishReplace(id, { limitPrice: 101, qty: 9 }, false);
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    expect(await r.broker.cancel(id)).toEqual({ status: 'rejected', reason: reason(id, by.id) });
    expect(await resync).toEqual({ kind: 'resync' });
    expect(r.events.filter((e) => e.kind === 'canceled')).toEqual([]);
  });
});

/**
 * A place whose answer was lost, its order replaced at Alpaca (by hand or another program) before the broker
 * looked it up. The look-up read the `replaced` order as `canceled`-but-placed: the broker answered the place
 * ok, so the ledger held the request's margin for an order that no longer works, while the venue held the
 * replacing order's. Now the place answers not placed, naming the replacing order, and a reconcile is asked
 * for: the saga takes the venue's state, and the ledger holds what the venue holds.
 */
describe('a place whose answer was lost, its order replaced at Alpaca before the look-up', () => {
  it("the ledger ends with the venue's margin: the replacing order's", async () => {
    const r = await rig(series);
    const cfg = config();
    const account = await r.broker.account();
    const coordinator = new Coordinator({
      config: cfg,
      clock: { now: () => r.time.t },
      calendar: { isRegularSession: () => false },
      account,
      idPrefix: 'ws-lost',
    });
    await coordinator.reconcile(r.broker);
    let lost = false;
    let by: VenueOrder | null = null;
    r.fake.faults = {
      loseAnswer: (m, p) => {
        const hit = !lost && m === 'POST' && p === '/v2/orders';
        if (hit) lost = true;
        return hit;
      },
      // Between the lost POST and its look-up, the order is replaced at the venue.
      failWith: (m, p) => {
        if (m === 'GET' && p === '/v2/orders:by_client_order_id' && by === null) {
          const placed = r.venue.orderByClientId(String(r.fake.placed.at(-1)!.client_order_id))!;
          r.fake.beginReplace(placed.id);
          by = r.fake.finishReplace(placed.id, { limitPrice: 101, qty: 9 }, false);
        }
        return null;
      },
    };
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    const sol = { symbol: 'SOL/USD', assetClass: 'crypto' as const, limitPrice: 100, qty: 10, price: 100 };
    const out = await coordinator.submit(request({ ...sol, cryptoRank: 1 }), r.broker);
    expect(lost).toBe(true);
    expect(by).not.toBeNull();
    const replacing = by!;
    // The ledger holds what the venue holds: the replacing order (not ours), and its margin.
    const venueOrders = await r.broker.openOrders();
    const terms = (os: readonly OpenOrder[]): unknown[] =>
      os.map((o) => [o.id, o.qty, o.limitPrice, o.external]);
    expect(terms(venueOrders)).toEqual([[replacing.id, 9, 101, true]]);
    expect(terms(coordinator.ledger.orders)).toEqual(terms(venueOrders));
    const venue = new CapacityLedger(account);
    venue.reset({ account, orders: venueOrders, positions: await r.broker.positions() });
    expect(coordinator.ledger.usedMargin(false, cfg.margin)).toBe(venue.usedMargin(false, cfg.margin));
    expect(coordinator.ledger.usedMargin(false, cfg.margin)).toBe(909);
    // ...which is what the broker's own buying power is short of (crypto: cash-like, 1x).
    const now = await r.broker.account();
    expect(now.equity - now.buyingPower!.nonMarginable).toBe(909);
    // The place answered not placed, naming the replacing order, and a reconcile was asked for.
    expect(out.status).toBe('compensated');
    expect(out.detail).toMatch(
      new RegExp(
        `^place rejected: ws-lost-\\d+ reached Alpaca as order \\S+, which was replaced there by order ${replacing.id} before its answer came`,
      ),
    );
    expect(await resync).toEqual({ kind: 'resync' });
  });
});

describe('any look-up of one order that Alpaca replaced', () => {
  it('reads it closed and asks for a reconcile, since the replacing order holds its margin', async () => {
    const r = await rig(series);
    const id = await placed(r);
    r.fake.beginReplace(id);
    r.fake.finishReplace(id, { limitPrice: 101, qty: 9 }, false); // no stream event: only the look-up shows it
    expect(r.events.filter((e) => e.kind === 'resync')).toEqual([]);
    expect(await r.broker.orderByClientId('ws-repl-1')).toMatchObject({ id, status: 'canceled' });
    expect(r.events.filter((e) => e.kind === 'resync')).toEqual([{ kind: 'resync' }]);
  });
});
