import type { ExchangeCalendar } from '../../core/calendar/index.js';
import type { BarSeries } from '../../marketdata/types.js';
import type { SimulationResult } from '../run.js';
import { buildTimeline } from '../timeline.js';

/**
 * What the simulation report shows beyond the run's own rows, computed from the result and the bars:
 * the closes the run saw, a buy-and-hold benchmark, calendar returns, weekly steal and block counts by reason.
 */

const DAY_MS = 86_400_000;

/**
 * The days a run's range spans, to the nearest day (2023-01-01 → 2023-07-01 is 181), or null without a range.
 * Not summary.days: that counts equity rows, which include both ends (182 there).
 */
export function rangeDays(range: SimulationResult['range']): number | null {
  if (range.from === null || range.to === null) return null;
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS);
}

/** The day (UTC midnight, ms) of each equity row: the key trades and steals are placed by. */
export const equityDays = (result: SimulationResult): number[] =>
  result.equity.map((r) => Math.floor(Date.parse(r.time) / DAY_MS) * DAY_MS);

/** The time (ms) of each equity row, the last step of its day: the x axis of the report's line charts. */
export const equityTimes = (result: SimulationResult): number[] =>
  result.equity.map((r) => Date.parse(r.time));

export interface RangePrices {
  /** Per symbol, per equity row: the last close the simulation had seen at the row's time; null before any. */
  closes: (number | null)[][];
  /** Per symbol: the close of its first bar inside the run's range (its first price), null without one. */
  first: (number | null)[];
}

/**
 * The prices the run saw, and only those: bars whose close falls inside the run's range (from its first step
 * to its last, so nothing after --to or before --from), their close times as the simulation computes them
 * (buildTimeline: a stock bar ends at its session's close), each sampled at every equity row's time.
 */
export function rangePrices(
  result: SimulationResult,
  series: readonly BarSeries[],
  calendar: ExchangeCalendar,
): RangePrices {
  const { from, to } = result.range;
  if (from === null || to === null || series.length === 0)
    return { closes: series.map(() => result.equity.map(() => null)), first: series.map(() => null) };
  // The range holds close times: a bar is inside when its close is at or after the first step.
  const timeline = buildTimeline(series, calendar, {
    from: Date.parse(from) - 1,
    to: Date.parse(to),
    deleverageLeadMinutes: 0,
  });
  const times = equityTimes(result);
  const closes = series.map((s, k) => {
    const ct = timeline.closeTimes[k]!;
    const end = timeline.lastBar[k]!;
    let i = timeline.firstBar[k]!;
    let last: number | null = null;
    return times.map((t) => {
      while (i < end && ct[i]! <= t) last = s.close[i++]!;
      return last;
    });
  });
  const first = series.map((s, k) =>
    timeline.firstBar[k]! < timeline.lastBar[k]! ? s.close[timeline.firstBar[k]!]! : null,
  );
  return { closes, first };
}

/**
 * Equal-weight buy-and-hold of every symbol: the initial equity split evenly, each share bought at its
 * symbol's first price in the range (`first`; cash until that bar closes) and valued at each row's close
 * (`closes`, from rangePrices), never rebalanced, no fees, no margin.
 */
export function buyAndHold(prices: RangePrices, initialEquity: number): (number | null)[] {
  const n = prices.closes.length;
  if (n === 0) return [];
  const share = initialEquity / n;
  return prices.closes[0]!.map((_, d) => {
    let value = 0;
    for (let k = 0; k < n; k++) {
      const c = prices.closes[k]![d] ?? null;
      const e = prices.first[k] ?? null;
      value += e === null || c === null || !(e > 0) ? share : share * (c / e);
    }
    return value;
  });
}

export interface PeriodReturn {
  period: string;
  ret: number;
}

/** Returns by calendar month (`YYYY-MM`) or year (`YYYY`) from the daily equity, chained from the start. */
export function periodReturns(result: SimulationResult, by: 'month' | 'year'): PeriodReturn[] {
  const cut = by === 'month' ? 7 : 4;
  const out: PeriodReturn[] = [];
  let base = result.summary.initialEquity;
  let current: string | null = null;
  let lastEquity = base;
  for (const row of result.equity) {
    const period = row.time.slice(0, cut);
    if (current !== null && period !== current) {
      out.push({ period: current, ret: base > 0 ? lastEquity / base - 1 : 0 });
      base = lastEquity;
    }
    current = period;
    lastEquity = row.equity;
  }
  if (current !== null) out.push({ period: current, ret: base > 0 ? lastEquity / base - 1 : 0 });
  return out;
}

/** Monday 00:00 UTC of the week holding `t`. */
const weekStart = (t: number): number => {
  const day = Math.floor(t / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  return (day - ((day + 3) % 7)) * DAY_MS;
};

export interface WeeklyCounts {
  weeks: number[];
  steals: number[];
  /** Blocks per week, one row per block reason. */
  blocks: Record<string, number[]>;
}

/** Steals and blocks per ISO week (weeks start on Monday, UTC), blocks split by reason. */
export function weeklyDecisions(result: SimulationResult): WeeklyCounts {
  const days = equityDays(result);
  if (days.length === 0) return { weeks: [], steals: [], blocks: {} };
  const first = weekStart(days[0]!);
  const last = weekStart(days[days.length - 1]!);
  const weeks: number[] = [];
  for (let w = first; w <= last; w += 7 * DAY_MS) weeks.push(w);
  const index = (t: number): number => Math.round((weekStart(t) - first) / (7 * DAY_MS));
  const steals = new Array<number>(weeks.length).fill(0);
  const blocks: Record<string, number[]> = {};
  for (const d of result.decisions) {
    const i = index(Date.parse(d.time));
    if (i < 0 || i >= weeks.length) continue;
    if (d.action === 'steal') steals[i]!++;
    else if (d.action === 'block') (blocks[d.reason] ??= new Array<number>(weeks.length).fill(0))[i]!++;
  }
  return { weeks, steals, blocks };
}

/** Hours each trade was held. */
export const tradeHours = (result: SimulationResult): number[] =>
  result.trades.map((t) => (Date.parse(t.exitTime) - Date.parse(t.entryTime)) / 3_600_000);

/** Margin used as a share of capacity at each day's end. */
export const utilization = (result: SimulationResult): number[] =>
  result.equity.map((r) => (r.marginCapacity > 0 ? r.marginUsed / r.marginCapacity : 0));
