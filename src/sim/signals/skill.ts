import type { SimConfig } from '../../core/config/schema.js';
import type { AssetClass, Side } from '../../core/types.js';
import { firstAtOrAfter } from '../../marketdata/search.js';
import { roundLimit } from '../../session/sizing.js';
import { holdsSignal } from '../../session/signals.js';
import { canFillInBar } from '../fill-rules.js';
import { limitHours, limitWorksInBar } from '../../core/calendar/index.js';
import type { SimState } from '../sim-state.js';
import { knownBarLength } from '../sim-steps.js';
import type { Watcher } from '../sim-types.js';
import type { ExternalSignal } from './csv-signals.js';
import type { SignalColumns } from './forecaster.js';

/**
 * RESEARCH ONLY: signals of controlled skill (config `sim.research.signalSkill`, `simulate --signal-skill k`).
 * They read the future on purpose, so that the stealing policy can be judged apart from the forecaster: a
 * share `k` of the signals get the entry limit the price really reached while the signal was valid, the rest
 * stay as the forecaster (or the signals CSV) has them. Which signals are skilled depends only on the symbol,
 * the signal's time and `signalSkillSeed`, through a hash: the same signals are chosen whatever else changes,
 * and the signals skilled at k1 are among those skilled at any k2 > k1. At k = 0 nothing is touched.
 *
 * A skilled buy's limit is the lowest low of the bars that could fill it (placed at the signal's bar close,
 * resting while the signal holds, as the simulator's fills do; for a stock only the bars its order works in
 * by the session it was placed in, until it lapses: limitHours), raised by the `through` fill margin and to the venue's price grid, so that the sizing
 * rule's rounding and the fill rule (`sim.fillRule` touch or through) still count it as reached. Sells
 * mirror it with the highest high. Whether it fills is still the simulator's business: the policy may keep
 * it waiting, or place it only after the low has passed.
 *
 * The take-profit stays the forecaster's price, so only the entry has skill (its return `edge` follows the
 * new entry, as the forecaster defines it). When the new entry leaves less return to that take-profit than
 * the forecaster's minimum edge (or than the signal's own, if lower), the forecaster would never have issued
 * the signal: the take-profit then keeps the original signal's return over the new entry.
 */

/** What a research run's outputs carry (JSON, text summary, HTML report), so it is never read as a result. */
export interface ResearchLabel {
  lookAheadSignals: true;
  signalSkill: number;
  signalSkillSeed: number;
  label: string;
}

/** The label of a run with skilled signals, or null when the signals are the forecaster's own (k = 0). */
export function researchLabel(sim: Pick<SimConfig, 'research'>): ResearchLabel | null {
  const { signalSkill, signalSkillSeed } = sim.research;
  if (!(signalSkill > 0)) return null;
  return {
    lookAheadSignals: true,
    signalSkill,
    signalSkillSeed,
    label: `research: look-ahead signals, skill k=${signalSkill} (seed ${signalSkillSeed})`,
  };
}

/**
 * The line above the results of a comparison or a study whose signals read the future (compare, optimize,
 * optimize --compare), `where` naming what it applies to: one wording wherever such numbers are read.
 */
export function researchNote(research: ResearchLabel, where: string): string {
  // "research: look-ahead signals, …" with its first word in capitals, as simulate flags it.
  return (
    `RESEARCH${research.label.slice('research'.length)}, ${where}: these numbers judge the stealing ` +
    'policy at that skill, not a strategy anyone could trade'
  );
}

/** murmur3's finaliser: every input bit moves every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const absorb = (h: number, word: number): number => fmix32((Math.imul(h, 0x9e3779b1) + word) | 0);

/** A uniform draw in [0, 1) fixed by symbol, signal time (epoch ms) and seed: nothing else moves it. */
export function skillDraw(symbol: string, signalTime: number, seed: number): number {
  let h = absorb(0x2545f491, seed >>> 0);
  h = absorb(h, Math.floor(seed / 4294967296) >>> 0);
  for (let i = 0; i < symbol.length; i++) h = absorb(h, symbol.charCodeAt(i));
  h = absorb(h, symbol.length);
  h = absorb(h, signalTime >>> 0);
  h = absorb(h, Math.floor(signalTime / 4294967296) >>> 0);
  return h / 4294967296;
}

