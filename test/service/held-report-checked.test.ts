/**
 * A fill or cancel that came before its order's placement is held back, its order's quantity and limit
 * unknown. When the placement comes, the held report meets the checks any later report meets (more filled than
 * placed, a fill beyond the limit): one that fails them is dropped, the placement is taken, its answer and a
 * log warning name the dropped report and why, and a restart's replay drops it again to the same state.
 * Before, the placement released it unchecked: a fill of 50 @ 1005 held for a buy 10 NVDA @ 100.5 showed
 * NVDA 10 @ 1005 in /v1/status (the 50 clipped to 10).
 */
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/ports/log.js';
import type { OrderBody } from '../../src/service/reports.js';
import { advisoryService, T0, type Harness, closedAfterEachTest } from './fixture.js';

const { open, dirs } = closedAfterEachTest();

/** A service logging into `lines`, over `dir` when given (a restart). */
function start(lines: Record<string, unknown>[], dir?: string): Harness {
  const log = new Logger([{ write: (line) => lines.push(JSON.parse(line)) }], () => T0);
  const h = advisoryService({ equity: 10_000, log, ...(dir ? { dir } : {}) });
  open.push(h);
  if (!dir) dirs.push(h.dir);
  return h;
}

async function restart(h: Harness, lines: Record<string, unknown>[]): Promise<Harness> {
  await h.service.close();
  h.store.close();
  open.splice(open.indexOf(h), 1);
  return start(lines, h.dir);
}

const nvda = (id: string): OrderBody => ({
  id,
  symbol: 'NVDA',
  assetClass: 'stock',
  side: 'buy',
  role: 'entry',
  limitPrice: 100.5,
  qty: 10,
  price: 101,
  forecastPnl: 5,
  placedAt: T0 - 60_000,
  probe: false,
  external: false,
});

/** The money state: what the ledger holds, as /v1/status shows it. */
const money = (h: Harness) => {
  const s = h.service.status() as Record<string, unknown>;
  return { used: s.marginUsed, free: s.marginFree, orders: s.orders, positions: s.positions };
};

/** An open order as /v1/status shows it (its quantity still open). */
const order = (h: Harness, id: string) =>
  (h.service.status() as { orders: { id: string }[] }).orders.find((o) => o.id === id);

const positions = (h: Harness) =>
  (h.service.status() as { positions: { symbol: string; qty: number; price?: number }[] }).positions;

describe('a report held back until its placement', () => {
  it('drops a held fill above the order quantity: the placement counts, its answer and the log say why', async () => {
    const lines: Record<string, unknown>[] = [];
    const h = start(lines);
    const early = h.service.event({ kind: 'fill', orderId: 'e1', filledQty: 50, fillPrice: 1005 });
    // Held for its placement, applied to nothing yet: it answered applied: true ("fill kept").
    expect(early).toEqual({
      applied: false,
      detail: expect.stringMatching(/^fill of e1 not applied: no order e1 was reported placed\. It is held/),
    });
    const placed = h.service.event({ kind: 'placed', order: nvda('e1') });
    expect(placed.applied).toBe(true);
    expect(placed.detail).toMatch(
      /order e1 taken: buy 10 NVDA @ 100\.5, open; the fill report of order e1 \(filledQty 50 at 1005\) .* dropped, not counted: .*50 filled, but the order is held as placed for 10/,
    );
    expect(positions(h).filter((p) => p.symbol === 'NVDA' && p.qty !== 0)).toEqual([]); // before: 10 @ 1005
    expect(order(h, 'e1')).toMatchObject({ qty: 10 });
    const warned = lines.filter((l) => l.event === 'held-report-dropped');
    expect(warned).toEqual([expect.objectContaining({ level: 'warn', orderId: 'e1', filledQty: 50 })]);
    // The order takes its true fill afterwards, as any order does.
    expect(h.service.event({ kind: 'fill', orderId: 'e1', filledQty: 4, fillPrice: 100 }).applied).toBe(true);
    const before = money(h);

    const replayed: Record<string, unknown>[] = [];
    const again = await restart(h, replayed);
    expect(money(again)).toEqual(before);
    expect(order(again, 'e1')).toMatchObject({ qty: 6 });
    expect(replayed.filter((l) => l.event === 'held-report-dropped')).toEqual([
      expect.objectContaining({ level: 'warn', detail: expect.stringMatching(/order e1 .*dropped/) }),
    ]);
  });

  it('drops a held fill beyond the limit, and a held cancel above the quantity; restart agrees', async () => {
    const lines: Record<string, unknown>[] = [];
    const h = start(lines);
    h.service.event({ kind: 'fill', orderId: 'e2', filledQty: 10, fillPrice: 1005 });
    const placed = h.service.event({ kind: 'placed', order: nvda('e2') });
    expect(placed.detail).toMatch(/order e2 .*dropped, not counted: .*filled at 1005.*limit at 100\.5/);
    h.service.event({ kind: 'cancelled', orderId: 'e3', filledQty: 11, fillPrice: 100 });
    const third = h.service.event({ kind: 'placed', order: nvda('e3') });
    expect(third.detail).toMatch(/the cancelled report of order e3 .*dropped/);
    expect(order(h, 'e3')).toMatchObject({ qty: 10 });
    expect(lines.filter((l) => l.event === 'held-report-dropped')).toHaveLength(2);
    const before = money(h);
    const again = await restart(h, []);
    expect(money(again)).toEqual(before);
  });

  it('still counts a held report that agrees with the placement, before and after a restart', async () => {
    const h = start([]);
    h.service.event({ kind: 'fill', orderId: 'e4', filledQty: 5, fillPrice: 100.2 });
    const placed = h.service.event({ kind: 'placed', order: nvda('e4') });
    expect(placed).toEqual({
      applied: true,
      detail: 'order e4 taken: buy 10 NVDA @ 100.5, open, 5 of 10 filled',
    });
    expect(positions(h)).toEqual([expect.objectContaining({ symbol: 'NVDA', qty: 5 })]);
    const before = money(h);
    const again = await restart(h, []);
    expect(money(again)).toEqual(before);
  });
});
