import type { BarSeries } from '../marketdata/index.js';
import { limitFillPrice } from './fill-rules.js';
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
  /**
   * The standard error of netRegret, taking each steal's stealer outcome and each distinct victim's outcome
   * (what it made, 0 where it never filled) as independent draws. One fill's net return spreads far wider
   * than the difference a steal makes (on the benchmark sets 7% of notional, against a few tenths of a
   * percent), so a net regret within two of these of 0 says nothing about whether stealing paid.
   */
  netRegretStandardError: number;
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
  /**
   * The simulator's fill rules, so that a victim would have filled only where the simulation could have
   * filled it: whether bar i of series k can trade (a stock's session, tradesInBar), how far a bar must go
   * through a limit (fillThrough), and the run's last step (a position still open then is valued at the last
   * close by then, never at bars after the run). Without them: every bar, a touch, the end of the file.
   */
  tradable?: (k: number, i: number) => boolean;
  through?: number;
  end?: number | null;
}): StealRegret {
  const rules: FillRules = {
    tradable: input.tradable ?? (() => true),
    through: input.through ?? 0,
    end: input.end ?? Number.POSITIVE_INFINITY,
  };
  const rate = input.feeRate;
  const feeRateOf = typeof rate === 'number' ? () => rate : rate;
  const seriesBySymbol = new Map(input.series.map((s, k) => [s.symbol, k]));
  const pnlByOrder = new Map<string, number>();
  for (const t of input.trades) pnlByOrder.set(t.entryOrderId, (pnlByOrder.get(t.entryOrderId) ?? 0) + t.pnl);
  const victims: VictimRegret[] = [];
  // Opportunities seen, by when they expire (few share an expiry), without building a string key per victim.
  const seen = new Map<number, StealRecord['victims']>();
  let stealersMade = 0;
  const stealerOutcomes: number[] = [];
  for (const steal of input.steals) {
    const made = steal.thiefOrderId ? (pnlByOrder.get(steal.thiefOrderId) ?? 0) : 0;
    stealersMade += made;
    stealerOutcomes.push(made);
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
        ...counterfactual(
          s,
          ct,
          steal.time,
          v,
          feeRateOf(v.symbol),
          input.timeStopMs,
          (i) => rules.tradable(k, i),
          rules,
        ),
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
    netRegretStandardError: Math.sqrt(
      sumOfSquaredDeviations(distinct.map((v) => (v.wouldHaveFilled ? v.victimPnl : 0))) +
        sumOfSquaredDeviations(stealerOutcomes),
    ),
  };
}

/** n times the sample variance (the variance of a sum of n independent draws); 0 for fewer than two. */
function sumOfSquaredDeviations(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let squares = 0;
  for (const x of xs) squares += (x - mean) ** 2;
  return (squares * n) / (n - 1);
}

interface FillRules {
  tradable: (k: number, i: number) => boolean;
  through: number;
  end: number;
}

/**
 * What the victim would have done left alone, by the simulator's rules: its entry fills in a later tradable
 * bar that reaches the limit (by the fill rule's margin), at min(limit, open) for a buy; then its take-profit
 * in a tradable bar after that, or at the time stop the open of the next tradable bar, or at the run's end the
 * last close.
 */
function counterfactual(
  s: BarSeries,
  closeTimes: Float64Array,
  from: number,
  v: StealRecord['victims'][number],
  feeRate: number,
  timeStopMs: number,
  tradable: (i: number) => boolean,
  rules: Pick<FillRules, 'through' | 'end'>,
): { wouldHaveFilled: boolean; victimPnl: number } {
  let n = s.time.length;
  while (n > 0 && closeTimes[n - 1]! > rules.end) n--;
  let i = lowerBound(s.time, from);
  const buy = v.side === 'buy';
  let fill = Number.NaN;
  let fillClose = 0;
  for (; i < n && closeTimes[i]! <= v.validUntil; i++) {
    if (!tradable(i)) continue;
    fill = limitFillPrice(v.side, v.limitPrice, s.open[i]!, s.high[i]!, s.low[i]!, rules.through);
    if (Number.isFinite(fill)) {
      fillClose = closeTimes[i]!;
      break;
    }
  }
  if (!Number.isFinite(fill)) return { wouldHaveFilled: false, victimPnl: 0 };
  const stopAt = timeStopMs > 0 ? fillClose + timeStopMs : Number.POSITIVE_INFINITY;
  let exit = s.close[n - 1]!;
  let stopping = false;
  for (let j = i + 1; j < n; j++) {
    const trades = tradable(j);
    // A time stop decided at an earlier close trades at the open of the next tradable bar.
    if (stopping && trades) {
      exit = s.open[j]!;
      break;
    }
    if (trades) {
      const tp = limitFillPrice(
        buy ? 'sell' : 'buy',
        v.takeProfit,
        s.open[j]!,
        s.high[j]!,
        s.low[j]!,
        rules.through,
      );
      if (Number.isFinite(tp)) {
        exit = tp;
        break;
      }
    }
    if (closeTimes[j]! >= stopAt) stopping = true;
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