/** Whether the signal of `symbol` at `signalTime` is skilled at share `skill` (nested in `skill`). */
export function isSkilled(symbol: string, signalTime: number, skill: number, seed: number): boolean {
  return skill > 0 && skillDraw(symbol, signalTime, seed) < skill;
}

/** The bars of one symbol as the skill needs them. */
export interface SkillBars {
  time: Float64Array;
  high: Float64Array;
  low: Float64Array;
  closeTimes: Float64Array;
}

/**
 * The lowest low (buy) or highest high (sell) of the bars that can fill an order placed at `placedAt`:
 * bars from `first` that open at or after it, before `validUntil` (holdsSignal, as the simulator's fills),
 * and can trade. NaN if none.
 */
export function reachedExtreme(
  side: Side,
  bars: SkillBars,
  first: number,
  end: number,
  placedAt: number,
  validUntil: number,
  tradable: (barOpen: number) => boolean,
): number {
  let extreme = Number.NaN;
  for (let j = first; j < end; j++) {
    const open = bars.time[j]!;
    if (!holdsSignal({ validUntil }, open)) break;
    if (canFillInBar(placedAt, open) && tradable(open)) {
      const v = side === 'buy' ? bars.low[j]! : bars.high[j]!;
      if (!(side === 'buy' ? v >= extreme : v <= extreme)) extreme = v;
    }
  }
  return extreme;
}

/**
 * The limit at the reached price that still counts as reached: moved by the `through` margin (a fraction;
 * 0 under `sim.fillRule: touch`) and onto the venue's price grid away from the market, so that the sizing
 * rule's rounding (buys down, sells up) leaves it where it is.
 */
export function reachedLimit(assetClass: AssetClass, side: Side, reached: number, through: number): number {
  const buy = side === 'buy';
  const counts = (limit: number): boolean =>
    roundLimit(assetClass, side, limit) === limit &&
    (buy ? reached <= limit * (1 - through) : reached >= limit * (1 + through));
  // Rounding with the other side's rule moves the price onto the grid in the direction that keeps it reached.
  const away: Side = buy ? 'sell' : 'buy';
  let limit = roundLimit(assetClass, away, buy ? reached / (1 - through) : reached / (1 + through));
  // A product that rounds the wrong way in the last bit: one grid step further (a step is ≥ 1e-7 of a price).
  for (let tries = 0; tries < 8 && !counts(limit); tries++) {
    limit = roundLimit(assetClass, away, limit * (buy ? 1 + 1e-7 : 1 - 1e-7));
  }
  return limit;
}

/** The return from an entry to a take-profit, for the signal's side. */
const returnTo = (side: Side, entry: number, takeProfit: number): number =>
  side === 'buy' ? takeProfit / entry - 1 : 1 - takeProfit / entry;

/** A skilled signal's take-profit and its return (see the module comment for why). */
export function skilledTakeProfit(
  side: Side,
  entry: number,
  takeProfit: number,
  skilledEntry: number,
  minEdge: number,
): { takeProfit: number; edge: number } {
  const original = returnTo(side, entry, takeProfit);
  const kept = returnTo(side, skilledEntry, takeProfit);
  if (kept >= Math.min(minEdge, original)) return { takeProfit, edge: kept };
  return { takeProfit: skilledEntry * (side === 'buy' ? 1 + original : 1 - original), edge: original };
}

interface SkillContext {
  skill: number;
  seed: number;
  through: number;
  minEdge: number;
  /** The bars (by their open) an order placed at `placedAt` works in (limitHours, limitWorksInBar). */
  tradableFor: (placedAt: number) => (barOpen: number) => boolean;
  bars: SkillBars;
  end: number;
}

