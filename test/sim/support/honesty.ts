import { stockSessionAt, type ExchangeCalendar } from '../../../src/core/calendar/index.js';
import type { WorkstealConfig } from '../../../src/core/config/schema.js';
import type { BarSeries } from '../../../src/marketdata/index.js';
import { feeRates } from '../../../src/sim/costs.js';
import type { SimOutput } from '../../../src/sim/engine.js';
import { fillThrough } from '../../../src/sim/fill-rules.js';
import type { TradeRecord } from '../../../src/sim/portfolio.js';
import { iso, moneyViolations, near } from './honesty-money.js';

/**
 * The simulator's promises (README "The model: assumptions and limits"), checked row by row against the bars
 * from the outside: nothing here reads the engine's state, only its output (`records: true`), the bars, the
 * config and the calendar. Each check is written from the rule, not from the code, so that a wrong rule in
 * the engine shows as a violation. Returns every violation found, each naming the row, the symbol, the time
 * and the numbers.
 */
export interface HonestyInput {
  series: readonly BarSeries[];
  config: WorkstealConfig;
  calendar: ExchangeCalendar;
  out: SimOutput;
}

const H = 3_600_000;

interface BarRef {
  k: number;
  i: number;
  open: number;
  high: number;
  low: number;
  close: number;
  openTime: number;
  closeTime: number;
}

/** What every check needs: the bars by close time, the session rule, the cost rules. */
interface Context {
  config: HonestyInput['config'];
  calendar: HonestyInput['calendar'];
  out: HonestyInput['out'];
  barClosingAt: (symbol: string, t: number) => BarRef | null;
  isStock: (symbol: string) => boolean;
  tradable: (symbol: string, barOpen: number) => boolean;
  slip: number;
  through: number;
  fees: ReturnType<typeof feeRates>;
  classOf: (symbol: string) => 'crypto' | 'stock';
  /** The first bar opening at or after `from` and closing by `until` whose range reached `stop`, if any. */
  stopSeen: (symbol: string, long: boolean, stop: number, from: number, until: number) => BarRef | null;
  /** The symbol's first tradable bar after bar `i` (the open a market order sent at its close fills at). */
  nextTradable: (symbol: string, i: number) => BarRef | null;
}

function context(input: HonestyInput): Context {
  const { series, config, calendar, out } = input;
  const index = new Map(series.map((s, k) => [s.symbol, k] as const));
  const byClose = series.map((_, k) => {
    const m = new Map<number, number>();
    out.closeTimes[k]!.forEach((c, i) => m.set(c, i));
    return m;
  });
  const barAt = (k: number, i: number): BarRef => {
    const s = series[k]!;
    return {
      k,
      i,
      open: s.open[i]!,
      high: s.high[i]!,
      low: s.low[i]!,
      close: s.close[i]!,
      openTime: s.time[i]!,
      closeTime: out.closeTimes[k]![i]!,
    };
  };
  const barClosingAt = (symbol: string, t: number): BarRef | null => {
    const k = index.get(symbol)!;
    const i = byClose[k]!.get(t);
    return i === undefined ? null : barAt(k, i);
  };
  const isStock = (symbol: string) => series[index.get(symbol)!]!.assetClass === 'stock';
  // A stock trades in bars opening in its regular session, or with extended hours in the pre-market and
  // after-hours sessions of a trading day (04:00–20:00 New York; never overnight, weekends or holidays).
  const tradable = (symbol: string, barOpen: number) =>
    !isStock(symbol) ||
    calendar.isRegularSession(barOpen) ||
    (config.extendedHours && stockSessionAt(barOpen, calendar) === 'extended');
  const slip = config.sim.slippageBps / 10_000;
  const through = fillThrough(config.sim);
  const fees = feeRates(config.sim);
  const classOf = (symbol: string) => series[index.get(symbol)!]!.assetClass;
  const stopSeen = (symbol: string, long: boolean, stop: number, from: number, until: number) => {
    const k = index.get(symbol)!;
    const s = series[k]!;
    for (let i = 0; i < s.time.length && out.closeTimes[k]![i]! <= until; i++)
      if (s.time[i]! >= from && (long ? s.low[i]! <= stop : s.high[i]! >= stop)) return barAt(k, i);
    return null;
  };
  const nextTradable = (symbol: string, i: number) => {
    const k = index.get(symbol)!;
    for (let j = i + 1; j < series[k]!.time.length; j++)
      if (tradable(symbol, series[k]!.time[j]!)) return barAt(k, j);
    return null;
  };
  return {
    config,
    calendar,
    out,
    barClosingAt,
    isStock,
    tradable,
    slip,
    through,
    fees,
    classOf,
    stopSeen,
    nextTradable,
  };
}

