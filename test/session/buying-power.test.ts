import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import type { OpenOrder } from '../../src/core/types.js';
import { brokerFreeMargin } from '../../src/session/buying-power.js';
import { config, order, request, T0 } from '../support/builders.js';

/**
 * The broker's buying power caps capacity beside equity (docs/live.md). A pattern-day-trader account with
 * 30,000 equity holds 80,000 of stock (20,000 of margin at the 4x intraday rule); the broker leaves 2,000
 * free. Equity must keep picking the 4x tier: rewriting it to match the broker (22,000, under the 25,000 PDT
 * minimum) made the same book 18,000 over capacity.
 */
const EQUITY = 30_000;
const cfg = config({ bufferPct: 0, patternDayTrader: true });
/** Day-trading buying power (notional, 4x) that leaves 2,000 of margin free. */
const BUYING_POWER = { nonMarginable: 2_000, daytrading: 8_000, regt: 4_000 };

async function pdtAccount(
  orders: OpenOrder[] = [],
): Promise<{ coordinator: Coordinator; broker: MemoryBroker }> {
  const account = { equity: EQUITY, patternDayTrader: true };
  const broker = new MemoryBroker({
    account,
    orders,
    positions: [{ symbol: 'SPY', assetClass: 'stock', qty: 160, price: 500 }],
    now: () => T0,
  });
  const coordinator = new Coordinator({
    config: cfg,
    clock: { now: () => T0 },
    calendar: { isRegularSession: () => true },
    account,
  });
  await coordinator.reconcile(broker);
  const ctx = { equity: EQUITY, patternDayTrader: true, sessionOpen: true };
  coordinator.capToBrokerFree(brokerFreeMargin(BUYING_POWER, ['stock'], ctx, cfg.margin));
  return { coordinator, broker };
}

/** A stock entry needing `margin` at the 4x intraday requirement. */
const entryNeeding = (margin: number) => request({ symbol: 'NVDA', qty: (margin * 4) / 100, price: 100 });

describe('broker buying power as a capacity cap (pattern day trader)', () => {
  it('keeps equity and the 4x tier; capacity is what is held plus what the broker leaves', async () => {
    const { coordinator } = await pdtAccount();
    const ledger = coordinator.ledger;
    expect(ledger.account.equity).toBe(EQUITY);
    expect(ledger.usedMargin(true, cfg.margin)).toBeCloseTo(20_000, 9);
    expect(ledger.capacity(cfg.bufferPct)).toBeCloseTo(22_000, 9);
    expect(coordinator.decide(entryNeeding(1_500)).requirement).toBe(0.25);
  });

  it('a 1,500 entry places', async () => {
    const { coordinator, broker } = await pdtAccount();
    const out = await coordinator.submit(entryNeeding(1_500), broker);
    expect(out.status).toBe('placed');
    expect(out.decision.marginFree).toBeCloseTo(2_000, 9);
  });

  it('a 2,500 entry blocks with a 500 shortfall when nothing can be stolen', async () => {
    const { coordinator, broker } = await pdtAccount();
    const out = await coordinator.submit(entryNeeding(2_500), broker);
    expect(out.status).toBe('blocked');
    expect(out.decision.shortfall).toBeCloseTo(500, 9);
  });

  it('a 2,500 entry steals the 500 it lacks from a far resting entry', async () => {
    // MSFT rests 10% from its price and holds 1,000 (4,000 notional at 4x); the broker still leaves 2,000.
    const msft = order({ id: 'msft', symbol: 'MSFT', qty: 40, limitPrice: 100, price: 110 });
    const { coordinator, broker } = await pdtAccount([msft]);
    expect(coordinator.ledger.capacity(cfg.bufferPct)).toBeCloseTo(23_000, 9);
    const out = await coordinator.submit(entryNeeding(2_500), broker);
    expect(out.decisions[0]!.shortfall).toBeCloseTo(500, 9);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['msft']);
  });

  it('the cap lasts until the next reconcile, which takes the broker at its word again', async () => {
    const { coordinator, broker } = await pdtAccount();
    await coordinator.reconcile(broker);
    expect(coordinator.ledger.capacity(cfg.bufferPct)).toBeCloseTo(EQUITY, 9);
  });
});
