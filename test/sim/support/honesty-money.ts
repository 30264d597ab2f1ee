import { newYorkDayNumber } from '../../../src/core/calendar/index.js';
import { overnightStockRequirement } from '../../../src/core/margin/requirements.js';
import type { BarSeries } from '../../../src/marketdata/index.js';
import { feeRates } from '../../../src/sim/costs.js';
import type { TradeRecord } from '../../../src/sim/portfolio.js';
import type { HonestyInput } from './honesty.js';

const DAY = 86_400_000;
export const iso = (t: number) => new Date(t).toISOString();
/** Equal up to floating-point noise relative to the magnitude. */
export const near = (a: number, b: number, rel = 1e-9) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
/**
 * Money: fees once, pnl adds up, interest rebuilt from the daily debit, equity identity at every equity row,
 * a cash account never over capacity, and stocks within the overnight requirement after each close.
 */
export function moneyViolations(input: HonestyInput, entries: Map<string, TradeRecord[]>): string[] {
  const { series, config, out } = input;
  const v: string[] = [];
  const sumFees = out.trades.reduce((a, t) => a + t.fees, 0);
  if (!near(sumFees, out.feesPaid, 1e-9))
    v.push(`fees: trades carry ${sumFees}, the account paid ${out.feesPaid}`);
  const sumPnl = out.trades.reduce((a, t) => a + t.pnl, 0);
  if (!near(out.finalEquity - out.initialEquity, sumPnl - out.interestPaid, 1e-9))
    v.push(
      `equity: final − initial ${out.finalEquity - out.initialEquity} is not trade pnl ${sumPnl} − interest ${out.interestPaid}`,
    );
  // A cash account (crypto longs at 1x, no buffer): margin used exceeds equity only if cash went below what the
  // resting orders reserve, which no price move can cause: only a fill that paid more than its order reserved.
  const cashAccount =
    series.every((s) => s.assetClass === 'crypto') &&
    out.trades.every((t) => t.side === 'buy') &&
    config.bufferPct === 0 &&
    config.margin.crypto.requirement === 1;
  if (cashAccount)
    for (const [r, row] of out.equity.entries())
      if (row.marginUsed > row.marginCapacity * (1 + 1e-9) + 1e-9)
        v.push(
          `equity row ${r} ${iso(row.time)}: a cash account holds ${row.marginUsed} of margin on ${row.marginCapacity} of capacity`,
        );
  v.push(...equityIdentity(input, entries));
  return v;
}

/**
 * The days of the equity rows and of margin interest (README "The model: assumptions and limits", Metrics):
 * UTC days when the run holds any crypto with a bar in its range, New York days for stocks only (an
 * after-hours bar closing past midnight UTC stays on its trading day).
 */
export function dayOfRun(input: Pick<HonestyInput, 'series' | 'out'>): (t: number) => number {
  const { series, out } = input;
  const first = out.first ?? Number.POSITIVE_INFINITY;
  const last = out.last ?? Number.NEGATIVE_INFINITY;
  const cryptoInRange = series.some(
    (s, k) => s.assetClass === 'crypto' && out.closeTimes[k]!.some((c) => c >= first && c <= last),
  );
  return cryptoInRange || !series.length ? (t) => Math.floor(t / DAY) : newYorkDayNumber;
}

/** Open parts of positions at time t (entered at or before t, exited after). */
function openAt(trades: readonly TradeRecord[], t: number): TradeRecord[] {
  return trades.filter((x) => x.entryTime <= t && x.exitTime > t);
}

