/**
 * Garbage of the same shape as real bars, for leakage tests: the bar times stay (so every window, timeline
 * and fold is cut exactly as before), the prices and volumes from a given time on are replaced. A run that
 * must not read those bars gives bit-identical numbers; one that reads a single price of them does not.
 */
import type { BarSeries } from '../../src/marketdata/index.js';
import { rng } from './arbitraries.js';

/** `x1000`: every price and volume ×1000 (the returns within the garbage are real, the jump into it is not). `walk`: a seeded random walk. */
export type Garbage = 'x1000' | 'walk';

/** A copy of `s` whose bars opening at or after `from` are garbage (the rest shares nothing with `s`). */
export function garbleFrom(s: BarSeries, from: number, kind: Garbage, seed: number): BarSeries {
  let first = 0;
  while (first < s.time.length && s.time[first]! < from) first++;
  return garbleBars(s, first, kind, seed);
}

/** A copy of `s` whose bars from index `first` on are garbage. */
export function garbleBars(s: BarSeries, first: number, kind: Garbage, seed: number): BarSeries {
  const open = Float64Array.from(s.open);
  const high = Float64Array.from(s.high);
  const low = Float64Array.from(s.low);
  const close = Float64Array.from(s.close);
  const volume = Float64Array.from(s.volume);
  const next = rng(seed);
  let last = first > 0 ? close[first - 1]! : s.close[0]!;
  for (let i = first; i < s.time.length; i++) {
    if (kind === 'x1000') {
      open[i]! *= 1000;
      high[i]! *= 1000;
      low[i]! *= 1000;
      close[i]! *= 1000;
      volume[i]! *= 1000;
      continue;
    }
    const o = last * Math.exp(0.01 * (next() - 0.5));
    const c = o * Math.exp(0.08 * (next() - 0.5));
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + 0.03 * next());
    low[i] = Math.min(o, c) * (1 - 0.03 * next());
    volume[i] = 1 + 1e6 * next();
    last = c;
  }
  return { ...s, time: Float64Array.from(s.time), open, high, low, close, volume };
}
