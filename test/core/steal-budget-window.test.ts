import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STEAL_BUDGET_WINDOW_MS, StealHistory } from '../../src/core/policy/steal-history.js';
import type { StealEvent } from '../../src/core/types.js';
import { config, decideIn, order, request, T0 } from '../support/builders.js';

/**
 * The steal budget counts a symbol's own steals with `0 ≤ now − at < 24 h` (the same half-open window as
 * every other rule of the history): a steal exactly 24 hours old no longer counts.
 */
const DAY = STEAL_BUDGET_WINDOW_MS;

describe('steal budget window', () => {
  it('stealsBy counts the thief’s steals with 0 ≤ now − at < window, on and beside both edges', () => {
    const offsets = [-1, 0, 1, DAY - 1, DAY, DAY + 1, 3_600_000];
    const eventArb = fc.record({
      offset: fc.constantFrom(...offsets),
      thief: fc.constantFrom('BTCUSD', 'ETHUSD'),
      victim: fc.constantFrom('AAPL', 'MSFT'),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 10 }), (rows) => {
        const h = new StealHistory(config({ stealBudgetPerDay: 3 }));
        const events: StealEvent[] = rows
          .map((r) => ({ at: T0 - r.offset, thief: r.thief, victim: r.victim }))
          .sort((a, b) => a.at - b.at);
        for (const e of events) h.record(e);
        const expected = events.filter((e) => e.thief === 'BTCUSD' && T0 - e.at >= 0 && T0 - e.at < DAY);
        expect(h.stealsBy('BTCUSD', T0, DAY)).toBe(expected.length);
      }),
      { seed: 2930, numRuns: 300 },
    );
  });

  it('a budget of one: blocked by a steal 24 h − 1 ms ago, free again at exactly 24 h', () => {
    const situation = (at: number) =>
      decideIn({
        equity: 2_000,
        orders: [
          order({ id: 'aapl', symbol: 'AAPL', price: 110 }),
          order({ id: 'msft', symbol: 'MSFT', price: 105 }),
        ],
        history: [{ at, thief: 'NVDA', victim: 'TSLA' }],
        request: request({ symbol: 'NVDA', price: 100.1 }),
        config: { stealBudgetPerDay: 1 },
      });
    expect([situation(T0 - DAY + 1).action, situation(T0 - DAY + 1).reason]).toEqual([
      'block',
      'steal-budget',
    ]);
    const free = situation(T0 - DAY);
    expect(free.action).toBe('steal');
    expect(free.victims).toEqual(['aapl']);
  });
});