/** The last close of a symbol known at t (marks). */
function markAt(s: BarSeries, closeTimes: Float64Array, t: number): number {
  let lo = 0;
  let hi = closeTimes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (closeTimes[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? Number.NaN : s.close[found]!;
}

/**
 * Equity at each equity row = initial + realised pnl − interest + open positions marked to the last close
 * − their entry fees; interest = the overnight debit (the negative cash balance: net notional, longs less shorts, − equity)
 * × rate / 360 per calendar day,
 * from the state at the end of each day. And after each regular close, stock positions fit at the overnight
 * requirement (unless a stock had no bar at the close: its trim waits for its next bar).
 */
function equityIdentity(input: HonestyInput, entries: Map<string, TradeRecord[]>): string[] {
  const { series, config, calendar, out } = input;
  const v: string[] = [];
  const index = new Map(series.map((s, k) => [s.symbol, k] as const));
  const fees = feeRates(config.sim);
  const mark = (symbol: string, t: number) =>
    markAt(series[index.get(symbol)!]!, out.closeTimes[index.get(symbol)!]!, t);
  const entryFeeShare = (x: TradeRecord) => {
    const all = entries.get(x.entryOrderId)!;
    const total = all.reduce((a, y) => a + y.qty, 0);
    const cls = series[index.get(x.symbol)!]!.assetClass;
    // The entry's role (maker or taker) is not in the record: both bound the fee.
    return [fees[cls].maker, fees[cls].taker].map((r) => total * x.entryPrice * r * (x.qty / total));
  };
  const state = (t: number, interest: number) => {
    let equity = out.initialEquity - interest;
    let slack = 0;
    let netNotional = 0;
    for (const x of out.trades) if (x.exitTime <= t) equity += x.pnl;
    const open = openAt(out.trades, t);
    for (const x of open) {
      const m = mark(x.symbol, t);
      const [a, b] = entryFeeShare(x);
      equity += (x.side === 'buy' ? 1 : -1) * x.qty * (m - x.entryPrice) - (a! + b!) / 2;
      slack += Math.abs(a! - b!) / 2;
      netNotional += (x.side === 'buy' ? 1 : -1) * x.qty * m;
    }
    return { equity, slack, netNotional, open };
  };
  const dayOf = dayOfRun(input);
  let interest = 0;
  /** Interest charged up to each row's day (charged at the first step of a day). */
  const charged: number[] = [];
  let prev: { day: number; equity: number; netNotional: number } | null = null;
  for (const [r, row] of out.equity.entries()) {
    const day = dayOf(row.time);
    if (prev && day > prev.day)
      interest +=
        Math.max(0, prev.netNotional - prev.equity) * (config.marginRatePerYear / 360) * (day - prev.day);
    charged.push(interest);
    const s = state(row.time, interest);
    if (Math.abs(s.equity - row.equity) > s.slack + 1e-9 * Math.max(1, Math.abs(row.equity)))
      v.push(
        `equity row ${r} ${iso(row.time)}: ${row.equity}, but cash and positions at the last closes give ${s.equity} (± ${s.slack} of fee roles)`,
      );
    prev = { day, equity: row.equity, netNotional: s.netNotional };
  }
  if (!near(interest, out.interestPaid, 1e-9))
    v.push(`interest: the account paid ${out.interestPaid}, the daily debit gives ${interest}`);

  // After each regular close in the run: stock positions within the overnight requirement.
  if (out.first === null || out.last === null || !series.some((s) => s.assetClass === 'stock')) return v;
  let e = 0;
  for (let c = calendar.nextClose(out.first); c !== null && c <= out.last; c = calendar.nextClose(c + 1)) {
    while (e + 1 < out.equity.length && dayOf(out.equity[e]!.time) < dayOf(c)) e++;
    if (dayOf(out.equity[e]!.time) !== dayOf(c)) continue; // no step that day
    const cumulative = charged[e]!;
    const s = state(c, cumulative);
    const stocks = s.open.filter((x) => series[index.get(x.symbol)!]!.assetClass === 'stock');
    if (!stocks.length) continue;
    // A stock without a bar closing at the close cannot trade then: its trim waits.
    if (stocks.some((x) => !out.closeTimes[index.get(x.symbol)!]!.includes(c))) continue;
    // The requirement's tier at the equity the fee roles allow at most: at the 2,000 cliff a recomputed 1,998.36
    // against the run's exact 2,000.02 (within 1.66 of fee-role slack) took 100% for 30% (found with another seed).
    const req = overnightStockRequirement(s.equity + s.slack, config.margin);
    let margin = 0;
    for (const x of s.open) {
      const cls = series[index.get(x.symbol)!]!.assetClass;
      margin += x.qty * mark(x.symbol, c) * (cls === 'stock' ? req : config.margin.crypto.requirement);
    }
    const capacity = Math.max(0, s.equity) * (1 - config.bufferPct);
    if (margin > capacity * (1 + 1e-9) + s.slack + 1e-6)
      v.push(
        `close ${iso(c)}: positions hold ${margin} of overnight margin over capacity ${capacity} (stocks: ${stocks.map((x) => `${x.symbol} ${x.qty}`).join(', ')})`,
      );
  }
  return v;
}
