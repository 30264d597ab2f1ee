import type { ExchangeCalendar } from '../../../src/core/calendar/index.js';
import type { WorkstealConfig } from '../../../src/core/config/schema.js';
import { overnightStockRequirement } from '../../../src/core/margin/requirements.js';
import type { BarSeries } from '../../../src/marketdata/index.js';
import { feeRates, slippageRate } from '../../../src/sim/costs.js';
import type { LimitFill, SimOutput } from '../../../src/sim/engine.js';
import type { TradeRecord } from '../../../src/sim/portfolio.js';
import { dayOfRun, iso, near } from './honesty-money.js';

/**
 * Money rules rebuilt from the outside, where support/honesty.ts leaves a margin: each trade row's fee is
 * exactly its two fills at the rates of the roles it records, each role follows from its bar (a limit fill
 * is a taker fill only where its bar opened through the limit), each market exit is at a price of its bar
 * moved by the slippage, the rows of one entry add up to the fill the venue made, and the cash rebuilt from
 * the fills, fees and interest alone gives every equity row exactly (no slack for unknown roles).
 */
export interface MoneyRulesInput {
  series: readonly BarSeries[];
  config: WorkstealConfig;
  calendar: ExchangeCalendar;
  out: SimOutput;
  /** The limit fills the run reported (SimInput.onLimitFill). */
  fills: readonly LimitFill[];
}

export function moneyRuleViolations(input: MoneyRulesInput): string[] {
  const { series, config, out, fills } = input;
  const v: string[] = [];
  const rates = feeRates(config.sim);
  const slip = slippageRate(config.sim);
  const index = new Map(series.map((s, k) => [s.symbol, k] as const));
  const classOf = (symbol: string) => series[index.get(symbol)!]!.assetClass;
  /** The bar of `symbol` closing at t: [open, high, low, close], or null. */
  const barAt = (symbol: string, t: number): [number, number, number, number] | null => {
    const k = index.get(symbol)!;
    const i = out.closeTimes[k]!.indexOf(t);
    if (i < 0) return null;
    const s = series[k]!;
    return [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!];
  };
  const entryFills = new Map<string, LimitFill>();
  for (const f of fills) if (f.role === 'entry') entryFills.set(`${f.symbol}@${f.time}`, f);
  const rowsOfEntry = new Map<string, TradeRecord[]>();

  for (const [r, t] of out.trades.entries()) {
    const where = `trade ${r} (${t.symbol} ${t.side} ${t.qty} @ ${t.entryPrice} ${iso(t.entryTime)} → ${t.exitPrice} ${iso(t.exitTime)} ${t.exitReason})`;
    const cls = classOf(t.symbol);
    const sign = t.side === 'buy' ? 1 : -1;
    const fees =
      t.qty * t.entryPrice * rates[cls][t.entryRole] + t.qty * t.exitPrice * rates[cls][t.exitRole];
    if (!near(t.fees, fees, 1e-9))
      v.push(`${where}: fees ${t.fees}, its fills at ${t.entryRole}/${t.exitRole} rates pay ${fees}`);
    const pnl = sign * t.qty * (t.exitPrice - t.entryPrice) - fees;
    if (!near(t.pnl, pnl, 1e-9)) v.push(`${where}: pnl ${t.pnl}, its fills give ${pnl}`);
    if (t.exitTime < t.entryTime) v.push(`${where}: exits before it entered`);
    if (t.exitReason === 'take-profit' && t.exitTime <= t.entryTime)
      v.push(`${where}: a take-profit filled in the bar its entry filled in`);
    const list = rowsOfEntry.get(t.entryOrderId) ?? [];
    list.push(t);
    rowsOfEntry.set(t.entryOrderId, list);

    // The entry's role from its bar: a taker fill only where the bar opened through the limit.
    const entryBar = barAt(t.symbol, t.entryTime);
    if (!entryBar) v.push(`${where}: no bar of ${t.symbol} closes at its entry`);
    else {
      const open = entryBar[0];
      const through = t.side === 'buy' ? open < t.entryLimit : open > t.entryLimit;
      if ((t.entryRole === 'taker') !== through)
        v.push(`${where}: entry role ${t.entryRole}, but its bar opened at ${open} against ${t.entryLimit}`);
    }
    const exitBar = t.exitReason === 'end-of-data' ? null : barAt(t.symbol, t.exitTime);
    if (t.exitReason === 'take-profit') {
      if (!exitBar) v.push(`${where}: no bar of ${t.symbol} closes at its take-profit`);
      else {
        const open = exitBar[0];
        const through = t.side === 'buy' ? open > t.takeProfit : open < t.takeProfit;
        if ((t.exitRole === 'taker') !== through)
          v.push(`${where}: exit role ${t.exitRole}, but its bar opened at ${open} against ${t.takeProfit}`);
      }
    } else if (t.exitRole !== 'taker') v.push(`${where}: a market exit filled as ${t.exitRole}`);
    v.push(...marketExitViolations(where, t, exitBar, slip, lastClose(series, index, out, t.symbol)));
  }

  // The rows of one entry are parts of the venue's one fill: its price, and quantities adding up to it.
  for (const [id, rows] of rowsOfEntry) {
    const f = entryFills.get(`${rows[0]!.symbol}@${rows[0]!.entryTime}`);
    const qty = rows.reduce((a, x) => a + x.qty, 0);
    if (!f) v.push(`entry ${id}: no limit fill reported at ${iso(rows[0]!.entryTime)}`);
    else if (f.price !== rows[0]!.entryPrice || !near(qty, f.qty, 1e-9))
      v.push(`entry ${id}: rows hold ${qty} at ${rows[0]!.entryPrice}, the fill was ${f.qty} at ${f.price}`);
  }
  if (entryFills.size !== rowsOfEntry.size)
    v.push(`${entryFills.size} entry fills, but trade rows of ${rowsOfEntry.size} entries`);
  v.push(...cashViolations(input, rates));
  return v;
}

