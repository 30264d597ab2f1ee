import { closingSide, exitLevels, exitStep, stopReached, takeProfitOrder } from '../session/exits.js';
import { holdsSignal } from '../session/signals.js';
import { canFillInBar, limitFillPrice, limitFillRole, marketFillPrice, tradesInBar } from './fill-rules.js';
import type { ExternalSignal } from './signals/csv-signals.js';
import type { SimState } from './sim-state.js';
import type { Watcher } from './sim-types.js';

/** One step of the simulator for one symbol: fills of the bar that just closed, its signal, its exit. */

/** This symbol's fills in the bar just closed: orders placed by its open only; a gap fills at the open. */
export function processFills(st: SimState, w: Watcher, i: number): void {
  const s = w.s;
  const open = s.open[i]!;
  const high = s.high[i]!;
  const low = s.low[i]!;
  const barOpen = s.time[i]!;
  if (!tradesInBar(w.assetClass, barOpen, st.calendar, st.config.extendedHours)) return;
  let pos = st.portfolio.positions.get(w.symbol);
  if (!pos) w.pendingTrim = 0;
  if (pos && w.pendingExit) {
    const px = marketFillPrice(closingSide(pos.side), open, st.slip);
    st.exitPosition(w, px, w.pendingExit);
    w.pendingExit = null;
    w.pendingTrim = 0;
    pos = undefined;
  } else if (pos && w.pendingTrim > 0) {
    const px = marketFillPrice(closingSide(pos.side), open, st.slip);
    st.exitPosition(w, px, 'deleverage', w.pendingTrim);
    w.pendingTrim = 0;
    st.counters.deleverageTrims++;
    st.decisions.push(st.now, w.symbol, 'deleverage-trim', [], 'overnight-margin', 0, false, null);
    // What the trim left is re-armed at the close (the trim dropped its take-profit).
    pos = st.portfolio.positions.get(w.symbol);
  }
  // The take-profit rests at the venue and fills in the bar; a stop is no resting order (manageExit).
  if (pos?.tpOrderId) {
    const tp = st.broker.orders.get(pos.tpOrderId);
    const px =
      tp && canFillInBar(tp.placedAt, barOpen) && st.limitWorks(tp.hours, w, i)
        ? limitFillPrice(tp.side, tp.limitPrice, open, high, low, st.through)
        : Number.NaN;
    if (tp && !Number.isNaN(px)) {
      st.input.onLimitFill?.({
        symbol: w.symbol,
        role: 'take-profit',
        placedAt: tp.placedAt,
        barOpen,
        time: st.now,
        price: px,
        qty: tp.qty,
      });
      st.coordinator.applyFill(tp.id, tp.qty, px);
      st.broker.remove(tp.id);
      pos.tpOrderId = null;
      const role = limitFillRole(tp.side, tp.limitPrice, open);
      st.portfolio.close(w.symbol, px, st.now, 'take-profit', st.fees[w.assetClass][role], undefined, role);
    }
  }
  if (w.restingOrderId !== null) {
    const o = st.broker.orders.get(w.restingOrderId);
    if (!o) {
      w.restingOrderId = null; // stolen or cancelled
      return;
    }
    if (!canFillInBar(o.placedAt, barOpen)) return;
    // Its signal expired before this bar opened: live cancelled it then (expireEntries here, at the first step
    // after the expiry; none came when no symbol had a bar in between).
    if (!holdsSignal(w.restingSignal, barOpen)) return;
    // Only in the bars its kind works in at the venue (the session it was placed in: limitHours).
    if (!st.limitWorks(o.hours, w, i)) return;
    const px = limitFillPrice(o.side, o.limitPrice, open, high, low, st.through);
    if (!Number.isNaN(px)) {
      st.input.onLimitFill?.({
        symbol: w.symbol,
        role: 'entry',
        placedAt: o.placedAt,
        barOpen,
        time: st.now,
        price: px,
        qty: o.qty,
      });
      st.coordinator.applyFill(o.id, o.qty, px);
      st.broker.remove(o.id);
      st.entryOwner.delete(o.id);
      w.restingOrderId = null;
      const sig = w.signal!;
      const levels = exitLevels(st.sim, o.side, px, st.now);
      const role = limitFillRole(o.side, o.limitPrice, open);
      st.portfolio.open(
        {
          symbol: w.symbol,
          assetClass: w.assetClass,
          side: o.side,
          qty: o.qty,
          entryPrice: px,
          entryTime: st.now,
          entryOrderId: o.id,
          entryLimit: o.limitPrice,
          entryRole: role,
          takeProfit: sig.takeProfit,
          stopPrice: levels.stopPrice,
          timeStopAt: levels.timeStopAt,
          tpOrderId: null,
        },
        st.fees[w.assetClass][role],
      );
      w.signal = null; // a signal is used once
    }
  }
}

