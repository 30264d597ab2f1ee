import type { LimitHours } from '../core/calendar/index.js';
import type { BarSeries } from '../marketdata/types.js';
import { firstAtOrAfter } from '../marketdata/search.js';
import { exitLevels, exitStep, stopReached, takeProfitOrder, type ExitRule } from '../session/exits.js';
import { holdsSignal } from '../session/signals.js';
import type { LiquidityRole } from './costs.js';
import {
  canFillInBar,
  endOfDataExitPrice,
  limitFillPrice,
  limitFillRole,
  marketFillPrice,
} from './fill-rules.js';
import { Portfolio, type TradeRecord } from './portfolio.js';
import type { StealRecord, SymbolLimits } from './sim-types.js';

/** An entry order as a steal record keeps it: what its counterfactual needs. */
export type VictimOrder = StealRecord['victims'][number];

/** Without a rule: every limit works in every bar and never lapses. */
const EVERY_BAR: SymbolLimits = {
  hours: () => ({ works: 'any', lapsesAt: Number.POSITIVE_INFINITY }),
  works: () => true,
};

/** The simulation's rules a counterfactual follows, for one symbol. */
export interface CounterfactualRules {
  /** Fee per fill as a fraction of notional, by liquidity role (the symbol's asset class, costs.ts). */
  fees: Readonly<Record<LiquidityRole, number>>;
  /** The session's exit rule the run used (`sim.stopLossPct`, `sim.timeStopHours`). */
  exits: ExitRule;
  /** What a market exit loses to the open it trades at, a fraction (`sim.slippageBps` / 10,000). */
  slippage: number;
  /** Whether bar i can trade (a stock's session, tradesInBar). */
  tradable: (i: number) => boolean;
  /** How far a bar must go through a limit to fill it (fillThrough). */
  through: number;
  /** The run's last step: bars closing after it were never simulated. */
  end: number;
  /** Which bars a limit works in by the session it was placed in (default: every tradable bar, no lapse). */
  limits?: SymbolLimits;
  /**
   * The run's step times, ascending (any symbol's bar close, an end-of-day event): the simulator cancels an
   * entry at the first step at or after its validity (expireEntries), so a bar that closes after that step
   * cannot fill it, although it opened before the validity ended. Without them: the symbol's own bar closes.
   */
  steps?: Float64Array;
}

/**
 * The trade an entry order left alone from `from` on would have made, by the simulator's own rules
 * (sim-steps.ts processFills and manageExit), or null when it would not have filled:
 * - its entry fills in the first tradable bar that opens at or after `from` and reaches its limit
 *   (limitFillPrice, through the fill rule's margin), paying the fee of its liquidity role (limitFillRole:
 *   maker, or taker where the bar opens through the limit); it rests while its signal holds (holdsSignal):
 *   a bar that opens at or after the validity cannot fill it, nor one that closes after the run's first step
 *   at or after the validity (`steps`: the simulator cancelled it there);
 * - its take-profit (takeProfitOrder) is armed at the close of the entry's bar, so it fills in a later
 *   tradable bar, never the entry's own, paying the fee of its role;
 * - at each later bar's close, tradable or not, the session's exit rule (exits.ts): a stop the bar reached
 *   (stopReached) or a time stop that is due (exitStep) leaves at the open of the symbol's next tradable bar
 *   by a market order, with slippage (marketFillPrice) and the taker fee, and the take-profit no longer
 *   fills; a take-profit the bar reached fills before its close decides any stop;
 * - still open at the run's end, it is closed at the last close less slippage at the taker fee
 *   (endOfDataExitPrice), as the simulator closes what is left at the end of data.
 * The arithmetic of fees and PnL is the simulator's own (a Portfolio of this one position).
 * Left out: end-of-day deleveraging (cancelling stock entries before the close, trimming positions at it) and
 * margin interest, which depend on the whole book, not on one order: a victim is judged as if it were alone.
 */
