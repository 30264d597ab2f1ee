import type { MarginTable } from '../config/schema.js';
import type { AssetClass, Side } from '../types.js';

/**
 * Margin requirements as a table lookup (README "The rules in one table"), in the spirit of Lean's
 * PatternDayTradingMarginModel: the 4x intraday rule is one correction applied over the Reg-T 2x rule, and
 * small accounts cannot borrow.
 */
export interface MarginContext {
  equity: number;
  patternDayTrader: boolean;
  /** The US equity regular session is open now. */
  sessionOpen: boolean;
}

/** Fraction of notional an order or position of this asset class holds as margin. */
export function requirementFor(assetClass: AssetClass, ctx: MarginContext, table: MarginTable): number {
  if (assetClass === 'crypto') return table.crypto.requirement;
  return stockRequirement(ctx, table);
}

/**
 * Whether the account is a margin account: equity at or above `margin.stock.marginMinEquity` (2,000 by
 * default). FINRA and Alpaca: "In order to trade on margin or sell short, you must have $2,000 or more account
 * equity. Accounts with less than $2,000 will not have access to these features and will be restricted to 1x
 * buying power" (docs.alpaca.markets, Margin and Short Selling). The one test of both halves: below it stocks
 * hold 100% (stockRequirement) and no stock short is opened (entryAllowed); shorts already
 * open stay, as a broker does not close them when equity dips. NaN or negative equity is never one.
 */
export function marginAccount(equity: number, table: MarginTable): boolean {
  return equity >= 0 && equity >= table.stock.marginMinEquity;
}

/**
 * Whether an entry of this side may open a position in this asset class: crypto is long only (cash, 1x; Alpaca
 * lends no coins), and a stock is sold short only by a margin account (`margin`: marginAccount). Buys are always
 * allowed; exits never ask here. The session asks it before it makes a request (session/entry.ts), and decide()
 * blocks a request that asks anyway (`no-shorting`), before any victim is cancelled for an order the venue
 * would refuse.
 */
export function entryAllowed(assetClass: AssetClass, side: Side, margin: boolean): boolean {
  if (side === 'buy') return true;
  return assetClass === 'stock' && margin;
}

export function stockRequirement(ctx: MarginContext, table: MarginTable): number {
  const s = table.stock;
  if (!marginAccount(ctx.equity, table)) return s.smallAccount;
  if (ctx.sessionOpen && ctx.patternDayTrader && ctx.equity >= s.pdtMinEquity) return s.intradayPdt;
  return s.overnight;
}

/** The overnight requirement: what stock positions must fit under once the session closes. */
export function overnightStockRequirement(equity: number, table: MarginTable): number {
  return stockRequirement({ equity, patternDayTrader: false, sessionOpen: false }, table);
}

/** Capacity available to margin: `E × (1 − bufferPct)`. Negative equity gives no capacity at all. */
export function marginCapacity(equity: number, bufferPct: number): number {
  return Math.max(0, equity) * (1 - bufferPct);
}

/**
 * Capacity when the broker's buying power caps it (docs/live.md): the smaller of the equity rule and the cap.
 * Equity is never rewritten to express the cap, because equity also picks the margin tier.
 */
export function cappedCapacity(equity: number, bufferPct: number, cap: number | undefined): number {
  const capacity = marginCapacity(equity, bufferPct);
  return cap === undefined ? capacity : Math.min(capacity, Math.max(0, cap));
}

/** Absolute notional: shorts hold margin like longs. */
export function notional(qty: number, price: number): number {
  return Math.abs(qty * price);
}
