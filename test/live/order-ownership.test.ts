import { describe, expect, it } from 'vitest';
import type { OpenOrder } from '../../src/core/types.js';
import { OwnershipReport } from '../../src/live/order-ownership.js';
import { LiveStore } from '../../src/live/store.js';
import { TrackedBroker } from '../../src/live/tracked-broker.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { LiveBroker } from '../../src/ports/venue.js';
import { order } from '../support/builders.js';

/**
 * Which of the venue's open orders are this run's: the ones its store placed (by the venue's order id, or by
 * client order id for a placement whose answer was lost). An order under another `ws-…` id is another run's
 * (foreign: held as external, never touched); an order under someone else's id stays external as the venue
 * adapter says.
 */
const T0 = Date.parse('2025-01-15T15:00:00Z');

function brokerOver(orders: OpenOrder[]): LiveBroker {
  return { openOrders: async () => orders } as unknown as LiveBroker;
}

describe("the venue's open orders, as this run's store knows them", () => {
  it('marks ws- orders this store did not place as foreign and external; keeps its own and manual ones', async () => {
    const store = new LiveStore(':memory:');
    store.startRun('mine', 'replay', T0, {});
    const row = (clientOrderId: string, orderId: string | null) =>
      store.recordOrder(
        {
          clientOrderId,
          orderId,
          symbol: 'ETH/USD',
          assetClass: 'crypto',
          side: 'buy',
          role: 'entry',
          limitPrice: 3000,
          qty: 1,
          takeProfit: 3100,
          forecastPnl: 5,
          signalKey: 'k',
          placedAt: T0,
          status: orderId ? 'open' : 'sending',
        },
        T0,
      );
    row('ws-mine-1', 'v1');
    row('ws-mine-2', null); // its placement's answer was lost
    const venue = [
      order({ id: 'v1', symbol: 'ETH/USD', clientOrderId: 'ws-mine-1' }),
      order({ id: 'v2', symbol: 'ETH/USD', clientOrderId: 'ws-mine-2' }),
      order({ id: 'v3', symbol: 'ETH/USD', clientOrderId: 'ws-zzz-99' }),
      order({ id: 'v4', symbol: 'ETH/USD', clientOrderId: 'by-hand', external: true }),
    ];
    const tracked = new TrackedBroker(brokerOver(venue), store, () => T0);
    const open = await tracked.openOrders();
    expect(open.map((o) => [o.id, o.external])).toEqual([
      ['v1', false],
      ['v2', false],
      ['v3', true],
      ['v4', true],
    ]);
    expect(tracked.foreign.map((o) => o.id)).toEqual(['v3']);
    store.close();
  });

  it('warns once of foreign orders and of several entries of ours on one symbol, again when they change', () => {
    const sink = new MemorySink();
    const log = new Logger([sink]);
    const report = new OwnershipReport();
    const ours = [order({ id: 'a', symbol: 'ETH/USD' }), order({ id: 'b', symbol: 'ETH/USD' })];
    const foreign = [order({ id: 'f', symbol: 'BTC/USD', external: true })];
    const other = order({ id: 'c', symbol: 'SOL/USD' });
    report.update([...ours, other, ...foreign], foreign, log);
    report.update([...ours, other, ...foreign], foreign, log);
    expect(report.warnings.map((w) => [w.kind, w.symbol, w.orders])).toEqual([
      ['foreign-orders', 'BTC/USD', ['f']],
      ['duplicate-entries', 'ETH/USD', ['a', 'b']],
    ]);
    const events = () => sink.lines.map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events()).toEqual(['foreign-orders', 'duplicate-entries']);
    report.update([ours[0]!, other], [], log);
    expect(report.warnings).toEqual([]);
    report.update([...ours, other], [], log);
    expect(events()).toEqual(['foreign-orders', 'duplicate-entries', 'duplicate-entries']);
  });
});
