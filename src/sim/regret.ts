import type { AssetClass } from '../core/types.js';
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

/** The sums of steal regret over a set of steals (every steal, or those of one pair of asset classes). */
export interface RegretTotals {
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
 * Steal regret of the steals of one stealer asset class from victims of one class (or of both at once, a
 * steal that took from a crypto and a stock order): where on a mixed book stealing paid and where it cost.
 */
export interface ClassPairRegret extends RegretTotals {
  thief: AssetClass;
  victims: 'crypto' | 'stock' | 'crypto+stock';
  steals: number;
}

export interface StealRegret extends RegretTotals {
  victims: VictimRegret[];
  /** The same sums by stealer and victim asset class, in a fixed order; pairs with no steal are left out. */
  byClass: ClassPairRegret[];
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
  /** The run's step times (CounterfactualRules.steps); without them each symbol's own bar closes. */
  steps?: Float64Array;
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
  const stealerOutcomes: number[] = [];
  const classOf = (symbol: string): AssetClass | undefined => {
    const k = seriesBySymbol.get(symbol);
    return k === undefined ? undefined : input.series[k]!.assetClass;
  };
  const pairs = new Map<string, { steals: number; outcomes: number[]; victims: VictimRegret[] }>();
  for (const steal of input.steals) {
    const made = steal.thiefOrderId ? (pnlByOrder.get(steal.thiefOrderId) ?? 0) : 0;
    stealerOutcomes.push(made);
    const pair = pairOf(
      classOf(steal.thief),
      steal.victims.map((v) => classOf(v.symbol)),
    );
    let group = pairs.get(pair);
    if (!group) pairs.set(pair, (group = { steals: 0, outcomes: [], victims: [] }));
    group.steals++;
    group.outcomes.push(made);
    const first = victims.length;
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
            ...(input.steps ? { steps: input.steps } : {}),
          }),
        ),
        repeat,
      });
    }
    for (let i = first; i < victims.length; i++) group.victims.push(victims[i]!);
  }
  const byClass: ClassPairRegret[] = [];
  for (const key of PAIR_ORDER) {
    const g = pairs.get(key);
    if (!g) continue;
    const [thief, of] = key.split('<') as [AssetClass, ClassPairRegret['victims']];
    byClass.push({ thief, victims: of, steals: g.steals, ...totals(g.victims, g.outcomes) });
  }
  return { victims, ...totals(victims, stealerOutcomes), byClass };
}

/** Stealer class `<` victim classes, the key of a class pair; a steal of unknown symbols counts as crypto's. */
export const PAIR_ORDER = [
  'crypto<crypto',
  'crypto<stock',
  'crypto<crypto+stock',
  'stock<crypto',
  'stock<stock',
  'stock<crypto+stock',
] as const;

function pairOf(thief: AssetClass | undefined, victims: readonly (AssetClass | undefined)[]): string {
  const known = victims.filter((c): c is AssetClass => c !== undefined);
  const crypto = known.includes('crypto');
  const stock = known.includes('stock');
  const of = crypto && stock ? 'crypto+stock' : stock ? 'stock' : 'crypto';
  return `${thief ?? 'crypto'}<${of}`;
}

/**
 * The sums of a set of steals: its victims (a repeat of an opportunity counts once, at its first steal) and
 * its stealers' outcomes, with the standard error of the net (each outcome an independent draw).
 */
function totals(victims: readonly VictimRegret[], stealerOutcomes: readonly number[]): RegretTotals {
  const distinct = victims.filter((v) => !v.repeat);
  const filled = distinct.filter((v) => v.wouldHaveFilled);
  const victimWouldHaveMade = filled.reduce((a, v) => a + v.victimPnl, 0);
  const stealersMade = stealerOutcomes.reduce((a, x) => a + x, 0);
  return {
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

/**
 * Class-pair regret of several runs as one, in PAIR_ORDER (a pair no run has is left out): `sum` adds counts
 * and money and the standard errors in quadrature (windows, independent runs); `mean` averages every number
 * and the standard errors (replicates of one window, which share the data: the mean of the errors bounds the
 * error of the mean). A pair a run lacks counts as zeros there.
 */
export function combineClassPairs(
  runs: readonly (readonly ClassPairRegret[])[],
  how: 'sum' | 'mean',
): ClassPairRegret[] {
  const out: ClassPairRegret[] = [];
  const n = how === 'mean' ? runs.length : 1;
  for (const key of PAIR_ORDER) {
    const [thief, victims] = key.split('<') as [AssetClass, ClassPairRegret['victims']];
    const found = runs.flatMap((r) => r.filter((p) => p.thief === thief && p.victims === victims));
    if (found.length === 0) continue;
    const add = (f: (p: ClassPairRegret) => number): number => found.reduce((a, p) => a + f(p), 0) / n;
    out.push({
      thief,
      victims,
      steals: add((p) => p.steals),
      victimsEvaluated: add((p) => p.victimsEvaluated),
      victimsThatWouldHaveFilled: add((p) => p.victimsThatWouldHaveFilled),
      victimWouldHaveMade: add((p) => p.victimWouldHaveMade),
      stealersMade: add((p) => p.stealersMade),
      netRegret: add((p) => p.netRegret),
      netRegretStandardError:
        how === 'mean'
          ? add((p) => p.netRegretStandardError)
          : Math.sqrt(found.reduce((a, p) => a + p.netRegretStandardError ** 2, 0)),
    });
  }
  return out;
}
