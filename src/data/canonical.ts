/**
 * The canonical bar file: CSV with the header `time,open,high,low,close,volume`, one bar per line, time the
 * bar's open as ISO-8601 UTC with `Z`, ascending, LF line ends. The simulator's loader detects it like any
 * other layout (header `time`, ISO with an offset), so a store file needs no special reader.
 *
 * Numbers are written with `String(x)`, the shortest text that parses back to the same double; the loader
 * parses decimals correctly rounded, so a value survives the round trip bit for bit.
 */
import {
  plausibleTime,
  priceProblem,
  repairHighLow,
  timeProblem,
  volumeProblem,
} from '../marketdata/limits.js';
import type { Bar } from './types.js';

export const CANONICAL_HEADER = 'time,open,high,low,close,volume\n';

/** Bar open time as the canonical text: '2022-01-01T00:00:00Z' (milliseconds only when there are some). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export interface Columns {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
}

/** Rows [from, to) of column arrays as canonical lines (no header). */
export function formatColumns(c: Columns, from = 0, to = c.time.length): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    lines.push(
      `${formatTime(c.time[i] as number)},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}\n`,
    );
  }
  return lines.join('');
}

export function formatBars(bars: readonly Bar[]): string {
  let out = '';
  for (const b of bars) out += `${formatTime(b.time)},${b.open},${b.high},${b.low},${b.close},${b.volume}\n`;
  return out;
}

/**
 * The file-name stem of a symbol: 'BTC/USDT' → 'BTC-USDT', 'BRK.B' → 'BRK.B'. The loader reads
 * 'BTC-USDT_1h.csv' back as BTC/USDT, and no character that a file system may refuse survives.
 */
export function symbolStem(symbol: string): string {
  return symbol
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** '<source>/<STEM>_<timeframe>.csv', POSIX separators: the store key and the path under the data folder. */
export function canonicalKey(source: string, symbol: string, timeframe: string): string {
  return `${source}/${symbolStem(symbol)}_${timeframe}.csv`;
}

export interface BarProblem {
  time: string;
  problem: string;
  action: 'dropped' | 'repaired';
}

/**
 * The loader's row rules (limits.ts), applied before a downloaded bar is stored: a bar whose time lies outside
 * the supported years, or with a price that is not positive, not a number or outside the plausible bounds,
 * or a volume that is negative or implausible, is dropped; a high/low that does not bracket open and close is
 * repaired by repairHighLow. Either way the problem is returned so that it ends up in the manifest, never fixed silently.
 * Without this, one bad bar from an exchange would make the whole store file refuse to load: the rules must
 * be the loader's own, not a looser copy.
 */
export function checkBar(bar: Bar): { bar: Bar | null; problem: BarProblem | null } {
  const { open: o, high: h, low: l, close: c, volume: v } = bar;
  const time = plausibleTime(bar.time) ? formatTime(bar.time) : String(bar.time);
  const drop = (problem: string) => ({ bar: null, problem: { time, problem, action: 'dropped' as const } });
  if (!plausibleTime(bar.time))
    return drop(timeProblem(bar.time, time, 'time') || `time ${time} is not a time`);
  const prices = { open: o, high: h, low: l, close: c };
  for (const [name, value] of Object.entries(prices)) {
    const problem = Number.isNaN(value) ? `${name} is not a number` : priceProblem(value, name);
    if (problem) return drop(problem);
  }
  const volume = Number.isNaN(v) ? 'volume is not a number' : volumeProblem(v, 'volume');
  if (volume) return drop(volume);
  const fix = repairHighLow(o, h, l, c);
  if (fix) {
    return {
      bar: { ...bar, high: fix.high, low: fix.low },
      problem: { time, problem: `${fix.problem}; ${fix.repair}`, action: 'repaired' },
    };
  }
  return { bar, problem: null };
}
