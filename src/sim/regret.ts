import type { BarSeries } from '../marketdata/index.js';
import type { StealRecord } from './sim-types.js';
import type { TradeRecord } from './portfolio.js';

export interface VictimRegret {
  stealTime: number;
  thief: string;
  victimOrderId: string;
  victimSymbol: string;
  /** The victim's limit was reached later, within its signal's validity. */
  wouldHaveFilled: boolean;
  /** What the victim would have made (take-profit, else the time stop, else the last bar), after fees. */
  victimPnl: number;
  /**
   * The same opportunity (symbol, limit, validity) was stolen before: a victim re-placed and stolen again.
   * Totals count each opportunity once, at its first steal.
   */
  repeat: boolean;
}

export interface StealRegret {
  victims: VictimRegret[];
  /** Distinct victim opportunities (repeats of one opportunity count once). */
  victimsEvaluated: number;
  victimsThatWouldHaveFilled: number;
  victimWouldHaveMade: number;
  stealersMade: number;
  /** victimWouldHaveMade − stealersMade: > 0 means stealing cost money against leaving the victims alone. */
  netRegret: number;
}

/**
 * Steal regret (DESIGN §6): did each victim later fill within its validity, and what would it have made,
 * against what the stealers made? This is an after-the-fact measurement; it never feeds back into a decision.
 */
export function stealRegret(input: {
  steals: readonly StealRecord[];
  trades: readonly TradeRecord[];
  series: readonly BarSeries[];
  closeTimes: readonly Float64Array[];
  /** Fee per fill as a fraction of notional: one rate, or one per symbol. */
  feeRate: number | ((symbol: string) => number);
  timeStopMs: number;
}): StealRegret {
  const rate = input.feeRate;
  const feeRateOf = typeof rate === 'number' ? () => rate : rate;
  const seriesBySymbol = new Map(input.series.map((s, k) => [s.symbol, k]));
  const pnlByOrder = new Map<string, number>();
  for (const t of input.trades) pnlByOrder.set(t.entryOrderId, (pnlByOrder.get(t.entryOrderId) ?? 0) + t.pnl);
  const victims: VictimRegret[] = [];
  // Opportunities seen, by when they expire (few share an expiry), without building a string key per victim.
  const seen = new Map<number, StealRecord['victims']>();
  let stealersMade = 0;
  for (const steal of input.steals) {
    stealersMade += steal.thiefOrderId ? (pnlByOrder.get(steal.thiefOrderId) ?? 0) : 0;
    for (const v of steal.victims) {
      const k = seriesBySymbol.get(v.symbol);
      if (k === undefined) continue;
      let sameExpiry = seen.get(v.validUntil);
      if (!sameExpiry) seen.set(v.validUntil, (sameExpiry = []));
      const repeat = sameExpiry.some(
        (o) => o.symbol === v.symbol && o.side === v.side && o.limitPrice === v.limitPrice,
      );
      if (!repeat) sameExpiry.push(v);
      const s = input.series[k]!;
      const ct = input.closeTimes[k]!;
      victims.push({
        stealTime: steal.time,
        thief: steal.thief,
        victimOrderId: v.orderId,
        victimSymbol: v.symbol,
        ...counterfactual(s, ct, steal.time, v, feeRateOf(v.symbol), input.timeStopMs),
        repeat,
      });
    }
  }
  const distinct = victims.filter((v) => !v.repeat);
  const filled = distinct.filter((v) => v.wouldHaveFilled);
  const victimWouldHaveMade = filled.reduce((a, v) => a + v.victimPnl, 0);
  return {
    victims,
    victimsEvaluated: distinct.length,
    victimsThatWouldHaveFilled: filled.length,
    victimWouldHaveMade,
    stealersMade,
    netRegret: victimWouldHaveMade - stealersMade,
  };
}

function counterfactual(
  s: BarSeries,
  closeTimes: Float64Array,
  from: number,
  v: StealRecord['victims'][number],
  feeRate: number,
  timeStopMs: number,
): { wouldHaveFilled: boolean; victimPnl: number } {
  const n = s.time.length;
  let i = lowerBound(s.time, from);
  const buy = v.side === 'buy';
  let fill = Number.NaN;
  let fillClose = 0;
  for (; i < n && closeTimes[i]! <= v.validUntil; i++) {
    if (buy ? s.low[i]! <= v.limitPrice : s.high[i]! >= v.limitPrice) {
      fill = buy ? Math.min(v.limitPrice, s.open[i]!) : Math.max(v.limitPrice, s.open[i]!);
      fillClose = closeTimes[i]!;
      break;
    }
  }
  if (!Number.isFinite(fill)) return { wouldHaveFilled: false, victimPnl: 0 };
  const stopAt = timeStopMs > 0 ? fillClose + timeStopMs : Number.POSITIVE_INFINITY;
  let exit = s.close[n - 1]!;
  for (let j = i + 1; j < n; j++) {
    if (buy ? s.high[j]! >= v.takeProfit : s.low[j]! <= v.takeProfit) {
      exit = buy ? Math.max(v.takeProfit, s.open[j]!) : Math.min(v.takeProfit, s.open[j]!);
      break;
    }
    if (closeTimes[j]! >= stopAt) {
      exit = j + 1 < n ? s.open[j + 1]! : s.close[j]!;
      break;
    }
  }
  const sign = buy ? 1 : -1;
  const fees = (Math.abs(fill) + Math.abs(exit)) * v.qty * feeRate;
  return { wouldHaveFilled: true, victimPnl: sign * v.qty * (exit - fill) - fees };
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
