import { nyseCalendar, type ExchangeCalendar } from '../core/calendar/index.js';
import type { VictimRanking } from '../core/config/schema.js';
import { FillModel, ReturnShrinker, fillValuator, type FillTape } from '../core/fill/index.js';
import type { Valuator } from '../core/policy/valuation.js';
import { valuesOrders } from '../core/policy/value-policy.js';
import type { AssetClass, OpenOrder, TimeMs } from '../core/types.js';

/**
 * Bars of history a session feeds the fill model before it trades: the simulator feeds this many bars from
 * before its range, the live runtime replays this many from its bar window at start-up. The same count on
 * both sides keeps a live model close to the simulator's started at the same time.
 */
export const VALUATION_WARMUP_BARS = 500;

/** Closed bars of one symbol, oldest first, as the live bar window gives them (open times). */
export interface ValuationBarWindow {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  intervalMs: number;
}

export interface SessionValuationOptions {
  victimRanking: VictimRanking;
  /** The exchange calendar (a stock's tradable time); one without `nextOpen` falls back to NYSE's rules. */
  calendar: Pick<ExchangeCalendar, 'sessionAt'> & Partial<ExchangeCalendar>;
  /** The session's symbols; index i here is symbol i in every call. */
  symbols: readonly { symbol: string; assetClass: AssetClass }[];
  /** The bar length the session trades on (converts `cooldownBars` and the other `*Bars` keys); 0 = unknown. */
  barMs: number;
  /** When a resting entry order stops being valid (its signal's validity); NaN when the session does not know. */
  orderValidUntil(order: OpenOrder): TimeMs;
  /** `orderValidUntil` gives an order one answer for as long as it rests (see FillValuatorOptions). */
  orderValidityFixed?: boolean;
  /** When an order requested for this symbol now would stop being valid (the current signal's validity). */
  requestValidUntil(symbol: string, now: TimeMs): TimeMs;
  /** Record the fill model's bars on this tape, or replay it when complete (runs over the same bars). */
  fillTape?: FillTape;
}

/**
 * The value-aware stealing model of one trading session (README "Value-aware stealing: does it pay?";
 * src/core/fill/USAGE.md): the fill model, the shrunk realised returns and the valuator over them, fed the
 * same way by the simulator and the live runtime. Under `victimRanking: distance` it is inactive: it feeds
 * nothing and gives the coordinator no valuator, so distance decisions are exactly those without it.
 *
 * Pure: no I/O, no clock. The drivers bring the bars, the closed trades and the validities.
 */
export class SessionValuation {
  /** A value ranking is in force: the model is fed and the coordinator gets the valuator. */
  readonly active: boolean;
  readonly model: FillModel;
  readonly returns: ReturnShrinker;
  readonly valuator: Valuator;
  readonly symbolIndex: ReadonlyMap<string, number>;
  private readonly calendar: ExchangeCalendar;
  private readonly stock: boolean[];
  private readonly barMs: number;
  /** Per symbol: the open time of the last bar fed (−∞ before any). */
  private readonly lastOpen: Float64Array;

  constructor(options: SessionValuationOptions) {
    this.active = valuesOrders(options.victimRanking);
    this.barMs = options.barMs > 0 ? options.barMs : 0;
    this.calendar = fullCalendar(options.calendar);
    const assetClasses = options.symbols.map((s) => s.assetClass);
    this.stock = assetClasses.map((c) => c === 'stock');
    this.symbolIndex = new Map(options.symbols.map((s, i) => [s.symbol, i]));
    this.model = new FillModel({
      calendar: this.calendar,
      assetClasses,
      ...(options.fillTape ? { tape: options.fillTape } : {}),
    });
    this.returns = new ReturnShrinker({ assetClasses });
    this.valuator = fillValuator({
      model: this.model,
      returns: this.returns,
      symbolIndex: this.symbolIndex,
      orderValidUntil: (order) => options.orderValidUntil(order),
      orderValidityFixed: options.orderValidityFixed === true,
      requestValidUntil: (request, now) => options.requestValidUntil(request.symbol, now),
    });
    this.lastOpen = new Float64Array(options.symbols.length).fill(Number.NEGATIVE_INFINITY);
  }

  /** What the session adds to the Coordinator's options: the bar length always, the valuator when active. */
  coordinatorOptions(): { valuator?: Valuator; barMs: number } {
    // The bar length always, 0 while no series knows it: a coordinator given none refuses keys in bars.
    return { ...(this.active ? { valuator: this.valuator } : {}), barMs: this.barMs };
  }

