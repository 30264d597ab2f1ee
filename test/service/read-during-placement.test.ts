/**
 * Executing mode reads the broker for a request while another request's placement is still on its way: the
 * venue holds that order by then and has filled it, so the read counts its position. The placement's answer
 * that comes after must not put the order back into the ledger as open: no event follows to read the broker
 * again, and its margin stayed held twice, refusing later requests margin the account has.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/ports/venue.js';
import type { CoordinatorService } from '../../src/service/service.js';
import { executingService, MemoryVenue, readyRequest, T0 } from './fixture.js';

/** A memory venue whose stream tells fills, as Alpaca's trade_updates does. */
class StreamingVenue extends MemoryVenue {
  private readonly stream = new Set<(e: OrderEvent) => void>();
  override onOrderEvent(listener: (e: OrderEvent) => void): () => void {
    this.stream.add(listener);
    return () => this.stream.delete(listener);
  }
  /** The order `id` (client order id `clientOrderId`) filled whole at `price`, and the stream says so. */
  fillAndTell(id: string, clientOrderId: string, price: number): void {
    const open = this.openOrder(id)!;
    this.fillOrder(id, price);
    const { symbol, assetClass, side, role, limitPrice, qty } = open;
    const order = { id, clientOrderId, symbol, assetClass, side, role, limitPrice, qty, filledQty: qty };
    for (const l of this.stream)
      l({ kind: 'fill', order: { ...order, fillPrice: price, status: 'filled', placedAt: T0 } });
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

it('a fill read while its placement’s answer is out: the ledger equals the venue once both requests end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-read-place-'));
  let second: Promise<unknown> | null = null;
  const venue: StreamingVenue = new StreamingVenue({
    account: { equity: 10_000, patternDayTrader: false },
    now: () => T0,
    faults: {
      // BTC's order reached the venue and filled; ETH's request reads the broker and ends before BTC's answer.
      beforeAnswer: async (call, id) => {
        if (call !== 'place' || second !== null) return;
        venue.fillAndTell(id, 'unknown-here', 100);
        second = service.request(readyRequest('ETH/USD', 2_000));
        await second;
      },
    },
  });
  const built = executingService(dir, venue);
  const service: CoordinatorService = built.service;
  cleanups.push(() => {
    built.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await service.ready;

  const first = await service.request(readyRequest('BTC/USD', 3_000));
  expect(first.status, JSON.stringify(first)).toBe('placed');
  expect(second).not.toBeNull();

  const ledger = service.coordinator.ledger.snapshot();
  const open = (await venue.openOrders()).map((o) => o.id).sort();
  expect(ledger.orders.map((o) => o.id).sort()).toEqual(open);
  expect(ledger.positions.map((p) => [p.symbol, p.qty])).toEqual(
    (await venue.positions()).map((p) => [p.symbol, p.qty]),
  );
  await service.close();
});
