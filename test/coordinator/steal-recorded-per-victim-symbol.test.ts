import { describe, expect, it } from 'vitest';
import { harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';

/**
 * A steal that cancels two orders of one symbol is one steal from that symbol: one history event per victim
 * symbol. Counted twice, the pair would reach `fightThreshold` (and the thief its steal budget) twice as fast.
 *
 * Equity 3,000 without PDT (stocks hold 50%): AAPL rests two orders (10% and 8% away) and MSFT one (1%), 1,000
 * each; NVDA asks for 30 × 100 (1,500) and takes both AAPL orders.
 */
describe('steal history: one event per victim symbol', () => {
  it('two AAPL victims at once are one NVDA→AAPL steal; the pair is not fighting at threshold 2', async () => {
    const h = await harness({
      book: {
        equity: 3_000,
        patternDayTrader: false,
        sessionOpen: true,
        orders: [
          order({ id: 'a1', symbol: 'AAPL', price: 110 }),
          order({ id: 'a2', symbol: 'AAPL', price: 108 }),
          order({ id: 'm', symbol: 'MSFT', price: 101 }),
        ],
        positions: [],
      },
      config: { fightThreshold: 2 },
    });
    const out = await h.coordinator.submit(request({ symbol: 'NVDA', qty: 30, price: 100.1 }), h.broker);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['a1', 'a2']);
    const history = h.coordinator.history;
    expect(history.all().map((e) => [e.thief, e.victim])).toEqual([['NVDA', 'AAPL']]);
    expect(history.pairCount('NVDA', 'AAPL', h.clock.t)).toBe(1);
    expect(history.isFighting('NVDA', 'AAPL', h.clock.t)).toBe(false);
    expect(history.stealsBy('NVDA', h.clock.t, 86_400_000)).toBe(1);
  });
});