  /**
   * One closed bar of symbol i: `t` its open time, `barMs` its real length (open to close). In time order per
   * symbol, before any decision at its close; a bar at or before the last one fed is ignored.
   */
  onBar(i: number, t: TimeMs, o: number, h: number, l: number, c: number, barMs: number): void {
    // A bar whose close is unknown (the last of a file, with no length yet) teaches nothing.
    if (!this.active || !(t > this.lastOpen[i]!) || !Number.isFinite(barMs)) return;
    this.lastOpen[i] = t;
    this.model.onBar(i, t, o, h, l, c, barMs);
  }

  /**
   * The live bar window of symbol i (closed bars, oldest first): every bar newer than the last one fed goes
   * to the model, so the first window replays its last VALUATION_WARMUP_BARS bars of history and each later
   * one adds what closed since.
   */
  onWindow(i: number, w: ValuationBarWindow): void {
    if (!this.active) return;
    const n = w.time.length;
    // The first window warms the model on as many bars as the simulator feeds from before its range.
    const first = Number.isFinite(this.lastOpen[i]!) ? 0 : Math.max(0, n - VALUATION_WARMUP_BARS);
    for (let k = first; k < n; k++) {
      const t = w.time[k]!;
      if (!(t > this.lastOpen[i]!)) continue;
      const next = k + 1 < n ? w.time[k + 1]! : Number.POSITIVE_INFINITY;
      const close = barClose(t, w.intervalMs, next, this.stock[i]! ? this.calendar : null);
      this.onBar(i, t, w.open[k]!, w.high[k]!, w.low[k]!, w.close[k]!, close - t);
    }
  }

  /**
   * A trade of symbol i closed: its net PnL (after fees) over its entry notional is what a fill earned.
   * Answers whether the returns learned it (not when inactive, without a notional or with no finite return).
   */
  tradeClosed(i: number, pnl: number, entryNotional: number): boolean {
    if (!this.active || !(entryNotional > 0)) return false;
    return this.returns.record(i, pnl / entryNotional);
  }
}

/**
 * When a bar of a window closes (the simulator's timeline rule): its open plus the window's bar length, cut
 * short by the next bar's open and, for a stock bar opening in the regular session, by the session close.
 */
export function barClose(
  open: TimeMs,
  intervalMs: number,
  nextOpen: TimeMs,
  stockCalendar: Pick<ExchangeCalendar, 'sessionAt'> | null,
): TimeMs {
  let close = Math.min(open + intervalMs, nextOpen);
  const session = stockCalendar?.sessionAt(open);
  if (session && session.close < close) close = session.close;
  return close;
}

/**
 * The fill model counts a stock's tradable time with `sessionAt` and `nextOpen`. A calendar that only says
 * whether the market is open (the live venue's, beyond its fetched range) is completed by NYSE's own rules.
 */
function fullCalendar(c: SessionValuationOptions['calendar']): ExchangeCalendar {
  if (typeof c.nextOpen === 'function' && typeof c.nextClose === 'function' && c.isRegularSession)
    return c as ExchangeCalendar;
  const nyse = nyseCalendar();
  return {
    name: nyse.name,
    firstDay: nyse.firstDay,
    lastDay: nyse.lastDay,
    sessionFor: (day) => nyse.sessionFor(day),
    sessionAt: (t) => c.sessionAt(t),
    isRegularSession: (t) => c.sessionAt(t) !== null,
    nextClose: (t) => nyse.nextClose(t),
    nextOpen: (t) => nyse.nextOpen(t),
  };
}

/**
 * The valuation of a session whose entries come from keyed signals (the live runtime): a resting entry is
 * valid as long as the signal it was placed for, while that signal is still the symbol's current one (an
 * order left from an older signal, or from before a restart, is unknown: never a victim); a request is
 * valid as long as the current signal.
 */
export function signalValuation(input: {
  victimRanking: VictimRanking;
  calendar: SessionValuationOptions['calendar'];
  symbols: SessionValuationOptions['symbols'];
  barMs?: number;
  currentSignal(symbol: string): { key: string; validUntil: TimeMs } | null;
  signalKeyOf(orderId: string): string | null;
}): SessionValuation {
  return new SessionValuation({
    victimRanking: input.victimRanking,
    calendar: input.calendar,
    symbols: input.symbols,
    barMs: input.barMs ?? 0,
    orderValidUntil: (order) => {
      const signal = input.currentSignal(order.symbol);
      return signal && signal.key === input.signalKeyOf(order.id) ? signal.validUntil : Number.NaN;
    },
    requestValidUntil: (symbol) => input.currentSignal(symbol)?.validUntil ?? Number.NaN,
  });
}
