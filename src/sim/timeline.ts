import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { BarSeries } from '../marketdata/types.js';

export const STEP_BAR = 1;
export const STEP_DELEVERAGE = 2;
export const STEP_CLOSE = 4;

export interface Timeline {
  /** Step times (epoch ms), ascending and unique: every bar close, plus end-of-day events. */
  steps: Float64Array;
  /** Per step: which kinds of event happen then (bit set of STEP_*). */
  kinds: Uint8Array;
  /** Per series, per bar: when the bar closes, i.e. when its prices become known. */
  closeTimes: Float64Array[];
  /** Per series, per bar: the bar length known at the bar's open (causalBarLengths), NaN before any. */
  barLengths: Float64Array[];
  /** Per series: the first bar inside the simulated range. */
  firstBar: Int32Array;
  /** Per series: one past the last bar inside the simulated range. */
  lastBar: Int32Array;
}

/**
 * The bar length of a series as known at each bar's open (causally, never from the file's future: README
 * "The model: assumptions and limits"): the most common spacing between the opens seen so far, the shorter on
 * a tie. Gaps in sparse data (Kraken 2015 omits hours without trades) and one-off short bars (TSLA's
 * half-hour first bar) do not move it, where a median of the whole file would change with data after the bar.
 * NaN at the first bar.
 */
export function causalBarLengths(time: Float64Array): Float64Array {
  const out = new Float64Array(time.length);
  // Counts of every spacing but the current best, whose count is kept apart: almost every spacing equals
  // the best, and then no map is touched.
  const counts = new Map<number, number>();
  let best = Number.NaN;
  let bestCount = 0;
  out[0] = Number.NaN;
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!;
    if (d === best) bestCount++;
    else if (d > 0) {
      const c = (counts.get(d) ?? 0) + 1;
      if (c > bestCount || (c === bestCount && d < best)) {
        if (bestCount > 0) counts.set(best, bestCount);
        counts.delete(d);
        best = d;
        bestCount = c;
      } else counts.set(d, c);
    }
    out[i] = best;
  }
  return out;
}

/**
 * The union timeline of all symbols (README "The model: assumptions and limits"). A bar's prices are known at
 * its close: its open plus the bar length known at its open (causalBarLengths), cut short by the next bar's
 * open (a half-hour first bar; known when that bar opens) and, for a stock bar that opens in the regular
 * session, by the session close (SPY's 15:30 bar ends at 16:00). A first bar, whose length nothing yet says,
 * closes when the next opens. A symbol without a bar at a step does not trade then; no price is invented.
 */
export function buildTimeline(
  series: readonly BarSeries[],
  calendar: ExchangeCalendar,
  options: { from?: number; to?: number; deleverageLeadMinutes: number },
): Timeline {
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const closeTimes: Float64Array[] = [];
  const barLengths: Float64Array[] = [];
  const firstBar = new Int32Array(series.length);
  const lastBar = new Int32Array(series.length);
  let hasStocks = false;
  let count = 0;
  series.forEach((s, k) => {
    const n = s.time.length;
    const ct = new Float64Array(n);
    const lengths = causalBarLengths(s.time);
    const stock = s.assetClass === 'stock';
    hasStocks ||= stock;
    for (let i = 0; i < n; i++) {
      const open = s.time[i]!;
      const length = lengths[i]!;
      let close = Number.isNaN(length) ? Number.POSITIVE_INFINITY : open + length;
      if (i + 1 < n && s.time[i + 1]! < close) close = s.time[i + 1]!;
      if (stock) {
        const session = calendar.sessionAt(open);
        if (session && session.close < close) close = session.close;
      }
      ct[i] = close;
    }
    closeTimes.push(ct);
    barLengths.push(lengths);
    let first = 0;
    while (first < n && ct[first]! <= from) first++;
    let last = first;
    while (last < n && ct[last]! <= to && ct[last]! < Number.POSITIVE_INFINITY) last++;
    firstBar[k] = first;
    lastBar[k] = last;
    count += last - first;
  });
  const uniqueBars = mergeUnique(closeTimes, firstBar, lastBar, count);

  const events: [number, number][] = [];
  if (hasStocks && uniqueBars.length) {
    const lead = options.deleverageLeadMinutes * 60_000;
    const begin = uniqueBars[0]!;
    const end = uniqueBars[uniqueBars.length - 1]!;
    // A deleverage window that opens by the last bar is run even when its close comes after it: whether it runs
    // must not depend on bars after it (before, data ending between the window's start and the close, 19:00 of a
    // 20:00 close with a 90-minute lead, left out the cancels the longer data made at 18:30).
    for (let t = calendar.nextClose(begin); t !== null && t - lead <= end; t = calendar.nextClose(t + 1)) {
      events.push([t - lead, STEP_DELEVERAGE]);
      if (t <= end) events.push([t, STEP_CLOSE]);
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
  // Merge bar steps with calendar events (both sorted) into one timeline of unique times.
  const steps = new Float64Array(uniqueBars.length + events.length);
  const kinds = new Uint8Array(steps.length);
  let i = 0;
  let e = 0;
  let m = 0;
  while (i < uniqueBars.length || e < events.length) {
    const tb = i < uniqueBars.length ? uniqueBars[i]! : Number.POSITIVE_INFINITY;
    const te = e < events.length ? events[e]![0] : Number.POSITIVE_INFINITY;
    const t = Math.min(tb, te);
    let kind = 0;
    if (tb === t) {
      kind |= STEP_BAR;
      i++;
    }
    while (e < events.length && events[e]![0] === t) kind |= events[e++]![1];
    steps[m] = t;
    kinds[m++] = kind;
  }
  return {
    steps: steps.subarray(0, m),
    kinds: kinds.subarray(0, m),
    closeTimes,
    barLengths,
    firstBar,
    lastBar,
  };
}

/**
 * When a session over this timeline first sees a bar close (the first step with a bar; an end-of-day event
 * may come before it): the time its bar length is known at (sessionBarMs). −∞ for a timeline without bars.
 */
export function firstBarStep(timeline: Pick<Timeline, 'steps' | 'kinds'>): number {
  for (let i = 0; i < timeline.steps.length; i++)
    if (timeline.kinds[i]! & STEP_BAR) return timeline.steps[i]!;
  return Number.NEGATIVE_INFINITY;
}

/**
 * Every bar close in range, ascending and unique: a merge of the per-series close times, each already
 * ascending. A handful of series, so the next smallest is found by a scan of their heads, kept in a typed
 * array of their own (the head of a series that is done is +∞).
 */
function mergeUnique(
  closeTimes: readonly Float64Array[],
  firstBar: Int32Array,
  lastBar: Int32Array,
  count: number,
): Float64Array {
  const out = new Float64Array(count);
  const n = closeTimes.length;
  const at = Int32Array.from(firstBar);
  const head = new Float64Array(n);
  for (let k = 0; k < n; k++) head[k] = at[k]! < lastBar[k]! ? closeTimes[k]![at[k]!]! : Infinity;
  let w = 0;
  for (;;) {
    let t = Infinity;
    for (let k = 0; k < n; k++) if (head[k]! < t) t = head[k]!;
    if (t === Infinity) break;
    out[w++] = t;
    for (let k = 0; k < n; k++) {
      if (head[k] !== t) continue;
      const ct = closeTimes[k]!;
      const last = lastBar[k]!;
      let i = at[k]! + 1;
      while (i < last && ct[i] === t) i++;
      at[k] = i;
      head[k] = i < last ? ct[i]! : Infinity;
    }
  }
  return out.subarray(0, w);
}
