import type { Outcome } from '../coordinator/saga.js';
import { marginCapacity } from '../core/margin/requirements.js';
import { entryLimit } from '../session/entry.js';
import { rankRequests } from '../session/ranking.js';
import { reservedEntryFee, restingEntryFees } from './costs.js';
import type { SimState } from './sim-state.js';
import type { Watcher } from './sim-types.js';

/**
 * Entry requests of this step, most valuable first, each through the coordinator: the core alone says
 * whether a request is within its tolerance tier (a wait) or needs capacity.
 */
export function submitRequests(
  st: SimState,
  requests: Watcher[],
  sessionOpen: boolean,
  equity: number,
): void {
  rankRequests(requests);
  /** The resting entries' reserve, summed again only after an outcome that may have changed the orders. */
  let reserve = Number.NaN;
  for (const w of requests) {
    const req = w.request!;
    // The fees resting entries and this one would pay are held back from the capacity the decision sees, so
    // that no fill leaves margin over capacity (README "The model: assumptions and limits"). A cap on
    // capacity, not a lower equity: equity picks the margin tier, and 25,000 less a few dollars of fees is
    // still a 4x account. The cap is lifted after the step.
    if (Number.isNaN(reserve)) reserve = restingEntryFees(st.ledger.orders, st.fees);
    const held = reserve + reservedEntryFee(req.qty, req.limitPrice, st.fees, req.assetClass);
    st.ledger.setAccount({ capacityCap: marginCapacity(equity - held, st.config.bufferPct) });
    const outcome = st.coordinator.submitSync(req, st.broker);
    if (!leftOrdersAlone(outcome)) reserve = Number.NaN;
    if (outcome.orderId === null) continue;
    w.restingOrderId = outcome.orderId;
    w.restingQty = req.qty;
    w.restingSignal = w.signal;
    w.restingPlacedAt = st.now;
    if (st.decisions.length) st.decisions.setOrderId(st.decisions.length - 1, outcome.orderId);
    st.entryOwner.set(outcome.orderId, w);
    st.input.onEntryPlaced?.(outcome.orderId, w, req);
    if (outcome.status === 'stole') {
      st.counters.steals++;
      if (outcome.decision.fight) st.counters.fights++;
      for (const id of outcome.cancelled) {
        const victim = st.entryOwner.get(id);
        if (!victim) continue;
        // The steal record keeps what regret needs of the victim's order: its limit as placed (the signal's
        // entry rounded to the venue's tick), not the signal's unrounded entry.
        const sig = victim.restingSignal!;
        st.steals.pushVictim(
          id,
          victim.symbol,
          sig.side,
          entryLimit(victim.assetClass, sig),
          victim.restingQty,
          sig.takeProfit,
          sig.validUntil,
          victim.restingPlacedAt,
        );
        if (victim.restingOrderId === id) victim.restingOrderId = null;
        st.entryOwner.delete(id);
      }
      st.steals.push(st.now, w.symbol, outcome.orderId, outcome.decision.fight);
    }
    if (st.input.assertInvariants) {
      const used = st.ledger.usedMargin(sessionOpen, st.config.margin);
      const cap = st.ledger.capacity(st.config.bufferPct);
      if (used > cap * (1 + 1e-9) + 1e-6) {
        throw new Error(
          `invariant: margin used ${used} over capacity ${cap} after ${outcome.status} of ${req.symbol} at ${new Date(st.now).toISOString()}`,
        );
      }
    }
  }
  st.ledger.setAccount({ capacityCap: undefined });
}

/**
 * Whether an outcome surely left the open orders as they were: a wait or a block that cancelled nothing (a
 * blocked retry after a raced fill may have cancelled victims first).
 */
function leftOrdersAlone(o: Outcome): boolean {
  return (
    (o.status === 'waited' || o.status === 'blocked') &&
    o.cancelled.length === 0 &&
    o.filledDuringCancel.length === 0
  );
}
