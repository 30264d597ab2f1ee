/**
 * Fills are cumulative: a fill report whose quantity is not above what the order has filled changes nothing,
 * and the answer says so (it answered `applied: true, "fill applied"` before).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advisoryService, restingOrder, type Harness } from './fixture.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

describe('a fill not above the cumulative quantity applied', () => {
  it('answers applied: false with why, stores nothing; a larger one counts', async () => {
    const h = advisoryService({ equity: 10_000 });
    open.push(h);
    await h.service.ready;
    h.service.event({ kind: 'placed', order: { ...restingOrder('eth-1', 'ETH/USD', 1_000), qty: 10 } });
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 5, fillPrice: 100 })).toEqual({
      applied: true,
      detail: 'order eth-1 open, 5 of 10 filled',
    });
    const rows = h.service.tables.reports().length;
    const status = () => JSON.stringify(h.service.status().positions);
    const before = status();

    const older = h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 3, fillPrice: 99 });
    expect(older).toEqual({
      applied: false,
      detail:
        "fill: order eth-1 has 5 filled already; this report's cumulative 3 is older than that; nothing changed",
    });
    const same = h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 5, fillPrice: 100 });
    expect(same.applied).toBe(false);
    expect(same.detail).toMatch(/cumulative 5 is the same \(a repeat\)/);
    expect(h.service.tables.reports()).toHaveLength(rows);
    expect(status()).toBe(before);

    const more = h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 7, fillPrice: 100 });
    expect(more).toEqual({ applied: true, detail: 'order eth-1 open, 7 of 10 filled' });
  });
});
