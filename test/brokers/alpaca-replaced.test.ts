import { beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/marketdata/index.js';
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