/** The forecaster's columns with the skilled signals replaced (a copy: the columns may be a cache's). */
function skilledColumns(st: SimState, w: Watcher, cols: SignalColumns, ctx: SkillContext): SignalColumns {
  const out = {
    entry: Float64Array.from(cols.entry),
    takeProfit: Float64Array.from(cols.takeProfit),
    edge: Float64Array.from(cols.edge),
  };
  const validBars = st.sim.forecaster.validBars;
  for (let i = st.timeline.firstBar[w.index]!; i < ctx.end; i++) {
    const entry = cols.entry[i]!;
    // A forecaster signal is known at its bar's close, and that is when the simulator places it.
    const placedAt = w.closeTimes[i]!;
    if (!Number.isFinite(entry) || !isSkilled(w.symbol, placedAt, ctx.skill, ctx.seed)) continue;
    const validUntil = placedAt + validBars * knownBarLength(w, i);
    const tradable = ctx.tradableFor(placedAt);
    const reached = reachedExtreme('buy', ctx.bars, i + 1, ctx.end, placedAt, validUntil, tradable);
    if (Number.isNaN(reached)) continue;
    const limit = reachedLimit(w.assetClass, 'buy', reached, ctx.through);
    const exit = skilledTakeProfit('buy', entry, cols.takeProfit[i]!, limit, ctx.minEdge);
    out.entry[i] = limit;
    out.takeProfit[i] = exit.takeProfit;
    out.edge[i] = exit.edge;
  }
  return out;
}

/** External signals with the skilled ones replaced by new objects (the input list is shared). */
function skilledExternal(
  w: Watcher,
  signals: readonly ExternalSignal[],
  ctx: SkillContext,
): ExternalSignal[] {
  return signals.map((sig) => {
    if (!isSkilled(sig.symbol, sig.time, ctx.skill, ctx.seed)) return sig;
    // The first bar closing at or after the signal: the step at which the simulator takes it up.
    const m = firstAtOrAfter(ctx.bars.closeTimes, sig.time);
    if (m >= ctx.end) return sig;
    const placedAt = ctx.bars.closeTimes[m]!;
    const reached = reachedExtreme(
      sig.side,
      ctx.bars,
      m + 1,
      ctx.end,
      placedAt,
      sig.validUntil,
      ctx.tradableFor(placedAt),
    );
    if (Number.isNaN(reached)) return sig;
    const entry = reachedLimit(w.assetClass, sig.side, reached, ctx.through);
    const exit = skilledTakeProfit(sig.side, sig.entry, sig.takeProfit, entry, ctx.minEdge);
    return { ...sig, entry, takeProfit: exit.takeProfit };
  });
}

/**
 * The one hook of the simulator: gives the share `sim.research.signalSkill` of each watcher's signals their
 * look-ahead entries before the first step. Does nothing at 0, so a run without skill is exactly as before.
 */
export function applySignalSkill(st: SimState): void {
  const { signalSkill: skill, signalSkillSeed: seed } = st.sim.research;
  if (!(skill > 0)) return;
  for (const w of st.watchers) {
    const ctx: SkillContext = {
      skill,
      seed,
      through: st.through,
      minEdge: st.sim.forecaster.minEdgePct,
      tradableFor: (placedAt) => {
        const hours = limitHours(w.assetClass, placedAt, st.calendar, st.config.extendedHours);
        return (barOpen) => limitWorksInBar(hours, barOpen, st.calendar);
      },
      bars: { time: w.s.time, high: w.s.high, low: w.s.low, closeTimes: w.closeTimes },
      end: st.timeline.lastBar[w.index]!,
    };
    if (w.forecast) w.forecast = skilledColumns(st, w, w.forecast, ctx);
    if (w.external.length) w.external = skilledExternal(w, w.external, ctx);
  }
}