export function counterfactualTrade(
  s: BarSeries,
  closeTimes: Float64Array,
  from: number,
  v: VictimOrder,
  rules: CounterfactualRules,
): TradeRecord | null {
  let n = s.time.length;
  while (n > 0 && closeTimes[n - 1]! > rules.end) n--;
  const limits = rules.limits ?? EVERY_BAR;
  const entryHours = limits.hours(v.placedAt);
  let i = firstAtOrAfter(s.time, from);
  let entry = Number.NaN;
  // The step that cancels it once its signal has expired: a bar closing after it finds the order gone.
  const steps = rules.steps;
  const cancelledAt = steps
    ? (steps[firstAtOrAfter(steps, v.validUntil)] ?? Number.POSITIVE_INFINITY)
    : Number.POSITIVE_INFINITY;
  for (; i < n; i++) {
    // Rests while its signal holds: a bar that opens at or after the validity finds it cancelled (a bar that
    // opened before the validity ends may still fill it, unless a step between cancelled it), as
    // processFills; and until its order lapses.
    if (!holdsSignal(v, s.time[i]!) || closeTimes[i]! > cancelledAt || s.time[i]! >= entryHours.lapsesAt)
      break;
    if (rules.tradable(i) && limits.works(entryHours, i)) {
      entry = limitFillPrice(v.side, v.limitPrice, s.open[i]!, s.high[i]!, s.low[i]!, rules.through);
      if (!Number.isNaN(entry)) break;
    }
  }
  if (Number.isNaN(entry)) return null;
  const filledAt = closeTimes[i]!;
  const levels = exitLevels(rules.exits, v.side, entry, filledAt);
  const book = new Portfolio(0);
  const entryRole = limitFillRole(v.side, v.limitPrice, s.open[i]!);
  book.open(
    {
      symbol: v.symbol,
      assetClass: s.assetClass,
      side: v.side,
      qty: v.qty,
      entryPrice: entry,
      entryTime: filledAt,
      entryOrderId: v.orderId,
      entryLimit: v.limitPrice,
      entryRole,
      takeProfit: v.takeProfit,
      stopPrice: levels.stopPrice,
      timeStopAt: levels.timeStopAt,
      tpOrderId: null,
    },
    rules.fees[entryRole],
  );
  const tp = takeProfitOrder(s.assetClass, v.side, v.qty, v.takeProfit);
  /** When the resting take-profit was placed, and its hours (null: none rests, it is armed at the next close). */
  let tpPlacedAt = filledAt;
  let tpHours: LimitHours | null = armable(limits.hours(filledAt));
  /** A stop or time stop decided at a close: the position leaves at the next tradable open. */
  let leaving: 'stop' | 'time-stop' | null = null;
  for (let j = i + 1; j < n; j++) {
    const open = s.open[j]!;
    if (rules.tradable(j)) {
      if (leaving)
        return book.close(
          v.symbol,
          marketFillPrice(tp.side, open, rules.slippage),
          closeTimes[j]!,
          leaving,
          rules.fees.taker,
        );
      const px =
        tpHours && canFillInBar(tpPlacedAt, s.time[j]!) && limits.works(tpHours, j)
          ? limitFillPrice(tp.side, tp.limitPrice, open, s.high[j]!, s.low[j]!, rules.through)
          : Number.NaN;
      if (!Number.isNaN(px)) {
        const role = limitFillRole(tp.side, tp.limitPrice, open);
        return book.close(v.symbol, px, closeTimes[j]!, 'take-profit', rules.fees[role], undefined, role);
      }
    }
    if (leaving) continue;
    // A take-profit the venue let lapse (a DAY order at its day's end) is gone by this close.
    if (tpHours && tpHours.lapsesAt <= closeTimes[j]!) tpHours = null;
    const bar = { open: s.time[j]!, high: s.high[j]!, low: s.low[j]! };
    if (stopReached(v.side, levels.stopPrice, filledAt, bar)) leaving = 'stop';
    else if (exitStep(levels.timeStopAt, closeTimes[j]!, tpHours !== null) === 'time-stop')
      leaving = 'time-stop';
    else if (tpHours === null) {
      // Armed again at this close, as the simulator's exit rule does (manageExit).
      tpPlacedAt = closeTimes[j]!;
      tpHours = armable(limits.hours(tpPlacedAt));
    }
  }
  // The simulator's end of data: every exit but a take-profit is a market order (slippage, taker fee), here at
  // the last close.
  const exitTime = Number.isFinite(rules.end) ? rules.end : closeTimes[n - 1]!;
  const exitPrice = endOfDataExitPrice(tp.side, s.close[n - 1]!, rules.slippage);
  return book.close(v.symbol, exitPrice, exitTime, 'end-of-data', rules.fees.taker);
}

/** The hours of a take-profit the venue takes, or null when it would refuse it (armed again later). */
function armable(hours: LimitHours): LimitHours | null {
  return hours.works === 'refused' ? null : hours;
}