export function honestyViolations(input: HonestyInput): string[] {
  const ctx = context(input);
  const v: string[] = [];
  const book = decisionViolations(ctx, v);
  const entries = new Map<string, TradeRecord[]>();
  for (const t of input.out.trades) {
    const list = entries.get(t.entryOrderId) ?? [];
    list.push(t);
    entries.set(t.entryOrderId, list);
  }
  input.out.trades.forEach((t, r) => tradeViolations(ctx, book, entries, t, r, v));
  v.push(...moneyViolations(input, entries));
  return v;
}

/** Where each order was placed and why it left the book without a fill. */
interface OrderBook {
  placedAt: Map<string, number>;
  gone: Map<string, string>;
}

/** Decisions: stock entries only in session and outside the end-of-day window; steals cancel for real. */
function decisionViolations(ctx: Context, v: string[]): OrderBook {
  const { config, calendar, out, barClosingAt, isStock, tradable } = ctx;
  const placedAt = new Map<string, number>();
  const gone = new Map<string, string>(); // order id → why it left the book without a fill
  for (const [r, d] of out.decisions.entries()) {
    if ((d.action === 'place' || d.action === 'steal') && d.orderId !== null) {
      placedAt.set(d.orderId, d.time);
      if (!barClosingAt(d.symbol, d.time))
        v.push(`decision ${r}: ${d.symbol} placed at ${iso(d.time)}, not a bar close of its own`);
      if (!tradable(d.symbol, d.time))
        v.push(`decision ${r}: stock ${d.symbol} entry placed at ${iso(d.time)}, outside its sessions`);
      const session = isStock(d.symbol) ? calendar.sessionAt(d.time) : null;
      if (session && d.time >= session.close - config.deleverageLeadMinutes * 60_000)
        v.push(
          `decision ${r}: stock ${d.symbol} entry placed at ${iso(d.time)}, inside the end-of-day window`,
        );
    }
    if (d.action === 'steal') {
      for (const id of d.victims) {
        const at = placedAt.get(id);
        if (at === undefined || at > d.time)
          v.push(`decision ${r}: steal at ${iso(d.time)} took ${id}, not resting then`);
        if (gone.has(id)) v.push(`decision ${r}: steal took ${id}, already gone (${gone.get(id)})`);
        gone.set(id, `stolen at ${iso(d.time)}`);
      }
    }
    if (d.action === 'deleverage-cancel' && d.orderId !== null) {
      if (gone.has(d.orderId))
        v.push(`decision ${r}: end-of-day cancel of ${d.orderId}, already gone (${gone.get(d.orderId)})`);
      gone.set(d.orderId, `cancelled at the end of day ${iso(d.time)}`);
    }
  }
  return { placedAt, gone };
}

