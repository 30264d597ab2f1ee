import { planDeleverage } from '../core/policy/deleverage-plan.js';
import { deleverageSteps, trimSize } from '../session/deleverage.js';
import { closingSide } from '../session/exits.js';
import { restingEntryFees } from './costs.js';
import { marketFillPrice } from './fill-rules.js';
import type { SimState } from './sim-state.js';

export function deleveragePlan(st: SimState, phase: 'orders' | 'positions') {
  return planDeleverage({
    phase,
    equity: st.portfolio.equity(st.mark),
    bufferPct: st.config.bufferPct,
    table: st.config.margin,
    orders: st.ledger.orders,
    // The fees the resting entries would pay, held back as every entry decision holds them back: a crypto
    // entry that fills overnight then pays its fee without leaving the book over its capacity.
    heldBack: restingEntryFees(st.ledger.orders, st.fees),
    positions: [...st.portfolio.positions.values()].map((p) => {
      const w = st.bySymbol.get(p.symbol);
      return {
        symbol: p.symbol,
        assetClass: p.assetClass,
        qty: p.qty,
        price: st.mark(p.symbol) || p.entryPrice,
        unrealizedPnl:
          (p.side === 'buy' ? 1 : -1) * p.qty * ((st.mark(p.symbol) || p.entryPrice) - p.entryPrice),
        // A stock without a session bar closing now cannot trade at this close: its trim would wait.
        tradable: w !== undefined && st.barClosesNow(w),
      };
    }),
  });
}

/**
 * End of day (README "The model: assumptions and limits"): before the close cancel stock entries, at the
 * close trim positions, until the overnight requirement fits. A trim's own costs (fees, slippage) lower
 * equity a little, so the plan is made again until nothing is left to do.
 */
export function runDeleverage(st: SimState, phase: 'orders' | 'positions'): void {
  const steps = deleverageSteps();
  let step = steps.next();
  let waiting = false;
  while (!step.done) {
    const s = step.value;
    if (s.kind === 'plan') {
      step = steps.next(deleveragePlan(st, phase));
      continue;
    }
    if (s.kind === 'cancel') {
      const sym = st.ledger.order(s.orderId)?.symbol;
      const w = sym === undefined ? undefined : st.bySymbol.get(sym);
      if (w) st.cancelEntry(w);
      st.counters.deleverageCancels++;
      st.decisions.push(
        st.now,
        w?.symbol ?? '',
        'deleverage-cancel',
        [s.orderId],
        'overnight-margin',
        s.plan.check.excess,
        false,
        s.orderId,
      );
    } else {
      const w = st.bySymbol.get(s.symbol)!;
      const p = st.portfolio.positions.get(s.symbol)!;
      // Sized so that the margin it frees still covers its share of the excess after its own fee and slippage
      // lower equity (one trim, not a trim and a dust of follow-ups), in the session's units (whole shares).
      const qty = trimSize({
        assetClass: w.assetClass,
        held: p.qty,
        plannedQty: s.qty,
        price: s.price,
        requirement: s.plan.check.requirement,
        bufferPct: st.config.bufferPct,
        feeRate: st.fees[w.assetClass].taker,
        slippage: st.slip,
      });
      // No bar of this symbol at the close (or not a session bar): the trim waits for its next bar.
      if (!st.barClosesNow(w)) {
        if (w.pendingTrim === 0) w.pendingTrim = qty;
        waiting = true;
        step = steps.next(false);
        continue;
      }
      const px = marketFillPrice(closingSide(p.side), s.price, st.slip);
      st.exitPosition(w, px, 'deleverage', qty);
      st.counters.deleverageTrims++;
      st.decisions.push(
        st.now,
        s.symbol,
        'deleverage-trim',
        [],
        'overnight-margin',
        s.plan.check.excess,
        false,
        null,
      );
    }
    step = steps.next();
  }
  const plan = step.value.last;
  if (phase === 'positions' && st.input.assertInvariants && !waiting && plan.remainingExcess <= 1e-9) {
    const after = deleveragePlan(st, 'orders');
    if (after.check.excess > 1e-6 * Math.max(1, after.check.capacity)) {
      throw new Error(
        `invariant: overnight margin ${after.check.marginAtClose} over capacity ${after.check.capacity} after the close at ${new Date(st.now).toISOString()}`,
      );
    }
  }
}
