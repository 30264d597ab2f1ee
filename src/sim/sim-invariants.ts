import type { SimState } from './sim-state.js';

/**
 * The simulator's books agree (SimInput.assertInvariants): the coordinator's ledger, which decides capacity,
 * holds exactly the portfolio's positions, marked to the last close, and exactly the simulated venue's open
 * orders. A ledger that drifted from the venue would let a decision see margin that is not there.
 */
export function assertBooksAgree(st: SimState): void {
  const at = new Date(st.now).toISOString();
  const fail: (what: string) => never = (what) => {
    throw new Error(`invariant: ${what} at ${at}`);
  };
  const ledger = st.ledger;
  for (const p of st.portfolio.positions.values()) {
    const held = ledger.position(p.symbol);
    const qty = p.side === 'buy' ? p.qty : -p.qty;
    if (!held || Math.abs(held.qty - qty) > 1e-9 * Math.max(1, Math.abs(qty)))
      fail(`${p.symbol}: the ledger holds ${held?.qty ?? 0}, the portfolio ${qty}`);
    const mark = st.mark(p.symbol);
    if (Math.abs(held.price - mark) > 1e-12 * Math.max(1, mark))
      fail(`${p.symbol}: the ledger marks the position at ${held.price}, the last close is ${mark}`);
  }
  for (const p of ledger.positions)
    if (!st.portfolio.positions.has(p.symbol))
      fail(`${p.symbol}: the ledger holds ${p.qty}, the portfolio none`);
  for (const o of ledger.orders) {
    const venue = st.broker.orders.get(o.id);
    if (!venue || venue.qty !== o.qty || venue.limitPrice !== o.limitPrice)
      fail(
        `order ${o.id} (${o.symbol}): the ledger has ${o.qty} at ${o.limitPrice}, the venue ${venue ? `${venue.qty} at ${venue.limitPrice}` : 'none'}`,
      );
  }
  for (const [id, o] of st.broker.orders) {
    if (!ledger.hasOrder(id)) fail(`order ${id}: at the venue, not in the ledger`);
    // A DAY limit is gone from the venue, and so from capacity, at the first step at or after its lapse.
    if (o.hours.lapsesAt <= st.now)
      fail(
        `order ${id} (${o.symbol}): still resting after it lapsed at ${new Date(o.hours.lapsesAt).toISOString()}`,
      );
  }
  for (const w of st.watchers)
    if (w.restingOrderId !== null && !st.broker.orders.has(w.restingOrderId))
      fail(`${w.symbol}: its entry ${w.restingOrderId} is not at the venue`);
  // Each resting entry has one owner, the watcher that rests it: a stolen, cancelled or lapsed one has none.
  for (const [id, w] of st.entryOwner)
    if (w.restingOrderId !== id) fail(`entry ${id}: owned by ${w.symbol}, which rests ${w.restingOrderId}`);
}