function lastClose(
  series: readonly BarSeries[],
  index: Map<string, number>,
  out: SimOutput,
  symbol: string,
): number {
  const k = index.get(symbol)!;
  const closes = out.closeTimes[k]!;
  let i = closes.length - 1;
  while (i >= 0 && out.last !== null && closes[i]! > out.last) i--;
  return series[k]!.close[i]!;
}

/**
 * A stop or time stop leaves at the open of the bar closing at its exit, a trim at the close it was made at
 * (or the open of the bar it waited for), the end of data at the last close: each moved against the exit by
 * the slippage, so never outside the bar's range moved by it.
 */
function marketExitViolations(
  where: string,
  t: TradeRecord,
  bar: [number, number, number, number] | null,
  slip: number,
  last: number,
): string[] {
  if (t.exitReason === 'take-profit') return [];
  const move = (p: number) => (t.side === 'buy' ? p * (1 - slip) : p * (1 + slip));
  const same = (a: number, b: number) => near(a, b, 1e-12);
  if (t.exitReason === 'end-of-data')
    return same(t.exitPrice, move(last))
      ? []
      : [`${where}: left at ${t.exitPrice}, not the last close ${last}`];
  if (!bar) return [`${where}: no bar of ${t.symbol} closes at its exit`];
  const [open, high, low, close] = bar;
  const ok =
    t.exitReason === 'deleverage'
      ? same(t.exitPrice, move(close)) || same(t.exitPrice, move(open))
      : same(t.exitPrice, move(open));
  const out: string[] = [];
  if (!ok)
    out.push(`${where}: a market exit at ${t.exitPrice}, not its bar's open ${open} or close ${close}`);
  if (t.exitPrice < move(low) * (1 - 1e-12) - 1e-12 && t.exitPrice < low)
    out.push(`${where}: exit ${t.exitPrice} below its bar's low ${low}`);
  if (t.exitPrice > move(high) * (1 + 1e-12) + 1e-12 && t.exitPrice > high)
    out.push(`${where}: exit ${t.exitPrice} above its bar's high ${high}`);
  return out;
}

/** The book at time t rebuilt from the trade rows alone: cash, equity and the parts held after t. */
interface BookAt {
  cash: number;
  equity: number;
  held: { t: TradeRecord; mark: number; stock: boolean }[];
}

