/**
 * Suspicious single-bar moves in well-formed data: warned about, never refused and never changed (a real
 * crash is possible; the file is the user's). Two patterns, with bounds that none of the real files under
 * ../shared/marketdata reaches except at a known defect:
 * - a jump: a bar's whole range lies at least JUMP_RATIO away from the previous bar's (the ranges do not
 *   overlap), as at an unadjusted split (WIKI-AAPL 2014-06-09: close 645.57 → open 92.70, 7:1) or a run of
 *   bars in another unit. Real moves stay below it: the largest elsewhere, hour or day, is about 1.35 apart.
 * - a spike: one price at least SPIKE_RATIO times, or at most 1/SPIKE_RATIO of, the previous close, as a
 *   typo or a bad print (a low of 0.0001). The deepest real crash wick in the sets (2025-10-10) is under 4x.
 */

/** Bars whose ranges lie this far apart (no overlap) are a jump: a 2:1 split is 2, the 7:1 in WIKI-AAPL 6.9. */
export const JUMP_RATIO = 1.5;
/** A price this many times the previous close (or this fraction of it) is a spike. */
export const SPIKE_RATIO = 5;
/** Warnings kept per file; the count is exact. */
export const WARNINGS_KEPT = 50;

export interface MoveWarning {
  /** 1-based line number of the bar that moved, as in the quality report's bad rows. */
  row: number;
  /** When that bar opens (ms UTC): a run that reads no bar at that time is not told of it. */
  time: number;
  problem: string;
}

export interface MoveColumns {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  row: ArrayLike<number>;
}

const ratio = (a: number, b: number): string => {
  const r = a > b ? a / b : b / a;
  return r >= 100 ? r.toExponential(1).replace('e+', 'e') : r.toFixed(2);
};

/**
 * What to do about a jump: the adjusted columns when the file has them (Quandl/WIKI `Adj. Open`…, Yahoo
 * `Adj Close` alone is not enough for a bar), else a general hint.
 */
export function adjustedColumnsHint(names: readonly string[], used: readonly number[]): string {
  const adjusted = (what: string): number =>
    names.findIndex((n) => new RegExp(`^adj(usted)?[ ._-]*${what}$`, 'i').test(n.trim()));
  const cols = ['open', 'high', 'low', 'close', 'volume'].map(adjusted);
  const prices = cols.slice(0, 4);
  if (prices.some((c) => c < 0) || prices.every((c, k) => c === used[k])) {
    return 'load split-adjusted prices, or ignore this if the move is real';
  }
  const list = cols.filter((c) => c >= 0).map((c) => names[c] as string);
  return `use the adjusted columns: --columns "${list.join(',')}"`;
}

/** The jumps and spikes of a series (bars in time order, `row` their file lines), at most WARNINGS_KEPT. */
export function suspiciousMoves(
  c: MoveColumns,
  n: number,
  splitHint: string,
): { warnings: MoveWarning[]; count: number } {
  const warnings: MoveWarning[] = [];
  let count = 0;
  for (let i = 1; i < n; i++) {
    const pl = c.low[i - 1] as number;
    const ph = c.high[i - 1] as number;
    const pc = c.close[i - 1] as number;
    const h = c.high[i] as number;
    const l = c.low[i] as number;
    // The common case: one comparison pair per bar.
    if (h < pc * SPIKE_RATIO && l * SPIKE_RATIO > pc && pl < h * JUMP_RATIO && l < ph * JUMP_RATIO) continue;
    const prevRow = c.row[i - 1] as number;
    const o = c.open[i] as number;
    let problem = '';
    if (pl >= h * JUMP_RATIO || l >= ph * JUMP_RATIO) {
      problem = `the price jumps ${ratio(o, pc)}x from close ${pc} (row ${prevRow}) to open ${o}, and the two bars' ranges do not overlap: likely an unadjusted split or prices in another unit; ${splitHint}`;
    } else {
      const spike = h >= pc * SPIKE_RATIO ? { name: 'high', v: h } : { name: 'low', v: l };
      problem = `${spike.name} ${spike.v} is ${ratio(spike.v, pc)}x ${spike.v > pc ? 'above' : 'below'} the previous close ${pc} (row ${prevRow}): likely a typo or a bad print; check the row, or ignore this if the move is real`;
    }
    count++;
    if (warnings.length < WARNINGS_KEPT)
      warnings.push({ row: c.row[i] as number, time: c.time[i] as number, problem });
  }
  return { warnings, count };
}
