import { nyseCalendar } from '../../src/core/calendar/index.js';
import { FillModel } from '../../src/core/fill/model.js';
import type { ScoredPrediction } from '../../src/core/fill/report.js';
import type { BarSeries } from '../../src/marketdata/index.js';

const HOUR = 3_600_000;

export interface HoldoutOptions {
  from: number;
  to: number;
  /** Limits placed this far from the close (fractions), both sides. */
  distances: readonly number[];
  horizonMs: number;
  /** Score every k-th bar close of the second half (all of them is slower and says the same). */
  every: number;
}

/**
 * Fit on the first half of [from, to), freeze the calibration, then on the second half predict at bar closes
 * the chance that a limit at each distance is touched within the horizon, and score it against the bars
 * that followed (a stock only in its regular sessions, as the simulator fills). The model itself never sees
 * a bar before it closes; only the scoring here looks ahead, after the prediction is made.
 */
export function holdoutPredictions(series: readonly BarSeries[], o: HoldoutOptions): ScoredPrediction[] {
  const calendar = nyseCalendar();
  const model = new FillModel({ calendar, assetClasses: series.map((s) => s.assetClass) });
  const mid = o.from + (o.to - o.from) / 2;
  // Merge all bars by open time so the model is fed as a session would feed it.
  const events: [number, number, number][] = [];
  series.forEach((s, k) => {
    for (let i = 0; i < s.time.length; i++) {
      const t = s.time[i]!;
      if (t < o.from || t >= o.to) continue;
      if (s.assetClass === 'stock' && !calendar.isRegularSession(t)) continue;
      events.push([t, k, i]);
    }
  });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: ScoredPrediction[] = [];
  let frozen = false;
  let n = 0;
  for (const [t, k, i] of events) {
    const s = series[k]!;
    if (!frozen && t >= mid) {
      model.setLearning(false);
      frozen = true;
    }
    const barMs = barLength(s, i, calendar);
    model.onBar(k, t, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, barMs);
    if (!frozen || n++ % o.every !== 0) continue;
    const now = t + barMs;
    const end = now + o.horizonMs;
    if (end > o.to) continue;
    let minLow = Infinity;
    let maxHigh = -Infinity;
    for (let j = i + 1; j < s.time.length && s.time[j]! < end; j++) {
      if (s.assetClass === 'stock' && !calendar.isRegularSession(s.time[j]!)) continue;
      minLow = Math.min(minLow, s.low[j]!);
      maxHigh = Math.max(maxHigh, s.high[j]!);
    }
    const close = s.close[i]!;
    for (const d of o.distances) {
      const buy = close * (1 - d);
      const sell = close * (1 + d);
      const pb = model.fillProbability(k, 'buy', buy, close, now, end);
      const ps = model.fillProbability(k, 'sell', sell, close, now, end);
      if (Number.isFinite(pb)) out.push({ assetClass: s.assetClass, predicted: pb, hit: minLow <= buy });
      if (Number.isFinite(ps)) out.push({ assetClass: s.assetClass, predicted: ps, hit: maxHigh >= sell });
    }
  }
  return out;
}

/** A bar's real length: the interval, cut by the next bar and, for a stock, by the session close. */
function barLength(s: BarSeries, i: number, calendar: ReturnType<typeof nyseCalendar>): number {
  const open = s.time[i]!;
  let close = open + (s.intervalMs || HOUR);
  if (i + 1 < s.time.length && s.time[i + 1]! < close) close = s.time[i + 1]!;
  if (s.assetClass === 'stock') {
    const session = calendar.sessionAt(open);
    if (session && session.close < close) close = session.close;
  }
  return close - open;
}