function booksOf(input: MoneyRulesInput, rates: ReturnType<typeof feeRates>) {
  const { series, out } = input;
  const index = new Map(series.map((s, k) => [s.symbol, k] as const));
  /** The last close of a symbol at or before t (the mark the simulator holds then). */
  const markAt = (symbol: string, t: number) => {
    const k = index.get(symbol)!;
    const closes = out.closeTimes[k]!;
    let lo = 0;
    let hi = closes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (closes[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return series[k]!.close[found]!;
  };
  const bookAt = (time: number, interest: number): BookAt => {
    const book: BookAt = { cash: out.initialEquity - interest, equity: 0, held: [] };
    let marked = 0;
    for (const t of out.trades) {
      if (t.entryTime > time) continue;
      if (t.exitTime <= time) {
        book.cash += t.pnl;
        continue;
      }
      const sign = t.side === 'buy' ? 1 : -1;
      const cls = series[index.get(t.symbol)!]!.assetClass;
      const mark = markAt(t.symbol, time);
      book.cash -= sign * t.qty * t.entryPrice + t.qty * t.entryPrice * rates[cls][t.entryRole];
      marked += sign * t.qty * mark;
      book.held.push({ t, mark, stock: cls === 'stock' });
    }
    book.equity = book.cash + marked;
    return book;
  };
  return { bookAt };
}

/**
 * Cash changes only by a fill (its notional and fee) or an interest charge: rebuilt so from the trade rows
 * (each open part's entry at its recorded role) and the interest, cash plus the positions marked at the last
 * close before each row gives the row's equity exactly. Interest: the debit (the negative cash balance, as Alpaca charges it) at each
 * day's last row × rate / 360 for each day until the next row's day (the run's days: dayOfRun), charged at
 * the next day's first step, before its row; the last row's sum is what the account paid.
 */
function cashViolations(input: MoneyRulesInput, rates: ReturnType<typeof feeRates>): string[] {
  const { out, config } = input;
  const v: string[] = [];
  const { bookAt } = booksOf(input, rates);
  const dayOf = dayOfRun(input);
  let paid = 0;
  let prev: { day: number; debit: number } | null = null;
  /** Interest charged by each day's row. */
  const byDay = new Map<number, number>();
  for (const [r, row] of out.equity.entries()) {
    const day = dayOf(row.time);
    if (prev && day > prev.day) paid += prev.debit * (config.marginRatePerYear / 360) * (day - prev.day);
    byDay.set(day, paid);
    const book = bookAt(row.time, paid);
    if (!near(book.equity, row.equity, 1e-9))
      v.push(
        `equity row ${r} ${iso(row.time)}: ${row.equity}, cash ${book.cash} and positions give ${book.equity}`,
      );
    prev = { day, debit: Math.max(0, -book.cash) };
  }
  if (!near(paid, out.interestPaid, 1e-9))
    v.push(`interest: paid ${out.interestPaid}, the rows' debits give ${paid}`);
  v.push(...closeViolations(input, bookAt, byDay, dayOf));
  return v;
}

/**
 * After each regular close, positions fit at the overnight requirement, or no stock that could trade at that
 * close is left to trim: the plan trims the stocks with a bar closing then before those whose trim waits for
 * their next bar (support/honesty.ts checks the closes where every stock held had a bar; this one also those
 * where one waits). Resting crypto entries also hold margin in the plan, so positions alone over capacity
 * always asked for trims.
 */
function closeViolations(
  input: MoneyRulesInput,
  bookAt: (t: number, interest: number) => BookAt,
  byDay: Map<number, number>,
  dayOf: (t: number) => number,
): string[] {
  const { series, config, calendar, out } = input;
  const v: string[] = [];
  if (out.first === null || out.last === null || !series.some((s) => s.assetClass === 'stock')) return v;
  const index = new Map(series.map((s, k) => [s.symbol, k] as const));
  const tradableAt = (symbol: string, c: number) => {
    const k = index.get(symbol)!;
    const i = out.closeTimes[k]!.indexOf(c);
    return i >= 0 && (config.extendedHours || calendar.isRegularSession(series[k]!.time[i]!));
  };
  for (let c = calendar.nextClose(out.first); c !== null && c <= out.last; c = calendar.nextClose(c + 1)) {
    const interest = byDay.get(dayOf(c));
    if (interest === undefined || c === out.last) continue;
    const book = bookAt(c, interest);
    const req = overnightStockRequirement(book.equity, config.margin);
    let margin = 0;
    for (const h of book.held)
      margin += h.t.qty * h.mark * (h.stock ? req : config.margin.crypto.requirement);
    const capacity = Math.max(0, book.equity) * (1 - config.bufferPct);
    const left = book.held.filter((h) => h.stock && tradableAt(h.t.symbol, c));
    if (margin > capacity * (1 + 1e-9) + 1e-6 && left.length)
      v.push(
        `close ${iso(c)}: ${margin} of overnight margin over capacity ${capacity}, yet ${left.map((h) => `${h.t.symbol} ${h.t.qty}`).join(', ')} could trade then and were kept`,
      );
  }
  return v;
}