/**
 * An entry does not outlive its signal (EntryWatcher.expiredEntry): at every step, whether or not its symbol's
 * bar closed, an entry whose signal has expired is cancelled, as live cancels it at its next look. A symbol
 * whose bars pause (an outage, a closed market) would otherwise keep it resting until its next bar.
 */
export function expireEntries(st: SimState): void {
  for (const w of st.watchers) {
    if (w.restingOrderId === null || holdsSignal(w.restingSignal, st.now)) continue;
    st.counters.expiredCancels++;
    st.cancelEntry(w);
  }
}

/** The session's signal rule (src/session/signals.ts): hold until expiry, then the newest. */
export function refreshSignal(st: SimState, w: Watcher, i: number): void {
  if (holdsSignal(w.signal, st.now)) return;
  if (w.signal) {
    if (w.restingOrderId !== null) st.counters.expiredCancels++;
    st.cancelEntry(w);
    w.signal = null;
  }
  if (w.forecast) {
    const e = w.forecast.entry[i]!;
    if (Number.isFinite(e)) {
      w.signal = {
        side: 'buy',
        entry: e,
        takeProfit: w.forecast.takeProfit[i]!,
        edge: w.forecast.edge[i]!,
        expectedPnl: null,
        validUntil: st.now + st.sim.forecaster.validBars * knownBarLength(w, i),
        createdAt: st.now,
      };
    }
    return;
  }
  let chosen: ExternalSignal | null = null;
  while (w.externalNext < w.external.length && w.external[w.externalNext]!.time <= st.now) {
    chosen = w.external[w.externalNext]!;
    w.externalNext++;
  }
  if (chosen && chosen.validUntil > st.now) {
    w.signal = {
      side: chosen.side,
      entry: chosen.entry,
      takeProfit: chosen.takeProfit,
      edge: Math.abs(chosen.takeProfit / chosen.entry - 1),
      expectedPnl: chosen.expectedPnl,
      validUntil: chosen.validUntil,
      createdAt: st.now,
    };
  }
}

/** The session's exit rule (src/session/exits.ts) for a position whose symbol's bar closed now. */
export function manageExit(st: SimState, w: Watcher): void {
  const p = st.portfolio.positions.get(w.symbol);
  // An exit under way (an order that trades now, waiting for a tradable bar): nothing else is planned.
  if (!p || w.pendingExit) return;
  const i = w.lastBar;
  const stop =
    p.stopPrice !== null &&
    stopReached(p.side, p.stopPrice, p.entryTime, {
      open: w.s.time[i]!,
      high: w.s.high[i]!,
      low: w.s.low[i]!,
    });
  const step = stop ? 'stop' : exitStep(p.timeStopAt, st.now, p.tpOrderId !== null);
  if (step === 'stop' || step === 'time-stop') {
    // An order that trades now: it fills at the open of the symbol's next tradable bar (processFills).
    w.pendingExit = step;
    return;
  }
  if (step === 'arm-take-profit') {
    const tp = takeProfitOrder(w.assetClass, p.side, p.qty, p.takeProfit);
    const o = st.broker.placeExit(w.symbol, w.assetClass, tp.side, 'take-profit', tp.limitPrice, tp.qty);
    // Refused outside every session (extended hours): armed again at the symbol's next price, as live.
    if (!o) return;
    st.coordinator.recordExitOrder({
      id: o.id,
      symbol: w.symbol,
      assetClass: w.assetClass,
      side: tp.side,
      role: 'take-profit',
      limitPrice: tp.limitPrice,
      qty: tp.qty,
      price: w.lastPrice,
      forecastPnl: 0,
      placedAt: st.now,
      probe: false,
      external: false,
    });
    p.tpOrderId = o.id;
  }
}

/** The bar length at bar i's close: as known at its open, or the bar's own length before any spacing. */
export function knownBarLength(w: Watcher, i: number): number {
  const length = w.barLengths[i]!;
  return Number.isNaN(length) ? w.closeTimes[i]! - w.s.time[i]! : length;
}
