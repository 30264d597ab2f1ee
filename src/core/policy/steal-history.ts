import type { WorkstealConfig } from '../config/schema.js';
import { ValidationError } from '../errors.js';
import type { StealEvent, TimeMs } from '../types.js';

export type HistoryConfig = Pick<
  WorkstealConfig,
  'cooldownSec' | 'fightThreshold' | 'fightWindowSec' | 'fightCooldownSec'
> &
  Partial<Pick<WorkstealConfig, 'stealBudgetPerDay'>>;

/** The steal budget counts steals over this trailing window. */
export const STEAL_BUDGET_WINDOW_MS = 86_400_000;

/** The keys that give cooldowns and fight windows in bars, each with the seconds key it replaces. */
export const BAR_TWINS = {
  cooldownBars: 'cooldownSec',
  fightWindowBars: 'fightWindowSec',
  fightCooldownBars: 'fightCooldownSec',
} as const;

export type BarKey = keyof typeof BAR_TWINS;

/**
 * The `*Bars` keys a configuration sets (> 0). They count bars, so a session without a bar length cannot use
 * them: each caller that has none refuses them (naming the keys and their seconds twins) rather than let them
 * fall back to the seconds keys without a word.
 */
export function barKeysSet(config: Pick<WorkstealConfig, BarKey>): BarKey[] {
  return (Object.keys(BAR_TWINS) as BarKey[]).filter((k) => config[k] > 0);
}

/**
 * The history's durations with the `*Bars` keys applied: a key given in bars (> 0) replaces its seconds
 * twin, converted with the bar length the session trades on. At bar resolution a cooldown shorter than one
 * bar acts as none, which is why the bar form exists.
 */
export function historyConfigFor(
  config: HistoryConfig & Pick<WorkstealConfig, 'cooldownBars' | 'fightWindowBars' | 'fightCooldownBars'>,
  barMs: number,
): HistoryConfig {
  const sec = (bars: number, seconds: number): number =>
    bars > 0 && barMs > 0 ? (bars * barMs) / 1000 : seconds;
  return {
    cooldownSec: sec(config.cooldownBars, config.cooldownSec),
    fightThreshold: config.fightThreshold,
    fightWindowSec: sec(config.fightWindowBars, config.fightWindowSec),
    fightCooldownSec: sec(config.fightCooldownBars, config.fightCooldownSec),
    stealBudgetPerDay: config.stealBudgetPerDay ?? 0,
  };
}

/**
 * How far back a steal can still change a decision: the fight window plus the longest cooldown, or the
 * budget's day when a budget is set. What the history keeps, and what a restart must bring back.
 */
export function historyHorizonMs(h: HistoryConfig): number {
  const budgetMs = (h.stealBudgetPerDay ?? 0) > 0 ? STEAL_BUDGET_WINDOW_MS : 0;
  return Math.max(h.fightWindowSec * 1000 + Math.max(h.cooldownSec, h.fightCooldownSec) * 1000, budgetMs);
}

/** A recorded steal with what it meant when it happened. */
export interface ClassifiedSteal extends StealEvent {
  /** `count(at) ≥ fightThreshold`: both symbols cool for `fightCooldownSec`. */
  fight: boolean;
  /** Steals between the pair in the window before this one (the count that classified it). */
  pairCount: number;
}

interface PairTimes {
  a: string;
  b: string;
  times: TimeMs[];
}

const NO_SYMBOLS: ReadonlySet<string> = new Set<string>();

/** The four keys every query reads: a missing one would make each cooldown and fight count NaN, silently. */
function checkHistoryConfig(config: unknown): void {
  const fix = 'pass resolveConfig().config';
  if (typeof config !== 'object' || config === null)
    throw new ValidationError('Invalid StealHistory config', [
      { where: 'config', message: `must be a configuration: ${fix}`, value: config },
    ]);
  const c = config as Record<string, unknown>;
  const keys = ['cooldownSec', 'fightThreshold', 'fightWindowSec', 'fightCooldownSec'];
  const issues = keys
    .filter((k) => {
      const v = c[k];
      return !(typeof v === 'number' && v >= 0);
    })
    .map((k) => ({ where: `config.${k}`, message: `must be a number ≥ 0: ${fix}`, value: c[k] }));
  if (issues.length) throw new ValidationError('Invalid StealHistory config', issues);
}

