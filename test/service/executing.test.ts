/**
 * Executing mode: the service carries the steal out against the broker itself, and the ledger follows the
 * broker (order events from bots are refused, quotes aside).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenOrder } from '../../src/core/types.js';
import { executingService, MemoryVenue, readyRequest, restingOrder, T0 } from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function executing(orders: OpenOrder[]) {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-exec-'));
  const broker = new MemoryVenue({
    account: { equity: 10_000, patternDayTrader: false },
    orders,
    now: () => T0,
  });
  const { service, store } = executingService(dir, broker);
  cleanups.push(async () => {
    await service.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { service, broker };
}

describe('executing service', () => {
  it('steals against the broker itself and answers with the outcome', async () => {
    const eth = restingOrder('eth-1', 'ETH/USD', 8_000);
    const { service, broker } = executing([
      { ...eth, placedAt: eth.placedAt!, clientOrderId: undefined } as OpenOrder,
    ]);
    const answer = await service.request(readyRequest('BTC/USD', 3_000));
    expect(answer.status).toBe('stole');
    expect(answer.victims).toEqual(['eth-1']);
    expect(answer.saga?.state).toBe('done');
    expect((await broker.openOrders()).map((o) => o.symbol)).toEqual(['BTC/USD']);
    expect(service.coordinator.history.all().map((s) => [s.thief, s.victim])).toEqual([
      ['BTC/USD', 'ETH/USD'],
    ]);
  });

  it('takes quotes from bots but nothing the venue reports itself', async () => {
    const { service } = executing([]);
    expect(service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 1, ask: 1.1 }).applied).toBe(true);
    expect(() => service.event({ kind: 'cancelled', orderId: 'x', filledQty: 0 })).toThrow(
      /send only quotes/,
    );
    await expect(service.report('ws-1', { kind: 'cancelled', orderId: 'x', filledQty: 0 })).rejects.toThrow(
      /advisory mode/,
    );
  });
});
