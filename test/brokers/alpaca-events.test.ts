import { beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/marketdata/index.js';
import { nextEvent, realSeries, rig } from './alpaca-rig.js';

/**
 * trade_updates events that change an order behind worksteal's back — Alpaca restating it (a corporate
 * action moves its price or quantity), replacing it, or suspending it — are not order events worksteal
 * models, but the ledger is behind the venue after one: each asks for a reconcile (`resync`), as a stream
 * gap does, so the next decision takes the venue's word.
 */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

describe('events that change an order behind our back', () => {
  it.each([
    ['restated', undefined],
    ['replaced', 'replaced'],
    ['suspended', 'suspended'],
  ])('%s asks for a reconcile', async (event, status) => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit({
      clientOrderId: `ws-ev-${event}`,
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 1,
    });
    if (!placed.ok) throw new Error(placed.reason);
    const heard = nextEvent(r, (e) => e.kind === 'resync');
    r.fake.announce(event, placed.orderId, status);
    expect(await heard).toEqual({ kind: 'resync' });
  });
});
