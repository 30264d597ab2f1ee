import type { ExchangeCalendar } from '../calendar/index.js';
import type { TimeMs } from '../types.js';

/**
 * What a stock can trade in a window `(from, to]`: regular-session milliseconds, and how many session opens
 * fall inside (each brings an overnight gap). The window ends early once `maxTradableMs` of session time is
 * counted (opens after that point are not counted), and at the end of the calendar's range.
 * Written into `out` ([tradableMs, opens]) so that the fill model's hot path allocates nothing.
 */
export function stockWindow(
  calendar: ExchangeCalendar,
  from: TimeMs,
  to: TimeMs,
  maxTradableMs: number,
  out: Float64Array,
): void {
  let tradable = 0;
  let opens = 0;
  let t = from;
  // Each turn of the loop crosses one session (or the closed spell before one); a window of days takes a few.
  while (t < to) {
    const session = calendar.sessionAt(t);
    if (session) {
      let end = session.close < to ? session.close : to;
      if (end - t >= maxTradableMs - tradable) end = t + (maxTradableMs - tradable);
      tradable += end - t;
      if (tradable >= maxTradableMs) break;
      t = session.close;
      continue;
    }
    const open = calendar.nextOpen(t);
    if (open === null || open > to) break;
    if (open > from) opens++;
    if (open === t) break; // cannot happen (sessionAt would have found it); guards the loop
    t = open;
  }
  out[0] = tradable;
  out[1] = opens;
}

/**
 * stockWindow for many windows that share their start: the sessions after `from` are looked up once
 * (until `maxTradableMs` of session time is covered) and each window then costs a short scan, with no
 * calendar call. A decision values every open order at the same `now`, so one profile serves them all.
 * Gives exactly what stockWindow gives.
 */
export class TradableProfile {
  private from = Number.NaN;
  private count = 0;
  /** Per segment: where tradable time starts (the open, or `from` inside a session), where it ends, whether an open starts it. */
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly opens: number[] = [];
  /** The last window asked and its answer: many symbols ask the same one (their next bar) in a row. */
  private lastTo = Number.NaN;
  private lastTradable = 0;
  private lastOpens = 0;

  constructor(
    private readonly calendar: ExchangeCalendar,
    private readonly maxTradableMs: number,
  ) {}

  /** [tradableMs, opens] of `(from, to]` into `out`. */
  window(from: TimeMs, to: TimeMs, out: Float64Array): void {
    if (from !== this.from) this.build(from);
    else if (to === this.lastTo) {
      out[0] = this.lastTradable;
      out[1] = this.lastOpens;
      return;
    }
    const cap = this.maxTradableMs;
    let tradable = 0;
    let opens = 0;
    for (let k = 0; k < this.count; k++) {
      const s = this.start[k]!;
      if (s > to || (s === to && this.opens[k] === 0)) break;
      if (this.opens[k] === 1) opens++;
      const e = this.end[k]! < to ? this.end[k]! : to;
      tradable += e - s;
      if (tradable >= cap) {
        tradable = cap;
        break;
      }
    }
    out[0] = tradable;
    out[1] = opens;
    this.lastTo = to;
    this.lastTradable = tradable;
    this.lastOpens = opens;
  }

  private build(from: TimeMs): void {
    this.from = from;
    this.count = 0;
    let covered = 0;
    let t = from;
    while (covered < this.maxTradableMs) {
      const session = this.calendar.sessionAt(t);
      let begin: TimeMs;
      let isOpen: number;
      let close: TimeMs;
      if (session) {
        begin = t;
        isOpen = 0;
        close = session.close;
      } else {
        const open = this.calendar.nextOpen(t);
        if (open === null) break;
        const next = this.calendar.sessionAt(open);
        if (!next) break;
        begin = open;
        isOpen = open > from ? 1 : 0;
        close = next.close;
      }
      this.push(begin, close, isOpen);
      covered += close - begin;
      t = close;
    }
  }

  private push(start: TimeMs, end: TimeMs, isOpen: number): void {
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.opens[this.count] = isOpen;
    this.count++;
  }
}
