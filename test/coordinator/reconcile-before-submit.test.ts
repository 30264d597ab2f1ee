import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import type { CoordinatorOptions } from '../../src/coordinator/options.js';
import type { OpenOrder } from '../../src/core/types.js';
import { config, order, request, T0 } from '../support/builders.js';

/**
 * A coordinator that never took the broker's state counts the margin the broker's orders hold as free: the
 * README's situation (ETH holds 7,200 of 10,000) answered BTC `placed capacity-available` and the broker then
 * held 10,800. submit() refuses until the first reconcile, or when told the account starts empty.
 */
const account = { equity: 10_000, patternDayTrader: false };
const eth: OpenOrder = order({
  id: 'eth-1',
  symbol: 'ETH/USD',
  assetClass: 'crypto',
  limitPrice: 2_400,
  qty: 3,
  price: 2_600,
  forecastPnl: 20,
});
const btc = request({
  symbol: 'BTC/USD',
  assetClass: 'crypto',
  limitPrice: 60_000,
  qty: 0.06,
  price: 60_100,
  forecastPnl: 40,
  cryptoRank: 1,
});

const options = (extra: Partial<CoordinatorOptions> = {}): CoordinatorOptions => ({
  config: config(),
  clock: { now: () => T0 },
  calendar: { isRegularSession: () => false },
  account: { ...account },
  ...extra,
});

describe('submit before the first reconcile', () => {
  it('is refused with what to do, and nothing reaches the broker', async () => {
    const broker = new MemoryBroker({ account, orders: [eth], now: () => T0 });
    const c = new Coordinator(options());
    await expect(c.submit(btc, broker)).rejects.toThrow(
      /submit\(BTC\/USD\) refused: .*reconcile\(broker\).*startsEmpty: true/,
    );
    expect(broker.calls).toEqual({ placeLimit: 0, cancel: 0, reads: 0 });
    expect((await broker.openOrders()).map((o) => o.id)).toEqual(['eth-1']);
  });

  it('after reconcile, steals as the broker’s truth requires (never over-commits)', async () => {
    const broker = new MemoryBroker({ account, orders: [eth], now: () => T0 });
    const c = new Coordinator(options());
    await c.reconcile(broker);
    const out = await c.submit(btc, broker);
    expect(out.status).toBe('stole');
    expect((await broker.openOrders()).map((o) => o.symbol)).toEqual(['BTC/USD']);
  });

  it('runs at once when the coordinator was told the account starts empty', async () => {
    const broker = new MemoryBroker({ account, now: () => T0 });
    const c = new Coordinator(options({ startsEmpty: true }));
    expect((await c.submit(btc, broker)).status).toBe('placed');
  });

  it('a ledger reset from a book (the service’s advisory mode) counts as reconciled', async () => {
    const broker = new MemoryBroker({ account, orders: [eth], now: () => T0 });
    const c = new Coordinator(options());
    expect(c.ledger.reconciled).toBe(false);
    c.ledger.reset({ account, orders: [eth], positions: [] });
    expect(c.ledger.reconciled).toBe(true);
    expect((await c.submit(btc, broker)).status).toBe('stole');
  });

  it('a reconcile that failed (the broker’s state refused) leaves it unreconciled', async () => {
    const bad = new MemoryBroker({ account, orders: [{ ...eth, limitPrice: Number.NaN }], now: () => T0 });
    const c = new Coordinator(options());
    await expect(c.reconcile(bad)).rejects.toThrow(/broker\.orders\[0\]\.limitPrice/);
    await expect(c.submit(btc, bad)).rejects.toThrow(/refused/);
  });
});
