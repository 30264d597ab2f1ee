import type { AssetClass } from '../../src/core/types.js';
import type { BarSeries } from '../../src/marketdata/index.js';

export interface Bar {
  t: string | number;
  o: number;
  h: number;
  l: number;
  c: number;
}

/** A hand-made series: bars given as [open time, O, H, L, C]. */
export function series(
  symbol: string,
  assetClass: AssetClass,
  bars: Bar[],
  intervalMs = 3_600_000,
): BarSeries {
  const time = Float64Array.from(bars, (b) => (typeof b.t === 'number' ? b.t : Date.parse(b.t)));
  return {
    symbol,
    assetClass,
    intervalMs,
    time,
    open: Float64Array.from(bars, (b) => b.o),
    high: Float64Array.from(bars, (b) => b.h),
    low: Float64Array.from(bars, (b) => b.l),
    close: Float64Array.from(bars, (b) => b.c),
    volume: new Float64Array(bars.length).fill(1),
    source: { path: `memory:${symbol}`, sha256: '', layout: 'memory', timezone: 'UTC' },
  };
}

/** Flat hourly bars at `price`, from `start` for `hours`. */
export function flat(start: string, hours: number, price: number): Bar[] {
  const t0 = Date.parse(start);
  return Array.from({ length: hours }, (_, i) => ({
    t: t0 + i * 3_600_000,
    o: price,
    h: price,
    l: price,
    c: price,
  }));
}
