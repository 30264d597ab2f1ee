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

/**
 * Flat regular-session hourly bars at `price` on the given summer days (EDT: bars open 13:30Z–19:30Z, the
 * last cut at the 20:00Z close).
 */
export function sessionBars(days: readonly string[], price: number): Bar[] {
  return days.flatMap((d) =>
    [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5].map((h) => ({
      t: Date.parse(`${d}T00:00:00Z`) + h * 3_600_000,
      o: price,
      h: price,
      l: price,
      c: price,
    })),
  );
}

/** A summer session's hourly bars (EDT: they open 13:30Z–19:30Z), flat at `before`, at `after` from `fromHour` Z. */
export function session(d: string, before: number, after = before, fromHour = 99): Bar[] {
  return [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5].map((h) => {
    const p = h >= fromHour ? after : before;
    return { t: Date.parse(`${d}T00:00:00Z`) + h * 3_600_000, o: p, h: p, l: p, c: p };
  });
}
