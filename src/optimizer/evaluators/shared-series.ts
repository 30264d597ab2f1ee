/**
 * Bar series in shared memory. The columns are copied once into SharedArrayBuffers; posting such a series
 * to a worker thread passes the memory, not a copy, so every thread of the pool reads the same bars and no
 * evaluation loads or copies data.
 */
import type { BarSeries } from '../../marketdata/index.js';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function shareColumn(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const shared = new Float64Array(new SharedArrayBuffer(a.length * Float64Array.BYTES_PER_ELEMENT));
  shared.set(a);
  return shared;
}

/** The same series with every column backed by shared memory (columns already shared are kept). */
export function shareSeries(series: readonly BarSeries[]): BarSeries[] {
  return series.map((s) => {
    const out: BarSeries = { ...s, source: { ...s.source } };
    for (const c of COLUMNS) out[c] = shareColumn(s[c]);
    return out;
  });
}

export function sharedBytes(series: readonly BarSeries[]): number {
  return series.reduce((n, s) => n + COLUMNS.reduce((m, c) => m + s[c].byteLength, 0), 0);
}
