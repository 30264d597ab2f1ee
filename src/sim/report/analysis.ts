import type { BarSeries } from '../../marketdata/index.js';
import type { SimulationResult } from '../run.js';

/**
 * What the simulation report shows beyond the run's own rows, computed from the result and the bars:
 * daily closes, a buy-and-hold benchmark, calendar returns, weekly steal and block counts by reason.
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

/** The day (UTC midnight, ms) of each equity row: the report's common x axis. */
export const equityDays = (result: SimulationResult): number[] =>
  result.equity.map((r) => Math.floor(Date.parse(r.time) / DAY_MS) * DAY_MS);

/**
 * Per symbol, the last close at or before the end of each day (a bar's close time is its open time plus its
 * length); null before the symbol's first bar.
 */
export function dailyCloses(series: BarSeries, days: readonly number[]): (number | null)[] {
  const out: (number | null)[] = [];
  const length = series.intervalMs;
  let i = 0;
  let last: number | null = null;
  for (const day of days) {
    const end = day + DAY_MS;
    while (i < series.time.length && series.time[i]! + length <= end) last = series.close[i++]!;
    out.push(last);
  }
  return out;
}

/**
 * Equal-weight buy-and-hold of every symbol: the initial equity split evenly, each share bought at its
 * symbol's first daily close in the range (cash until then), never rebalanced, no fees, no margin.
 */
export function buyAndHold(closes: readonly (number | null)[][], initialEquity: number): (number | null)[] {
  const n = closes.length;
  if (n === 0) return [];
  const share = initialEquity / n;
  const entry: (number | null)[] = new Array(n).fill(null);
  const days = closes[0]!.length;
  const out: (number | null)[] = [];
  for (let d = 0; d < days; d++) {
    let value = 0;
    for (let k = 0; k < n; k++) {
      const c = closes[k]![d] ?? null;
      if (entry[k] === null && c !== null && c > 0) entry[k] = c;
      const e = entry[k]!;
      value += e === null || c === null ? share : share * (c / e);
    }
    out.push(value);
  }
  return out;
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
