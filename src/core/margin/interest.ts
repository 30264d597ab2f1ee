import { newYorkDayNumber } from '../calendar/index.js';
import type { AssetClass, TimeMs } from '../types.js';

/**
 * Margin interest (README "The model: assumptions and limits"): the overnight debit is charged
 * `debit × marginRatePerYear / 360` for every calendar day it is held (the broker convention of a 360-day
 * year).
 *
 * The debit is the part of the long positions the account's own money does not cover: long notional minus
 * equity, if positive. That is the negative cash balance of a margin account (without shorts). Long notional
 * minus the cash balance would charge a position bought outright with the account's own money, which would be
 * wrong, so own funds = equity here.
 */
export function overnightDebit(longNotional: number, equity: number): number {
  return Math.max(0, longNotional - equity);
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
