import type { BarSeries } from '../marketdata/types.js';
import type { ExitRule } from '../session/exits.js';
import { counterfactualTrade, type CounterfactualRules } from './counterfactual.js';
import type { StealRecord, SymbolLimits } from './sim-types.js';
import type { TradeRecord } from './portfolio.js';

export interface VictimRegret {
  stealTime: number;
  thief: string;
  victimOrderId: string;
  victimSymbol: string;
  /** The victim's limit was reached later, within its signal's validity. */
  wouldHaveFilled: boolean;
  /**
   * What the victim would have made after fees, by the simulator's exit and cost rules (counterfactualTrade:
   * take-profit, stop, time stop or the run's end; end-of-day deleveraging left out).
   */
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
 * Steal regret (README "The model: assumptions and limits"): did each victim later fill within its validity,
 * and what would it have made, against what the stealers made? This is an after-the-fact measurement; it
 * never feeds back into a decision. Each victim is replayed alone by the simulator's fill, exit and cost
 * rules (counterfactualTrade); end-of-day deleveraging and margin interest, which depend on the whole book,
 * are left out.
 */
export function stealRegret(input: {
  steals: readonly StealRecord[];
  trades: readonly TradeRecord[];
  series: readonly BarSeries[];
  closeTimes: readonly Float64Array[];
  /** Fee per fill as a fraction of notional by liquidity role: one pair, or one per symbol (costs.ts). */
  fees: CounterfactualRules['fees'] | ((symbol: string) => CounterfactualRules['fees']);
  /** The session's exit rule the run used (`sim.stopLossPct`, `sim.timeStopHours`). */
  exits: ExitRule;
  /** What a market exit (stop, time stop) loses to the open it trades at, a fraction; 0 unless given. */
  slippage?: number;
  /**
   * The simulator's fill rules, so that a victim would have filled only where the simulation could have
   * filled it: whether bar i of series k can trade (a stock's session, tradesInBar), how far a bar must go
   * through a limit (fillThrough), and the run's last step (a position still open then is valued at the last
   * close by then, never at bars after the run). Without them: every bar, a touch, the end of the file.
   */
  tradable?: (k: number, i: number) => boolean;
  through?: number;
  end?: number | null;
  /**
   * The bars a limit of series k works in by the session it was placed in, and when it lapses (limitHours):
   * a victim placed after hours with extended hours is a DAY order that lapses that evening. Without it every
   * tradable bar, no lapse.
   */
  limits?: (k: number) => SymbolLimits;
}): StealRegret {
  const tradable = input.tradable ?? (() => true);
  const through = input.through ?? 0;
  const end = input.end ?? Number.POSITIVE_INFINITY;
  const slippage = input.slippage ?? 0;
  const fees = input.fees;
  const feesOf = typeof fees === 'function' ? fees : () => fees;
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
        ...outcome(
          counterfactualTrade(s, ct, steal.time, v, {
            fees: feesOf(v.symbol),
            exits: input.exits,
            slippage,
            tradable: (i) => tradable(k, i),
            through,
            end,
            ...(input.limits ? { limits: input.limits(k) } : {}),
          }),
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

/** A victim's counterfactual trade as regret counts it: whether it filled, and what it made (0 if not). */
function outcome(trade: TradeRecord | null): { wouldHaveFilled: boolean; victimPnl: number } {
  return trade ? { wouldHaveFilled: true, victimPnl: trade.pnl } : { wouldHaveFilled: false, victimPnl: 0 };
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
