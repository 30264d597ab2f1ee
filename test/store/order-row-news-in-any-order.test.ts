/**
 * An order's row follows the venue whatever order its news arrives in: the stream's events, a cancel's
 * answer, and the look-ups a reconcile makes (settleLostEvents) reach the store by different paths and can
 * overtake each other. Fills are cumulative and a closed order stays closed, so an older report that arrives
 * after a newer one (a `partial_fill` after the `fill`, or after the cancel was acknowledged) changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';

const T = Date.parse('2024-03-12T15:00:00Z');

function storeWithOrder(): LiveStore {
  const store = new LiveStore(':memory:');
  store.startRun('one', 'paper', T, {});
  store.recordOrder(
    {
      clientOrderId: 'ws-one-1',
      orderId: 'v1',
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 10,
      takeProfit: 105,
      forecastPnl: 30,
      signalKey: null,
      placedAt: T,
      status: 'open',
    },
    T,
  );
  return store;
}

const row = (store: LiveStore): unknown =>
  store.db.prepare("SELECT status, filled_qty, fill_price FROM orders WHERE order_id = 'v1'").get();

describe('an order row and news of its order in any order', () => {
  it('a partial fill reported after the whole fill leaves the row filled, with the whole quantity', () => {
    const store = storeWithOrder();
    store.updateOrderStatus('v1', 'filled', 10, 99.5, T + 2);
    store.updateOrderStatus('v1', 'partially_filled', 4, 99.8, T + 3);
    expect(row(store)).toEqual({ status: 'filled', filled_qty: 10, fill_price: 99.5 });
    expect(store.workingOrders()).toEqual([]);
    store.close();
  });

  it('a partial fill reported after the cancel was acknowledged leaves the row canceled', () => {
    const store = storeWithOrder();
    store.updateOrderStatus('v1', 'partially_filled', 4, 99.8, T + 1);
    store.updateOrderStatus('v1', 'canceled', 6, 99.6, T + 2);
    store.updateOrderStatus('v1', 'partially_filled', 4, 99.8, T + 3);
    store.updateOrderStatus('v1', 'open', 0, null, T + 4);
    expect(row(store)).toEqual({ status: 'canceled', filled_qty: 6, fill_price: 99.6 });
    store.close();
  });

  it('news in order still moves the row: open, partly filled, filled', () => {
    const store = storeWithOrder();
    store.updateOrderStatus('v1', 'partially_filled', 4, 99.8, T + 1);
    expect(row(store)).toEqual({ status: 'partially_filled', filled_qty: 4, fill_price: 99.8 });
    store.updateOrderStatus('v1', 'partially_filled', 4, 99.8, T + 2); // a repeat
    store.updateOrderStatus('v1', 'filled', 10, 99.5, T + 3);
    expect(row(store)).toEqual({ status: 'filled', filled_qty: 10, fill_price: 99.5 });
    store.close();
  });
});
