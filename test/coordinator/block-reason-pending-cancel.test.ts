import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import type { OpenOrder } from '../../src/core/types.js';
import { config, decideIn, order, request, T0 } from '../support/builders.js';

/**
 * `margin` means "nothing of ours to steal from at all" (README, block reasons). Our orders that another
 * saga is cancelling are ours, only not eligible now: a request short of margin meanwhile is blocked with
 * `no-eligible-victims`, not `margin`.
 */
const account = { equity: 10_000, patternDayTrader: false };
const eth: OpenOrder = order({
  id: 'eth-1',
  symbol: 'ETH/USD',
  assetClass: 'crypto',
  limitPrice: 2_400,
  qty: 3,
  price: 2_600,
});
const crypto = { assetClass: 'crypto' as const, side: 'buy' as const };
const btc = request({
  ...crypto,
  symbol: 'BTC/USD',
  limitPrice: 60_000,
  qty: 0.06,
  price: 60_100,
  forecastPnl: 40,
  cryptoRank: 1,
});
const sol = request({
  ...crypto,
  symbol: 'SOL/USD',
  limitPrice: 150,
  qty: 24,
  price: 150.2,
  forecastPnl: 30,
  cryptoRank: 2,
});

describe('a request short of margin while our only orders are being cancelled', () => {
  it('is blocked as no-eligible-victims in the coordinator', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const broker = new MemoryBroker({
      account,
      orders: [eth],
      now: () => T0,
      faults: { delay: async (call) => (call === 'cancel' ? gate : undefined) },
    });
    const c = new Coordinator({
      config: config(),
      clock: { now: () => T0 },
      calendar: { isRegularSession: () => false },
      account,
    });
    await c.reconcile(broker);
    const first = c.submit(btc, broker); // steals eth-1; its cancel waits at the gate
    const second = c.submit(sol, broker);
    const blocked = await second;
    release();
    expect((await first).status).toBe('stole');
    expect(blocked.status).toBe('blocked');
    expect(blocked.decision.reason).toBe('no-eligible-victims');
    expect(blocked.decision.candidates?.orders.map((o) => o.id)).toEqual(['eth-1']);
  });

  it('in the pure decision: pending cancels of other symbols are ours (no-eligible-victims), none at all is margin', () => {
    const situation = { equity: 10_000, sessionOpen: false, request: sol };
    const pending = { ...eth, pendingCancelBy: 'saga-1' };
    expect(decideIn({ ...situation, orders: [pending] }).reason).toBe('no-eligible-victims');
    // Our order of the requester's own symbol being cancelled is no order to steal from: still margin.
    const own = { ...pending, symbol: 'SOL/USD' };
    expect(decideIn({ ...situation, orders: [own] }).reason).toBe('margin');
    const external = { ...eth, external: true };
    expect(decideIn({ ...situation, orders: [external] }).reason).toBe('margin');
  });
});
