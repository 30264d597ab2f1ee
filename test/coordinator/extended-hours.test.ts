/**
 * Extended hours (issue: victims cancelled for orders that cannot fill). With `extendedHours` on, a stock
 * request may rest in the pre-market and after-hours sessions (04:00–20:00 New York on trading days), and
 * nowhere else: overnight, on weekends and holidays it waits `market-closed`, and no victim is cancelled for it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { nyseCalendar, stockSessionAt } from '../../src/core/calendar/index.js';
import { config, order, request } from '../support/builders.js';

const calendar = nyseCalendar();
// Wednesday 2025-01-15, New York winter time (UTC−5).
const AT = {
  overnight: Date.parse('2025-01-15T07:00:00Z'), // 02:00 New York
  preMarket: Date.parse('2025-01-15T12:00:00Z'), // 07:00
  afterHours: Date.parse('2025-01-15T23:00:00Z'), // 18:00
  lateNight: Date.parse('2025-01-16T02:00:00Z'), // 21:00
  saturday: Date.parse('2025-01-18T15:00:00Z'),
};

async function ask(now: number, extendedHours: boolean) {
  const broker = new MemoryBroker({
    account: { equity: 2_000, patternDayTrader: false },
    // Two resting stock entries far from their limits fill the account (2 × 2,000 at 50%).
    orders: [
      order({ id: 'aapl-1', symbol: 'AAPL', placedAt: now - 3_600_000 }),
      order({ id: 'msft-1', symbol: 'MSFT', placedAt: now - 3_600_000 }),
    ],
    now: () => now,
  });
  const coordinator = new Coordinator({
    config: config({ extendedHours }),
    clock: { now: () => now },
    calendar,
    account: { equity: 2_000, patternDayTrader: false },
  });
  await coordinator.reconcile(broker);
  // The victims' prices come from quotes, as in the runtime: 10% above their limits.
  coordinator.markQuote('AAPL', 110, 110);
  coordinator.markQuote('MSFT', 110, 110);
  // Ready to steal: 0.1% from its limit, needing 1,000 of margin the account does not have.
  const outcome = await coordinator.submit(request({ symbol: 'NVDA', qty: 20, price: 100.1 }), broker);
  return { outcome, open: (await broker.openOrders()).map((o) => o.id).sort() };
}

describe('stock requests and extended hours', () => {
  it('the calendar names the session: regular, extended (04:00–20:00 New York) or closed', () => {
    expect(stockSessionAt(AT.overnight, calendar)).toBe('closed');
    expect(stockSessionAt(AT.preMarket, calendar)).toBe('extended');
    expect(stockSessionAt(Date.parse('2025-01-15T15:00:00Z'), calendar)).toBe('regular');
    expect(stockSessionAt(AT.afterHours, calendar)).toBe('extended');
    expect(stockSessionAt(AT.lateNight, calendar)).toBe('closed');
    expect(stockSessionAt(AT.saturday, calendar)).toBe('closed');
  });

  it('overnight, at the weekend and late at night a stock waits and no victim is cancelled', async () => {
    for (const now of [AT.overnight, AT.lateNight, AT.saturday]) {
      const { outcome, open } = await ask(now, true);
      expect(outcome.status, new Date(now).toISOString()).toBe('waited');
      expect(outcome.decision.reason).toBe('market-closed');
      expect(open).toEqual(['aapl-1', 'msft-1']);
    }
  });

  it('in the pre-market and after hours a ready stock steals as in the session', async () => {
    for (const now of [AT.preMarket, AT.afterHours]) {
      const { outcome, open } = await ask(now, true);
      expect(outcome.status, `${new Date(now).toISOString()} ${outcome.decision.reason}`).toBe('stole');
      expect(open).toHaveLength(2); // one victim cancelled, the stealer resting
    }
  });

  it('with extended hours off, every hour outside the regular session waits', async () => {
    for (const now of [AT.preMarket, AT.afterHours, AT.overnight]) {
      const { outcome } = await ask(now, false);
      expect(outcome.decision.reason).toBe('market-closed');
    }
  });
});