/**
 * Cooldowns and fights from steal history (README "The rules in one table"). One count serves both detection
 * and cooldown: `count(t)` = steals between the unordered pair with `0 ≤ t − at < fightWindowSec`, the steal
 * being classified not included (steals recorded before it at the same instant do count).
 *
 * Pure: time is always an argument. Entries after `now` are ignored by every query.
 */
export class StealHistory {
  private readonly events: ClassifiedSteal[] = [];
  /**
   * Steal times per unordered pair, ascending, with the pair's two symbols, found as `pairs.get(a).get(b)` and
   * `pairs.get(b).get(a)` (one object): symbols are strings the caller already holds, so no key is built.
   */
  private readonly pairs = new Map<string, Map<string, PairTimes>>();
  /** Every pair once, in the order they first stole from each other. */
  private readonly pairList = new Set<PairTimes>();

  constructor(private readonly config: HistoryConfig) {
    checkHistoryConfig(config);
  }

  /** Record a steal. Events must arrive in time order; an out-of-order event is inserted where it belongs. */
  record(event: StealEvent): ClassifiedSteal {
    const pair = this.pair(event.thief, event.victim) ?? this.addPair(event.thief, event.victim);
    const times = pair.times;
    const count = countInWindow(times, event.at, this.config.fightWindowSec * 1000);
    const classified: ClassifiedSteal = {
      at: event.at,
      thief: event.thief,
      victim: event.victim,
      fight: count >= this.config.fightThreshold,
      pairCount: count,
    };
    insertSorted(times, event.at);
    const last = this.events[this.events.length - 1];
    if (!last || last.at <= event.at) this.events.push(classified);
    else this.events.splice(upperBound(this.events, event.at), 0, classified);
    return classified;
  }

  /**
   * Take back a steal `record` returned (a saga's steal counted from its decision, which did not happen as
   * decided). Steals classified while it was recorded keep their classification: it counted them more
   * strictly, never less.
   */
  retract(event: ClassifiedSteal): void {
    const k = this.events.lastIndexOf(event);
    if (k < 0) return; // pruned
    this.events.splice(k, 1);
    const pair = this.pair(event.thief, event.victim);
    if (!pair) return;
    const times = pair.times;
    const i = times.lastIndexOf(event.at);
    if (i >= 0) times.splice(i, 1);
    if (times.length === 0) this.dropPair(pair);
  }

  /** `count(now)` for the pair: how many steals between them lie in the window ending now. */
  pairCount(a: string, b: string, now: TimeMs): number {
    const pair = this.pair(a, b);
    return pair ? countInWindow(pair.times, now, this.config.fightWindowSec * 1000) : 0;
  }

  /** The pair is fighting now: a steal between them would need stealer PnL > victim PnL. */
  isFighting(a: string, b: string, now: TimeMs): boolean {
    const pair = this.pair(a, b);
    // Fewer steals ever recorded between them than the threshold: no window can hold enough.
    if (!pair || pair.times.length < this.config.fightThreshold) return false;
    return countInWindow(pair.times, now, this.config.fightWindowSec * 1000) >= this.config.fightThreshold;
  }

