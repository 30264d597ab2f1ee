import { describe, expect, it } from 'vitest';
import { harness, type Harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';

/**
 * An account event (the service) or a reconcile (`run`) can lower equity while a steal's cancels are out.
 * The saga must not place into margin the decision counted on and the account no longer has: it decides
 * again against the smaller account (another victim, or a block), so margin never ends above capacity.
 */
const used = (h: Harness): number => h.coordinator.ledger.usedMargin(h.state.sessionOpen, h.config.margin);
const capacity = (h: Harness): number => h.coordinator.ledger.capacity(h.config.bufferPct);

async function run(equityDuringCancel: number) {
  let shrunk = false;
  // The fault runs during the saga, after `h` is set.
  const h: Harness = await harness({
    book: {
      equity: 4_000,
      patternDayTrader: false,
      sessionOpen: true,
      // Four resting entries of 1,000 margin each (2,000 notional at 50%) fill the account.
      orders: ['AAPL', 'MSFT', 'AMD', 'INTC'].map((symbol, i) =>
        order({ id: symbol.toLowerCase(), symbol, price: 110 - i }),
      ),
      positions: [],
    },
    faults: {
      delay: async (call) => {
        if (call !== 'cancel' || shrunk) return;
        shrunk = true;
        h.broker.setAccount({ equity: equityDuringCancel });
        h.coordinator.ledger.setAccount({ equity: equityDuringCancel });
      },
    },
  });
  const out = await h.coordinator.submit(request({ symbol: 'NVDA', price: 100.1 }), h.broker);
  return { h, out };
}

describe('a steal whose account shrinks while its cancels are out', () => {
  it('decides again and steals what the smaller account needs: margin stays within capacity', async () => {
    const { h, out } = await run(3_000);
    expect(out.status).toBe('stole');
    expect(out.cancelled.length).toBe(2);
    expect(h.journal.transitions.map((t) => t.state)).toContain('redecide');
    expect(used(h)).toBeLessThanOrEqual(capacity(h) + 1e-6);
  });

  it('an account that grew meanwhile places as decided, without deciding again', async () => {
    const { h, out } = await run(5_000);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['aapl']);
    expect(h.journal.transitions.map((t) => t.state)).not.toContain('redecide');
  });
});