/** One trade row: both fills in tradable bars, at prices those bars reached, by the rule of their kind. */
function tradeViolations(
  ctx: Context,
  { placedAt, gone }: OrderBook,
  entries: Map<string, TradeRecord[]>,
  t: TradeRecord,
  r: number,
  v: string[],
): void {
  const { config, calendar, out, barClosingAt, isStock, tradable, slip, through, fees, classOf } = ctx;
  const { stopSeen, nextTradable } = ctx;
  const where = `trade ${r} (${t.symbol} ${t.side} ${t.qty} @ ${t.entryPrice} ${iso(t.entryTime)} → ${t.exitPrice} ${iso(t.exitTime)} ${t.exitReason})`;
  const long = t.side === 'buy';
  const first = entries.get(t.entryOrderId)![0]!;
  if (first.entryTime !== t.entryTime || first.entryPrice !== t.entryPrice || first.side !== t.side)
    v.push(`${where}: order ${t.entryOrderId} filled twice`);
  if (gone.has(t.entryOrderId))
    v.push(`${where}: its entry order ${t.entryOrderId} filled after it was ${gone.get(t.entryOrderId)}`);
  if (isStock(t.symbol) && !Number.isInteger(t.qty))
    v.push(`${where}: a stock trade of a fractional quantity`);
  if (!(t.exitTime >= t.entryTime)) v.push(`${where}: exits before it entered`);
  // pnl = signed move − fees, fees = this part's exit fee + its share of the entry fee
  const gross = (long ? 1 : -1) * t.qty * (t.exitPrice - t.entryPrice);
  if (!near(t.pnl, gross - t.fees, 1e-9))
    v.push(`${where}: pnl ${t.pnl} is not move ${gross} − fees ${t.fees}`);
  const cls = classOf(t.symbol);
  const lo = t.qty * (t.entryPrice + t.exitPrice) * Math.min(fees[cls].maker, fees[cls].taker);
  const hi = t.qty * (t.entryPrice + t.exitPrice) * Math.max(fees[cls].maker, fees[cls].taker);
  if (t.fees < lo * (1 - 1e-9) - 1e-9 || t.fees > hi * (1 + 1e-9) + 1e-9)
    v.push(`${where}: fees ${t.fees} outside what its two fills can pay [${lo}, ${hi}]`);

  const entry = barClosingAt(t.symbol, t.entryTime);
  if (!entry) v.push(`${where}: entry time is no bar close of ${t.symbol}`);
  else {
    if (!tradable(t.symbol, entry.openTime))
      v.push(`${where}: entry filled in a bar opening ${iso(entry.openTime)}, outside the session`);
    const placed = placedAt.get(t.entryOrderId);
    if (out.decisions.length && (placed === undefined || placed > entry.openTime))
      v.push(
        `${where}: entry filled in a bar opening ${iso(entry.openTime)}, before its order was placed (${placed === undefined ? 'never' : iso(placed)})`,
      );
    const p = t.entryPrice;
    if (!(p >= entry.low && p <= entry.high))
      v.push(`${where}: entry ${p} outside its bar [${entry.low}, ${entry.high}]`);
    // The gap rule: a buy fills at min(limit, open), so never above the open; when it is not the open it is
    // the limit, which the bar must have gone through by the fill rule's margin.
    if (long ? p > entry.open : p < entry.open)
      v.push(`${where}: entry ${p} worse than the bar's open ${entry.open}`);
    if (p !== entry.open && !(long ? entry.low <= p * (1 - through) : entry.high >= p * (1 + through)))
      v.push(
        `${where}: entry at limit ${p} but the bar [${entry.low}, ${entry.high}] did not go through it by ${through}`,
      );
  }
  if (t.exitReason === 'end-of-data') {
    if (t.exitTime !== out.last) v.push(`${where}: end-of-data exit before the end ${iso(out.last ?? NaN)}`);
    return;
  }
  const exit = barClosingAt(t.symbol, t.exitTime);
  if (!exit) {
    v.push(`${where}: exit time is no bar close of ${t.symbol}`);
    return;
  }
  if (!tradable(t.symbol, exit.openTime))
    v.push(`${where}: exit in a bar opening ${iso(exit.openTime)}, outside the session`);
  // Market exits pay slippage against the position; the raw price is what the bar traded at.
  const raw = long ? t.exitPrice / (1 - slip) : t.exitPrice / (1 + slip);
  const stop =
    config.sim.stopLossPct > 0
      ? long
        ? t.entryPrice * (1 - config.sim.stopLossPct)
        : t.entryPrice * (1 + config.sim.stopLossPct)
      : null;
  const later = exit.openTime >= t.entryTime;
  // The stop is seen at the close of the first bar of the position that reached it (src/session/exits.ts):
  // the position leaves at the open of the symbol's next tradable bar, before any take-profit there.
  const seen = stop === null ? null : stopSeen(t.symbol, long, stop, t.entryTime, exit.openTime);
  if (t.exitReason === 'take-profit') {
    const p = t.exitPrice;
    if (!later) v.push(`${where}: take-profit filled in a bar opening before the entry filled`);
    if (!(p >= exit.low && p <= exit.high))
      v.push(`${where}: take-profit ${p} outside its bar [${exit.low}, ${exit.high}]`);
    if (long ? p < exit.open : p > exit.open)
      v.push(`${where}: take-profit ${p} worse than the bar's open ${exit.open}`);
    if (p !== exit.open && !(long ? exit.high >= p * (1 + through) : exit.low <= p * (1 - through)))
      v.push(
        `${where}: take-profit at limit ${p} but the bar [${exit.low}, ${exit.high}] did not go through it`,
      );
    if (seen)
      v.push(
        `${where}: take-profit after the bar closing ${iso(seen.closeTime)} reached the stop ${stop} (the stop exit comes first)`,
      );
  } else if (t.exitReason === 'stop') {
    if (stop === null) v.push(`${where}: a stop exit without a stop`);
    else if (!seen) v.push(`${where}: stop ${stop} reached by no bar from the entry to the exit bar's open`);
    else {
      const due = nextTradable(t.symbol, seen.i);
      if (due?.openTime !== exit.openTime)
        v.push(
          `${where}: stop seen at ${iso(seen.closeTime)} left in the bar opening ${iso(exit.openTime)}, not the next tradable one ${iso(due?.openTime ?? NaN)}`,
        );
      if (!near(raw, exit.open))
        v.push(`${where}: stop filled at ${raw} before slippage, not the bar's open ${exit.open}`);
    }
  } else if (t.exitReason === 'time-stop') {
    if (!near(raw, exit.open))
      v.push(`${where}: time stop at ${raw} before slippage, not the bar's open ${exit.open}`);
    const due = t.entryTime + config.sim.timeStopHours * H;
    if (config.sim.timeStopHours === 0 || exit.openTime < due)
      v.push(`${where}: time stop in a bar opening ${iso(exit.openTime)}, before it was due ${iso(due)}`);
  } else if (t.exitReason === 'deleverage') {
    if (!isStock(t.symbol)) v.push(`${where}: end-of-day trim of a crypto`);
    const atClose = calendar.nextClose(t.exitTime - 1) === t.exitTime;
    if (!(atClose && near(raw, exit.close)) && !near(raw, exit.open))
      v.push(
        `${where}: trim at ${raw} before slippage: neither at the close (${exit.close}) nor at a later bar's open (${exit.open})`,
      );
  }
}
