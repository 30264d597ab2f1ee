import { newYorkDayNumber } from '../calendar/index.js';
import type { AssetClass, TimeMs } from '../types.js';

/**
 * Margin interest (README "The model: assumptions and limits"): the overnight debit is charged
 * `debit × marginRatePerYear / 360` for every calendar day it is held (the broker convention of a 360-day
 * year).
 *
 * The debit is the negative cash balance of the account, as Alpaca charges it ("settlement date debit
 * balance"): cash = equity − (longs − shorts) at their marks, so the debit is the positions' net notional
 * (longs less shorts) beyond equity, if positive. The account keeps one cash balance, so a short's proceeds
 * pay for longs: a book long 150,000 and short 50,000 on 100,000 of equity holds no cash and owes nothing.
 * Long notional alone beyond equity would charge that book 50,000 of debit its cash does not show; long
 * notional minus the cash balance would charge a position bought outright with the account's own money.
 */
export function overnightDebit(netNotional: number, equity: number): number {
  return Math.max(0, netNotional - equity);
}

export function dailyInterest(debit: number, marginRatePerYear: number): number {
  return Math.max(0, debit) * (marginRatePerYear / 360);
}

/** Interest for `days` calendar days (weekends and holidays accrue too). */
export function interestForDays(debit: number, marginRatePerYear: number, days: number): number {
  return dailyInterest(debit, marginRatePerYear) * Math.max(0, days);
}

const DAY_MS = 86_400_000;

/**
 * The day an instant belongs to, for margin interest and the daily equity row: the UTC day where crypto
 * trades, the New York day for a book of stocks only. A stock's after-hours bar that closes at 20:00 New
 * York time is past midnight UTC: counted by UTC days it made a Saturday (a row and an interest charge) every
 * week, about 304 trading days a year against the 252 a stock-only Sharpe is annualised with.
 */
export function tradingDayOf(assetClasses: readonly AssetClass[]): (t: TimeMs) => number {
  const stocksOnly = assetClasses.length > 0 && !assetClasses.includes('crypto');
  return stocksOnly ? newYorkDayNumber : (t) => Math.floor(t / DAY_MS);
}
