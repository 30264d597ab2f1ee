/**
 * The lookup structure behind every calendar: sessions sorted by open, in parallel Float64Arrays, searched by
 * bisection. The simulator steps through time in order, so the last hit is tried first and most calls cost two
 * comparisons; random access still costs only log2(#sessions) ≈ 14 steps for 36 years of NYSE.
 */
import type { TimeMs } from '../types.js';
import type { ExchangeCalendar, Session } from './types.js';

export class SessionTable implements ExchangeCalendar {
  readonly name: string;
  readonly firstDay: string;
  readonly lastDay: string;
  private readonly sessions: readonly Session[];
  private readonly opens: Float64Array;
  private readonly closes: Float64Array;
  private readonly byDay: ReadonlyMap<string, Session>;
  /**
   * Index of the last lookup. A cache only: it changes how fast an answer is found, never the answer, so the
   * calendar stays a pure function of its inputs.
   */
  private hint = 0;

  /** `sessions` must be sorted by open, non-overlapping, one per day, each with open < close (callers validate). */
  constructor(name: string, sessions: readonly Session[], firstDay: string, lastDay: string) {
    this.name = name;
    this.firstDay = firstDay;
    this.lastDay = lastDay;
    this.sessions = sessions.map((s) => Object.freeze({ ...s }));
    this.opens = Float64Array.from(this.sessions, (s) => s.open);
    this.closes = Float64Array.from(this.sessions, (s) => s.close);
    this.byDay = new Map(this.sessions.map((s) => [s.day, s]));
  }

  /** Index of the last session whose open is ≤ t; -1 when t is before the first open (or NaN). */
  private indexAtOrBefore(t: TimeMs): number {
    const opens = this.opens;
    const n = opens.length;
    const h = this.hint;
    if (h < n && opens[h]! <= t && (h + 1 === n || t < opens[h + 1]!)) return h;
    if (!(t >= opens[0]!)) return -1; // also catches NaN and an empty table
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (opens[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo;
  }

  sessionFor(day: string): Session | null {
    return this.byDay.get(day) ?? null;
  }

  sessionAt(t: TimeMs): Session | null {
    const i = this.indexAtOrBefore(t);
    return i >= 0 && t < this.closes[i]! ? this.sessions[i]! : null;
  }

  isRegularSession(t: TimeMs): boolean {
    const i = this.indexAtOrBefore(t);
    return i >= 0 && t < this.closes[i]!;
  }

  nextClose(t: TimeMs): TimeMs | null {
    if (Number.isNaN(t)) return null;
    const i = this.indexAtOrBefore(t);
    if (i >= 0 && t < this.closes[i]!) return this.closes[i]!;
    return i + 1 < this.closes.length ? this.closes[i + 1]! : null;
  }

  nextOpen(t: TimeMs): TimeMs | null {
    if (Number.isNaN(t)) return null;
    const i = this.indexAtOrBefore(t);
    if (i >= 0 && this.opens[i] === t) return t;
    return i + 1 < this.opens.length ? this.opens[i + 1]! : null;
  }
}