  /** End of the symbol's cooldown, or null when it is not cooling at `now`. */
  coolingUntil(symbol: string, now: TimeMs): TimeMs | null {
    let until: TimeMs | null = null;
    const horizon = now - this.maxCooldownMs();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.at < horizon) break;
      if (e.at > now) continue;
      const involved = e.victim === symbol || (e.fight && e.thief === symbol);
      if (!involved) continue;
      const end = e.at + (e.fight ? this.config.fightCooldownSec : this.config.cooldownSec) * 1000;
      if (now < end && (until === null || end > until)) until = end;
    }
    return until;
  }

  isCooling(symbol: string, now: TimeMs): boolean {
    return this.coolingUntil(symbol, now) !== null;
  }

  /**
   * Every symbol cooling at `now` (the same rule as coolingUntil, for all symbols in one pass). The set is
   * only allocated when some symbol cools: this runs on every steal decision.
   */
  coolingSymbols(now: TimeMs): ReadonlySet<string> {
    let out: Set<string> | null = null;
    const horizon = now - this.maxCooldownMs();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.at < horizon) break;
      if (e.at > now) continue;
      const end = e.at + (e.fight ? this.config.fightCooldownSec : this.config.cooldownSec) * 1000;
      if (now >= end) continue;
      out ??= new Set<string>();
      out.add(e.victim);
      if (e.fight) out.add(e.thief);
    }
    return out ?? NO_SYMBOLS;
  }

  /** The symbols whose pair with `symbol` is fighting at `now`. */
  fightingPartners(symbol: string, now: TimeMs): ReadonlySet<string> {
    let out: Set<string> | null = null;
    const windowMs = this.config.fightWindowSec * 1000;
    const threshold = this.config.fightThreshold;
    for (const { a, b, times } of this.pairList) {
      if (times.length < threshold || (a !== symbol && b !== symbol)) continue;
      if (countInWindow(times, now, windowMs) >= threshold) {
        out ??= new Set<string>();
        out.add(a === symbol ? b : a);
      }
    }
    return out ?? NO_SYMBOLS;
  }

  /** Steals made by `symbol` (as the thief) with `0 ≤ now − at < windowMs`: what the steal budget counts. */
  stealsBy(symbol: string, now: TimeMs, windowMs: number): number {
    let count = 0;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.at > now) continue;
      if (now - e.at >= windowMs) break;
      if (e.thief === symbol) count++;
    }
    return count;
  }

  /** Forget what can no longer affect a decision at or after `now`. */
  prune(now: TimeMs): void {
    const keep = now - historyHorizonMs(this.config);
    let drop = 0;
    while (drop < this.events.length && this.events[drop]!.at < keep) drop++;
    if (drop === 0) return;
    this.events.splice(0, drop);
    for (const pair of this.pairList) {
      const times = pair.times;
      let k = 0;
      while (k < times.length && times[k]! < keep) k++;
      if (k === times.length) this.dropPair(pair);
      else if (k > 0) times.splice(0, k);
    }
  }

  all(): readonly ClassifiedSteal[] {
    return this.events;
  }

  private pair(a: string, b: string): PairTimes | undefined {
    return this.pairs.get(a)?.get(b);
  }

  private addPair(a: string, b: string): PairTimes {
    const pair: PairTimes = { a, b, times: [] };
    this.link(a, b, pair);
    this.link(b, a, pair);
    this.pairList.add(pair);
    return pair;
  }

  private link(from: string, to: string, pair: PairTimes): void {
    let partners = this.pairs.get(from);
    if (!partners) this.pairs.set(from, (partners = new Map()));
    partners.set(to, pair);
  }

  private dropPair(pair: PairTimes): void {
    this.pairs.get(pair.a)?.delete(pair.b);
    this.pairs.get(pair.b)?.delete(pair.a);
    this.pairList.delete(pair);
  }

  private maxCooldownMs(): number {
    return Math.max(this.config.cooldownSec, this.config.fightCooldownSec) * 1000;
  }
}

/** Number of times in `(t − window, t]`. */
function countInWindow(times: readonly TimeMs[], t: TimeMs, windowMs: number): number {
  return upperBoundTime(times, t) - upperBoundTime(times, t - windowMs);
}

/** First index whose time is > x. */
function upperBoundTime(arr: readonly TimeMs[], x: TimeMs): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose event is later than x. */
function upperBound(arr: readonly { at: TimeMs }[], x: TimeMs): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]!.at <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(arr: TimeMs[], x: TimeMs): void {
  if (arr.length === 0 || arr[arr.length - 1]! <= x) arr.push(x);
  else arr.splice(upperBoundTime(arr, x), 0, x);
}
