import type { MarginTable } from '../core/config/schema.js';
import { entryAllowed, marginAccount } from '../core/margin/requirements.js';
import type { AssetClass, EntryRequest, Side } from '../core/types.js';
import { entryQty, roundLimit, type SizingRule } from './sizing.js';

/** What an entry watcher needs of a signal to ask for an entry. */
export interface EntrySignal {
  side: Side;
  entry: number;
  /** Expected return as a fraction of notional (forecast PnL = edge × notional when none is given). */
  edge: number;
  expectedPnl: number | null;
}

/** A reusable request object for one watcher (the simulator refills it at every step). */
export function blankRequest(symbol: string, assetClass: AssetClass): EntryRequest {
  return {
    symbol,
    assetClass,
    side: 'buy',
    limitPrice: 0,
    qty: 0,
    price: 0,
    forecastPnl: 0,
    cryptoRank: null,
  };
}

/** The limit a signal asks for: its entry rounded to the venue's tick, never more aggressive (sizing.ts). */
export function entryLimit(assetClass: AssetClass, signal: Pick<EntrySignal, 'side' | 'entry'>): number {
  return roundLimit(assetClass, signal.side, signal.entry);
}

/**
 * Signal → entry request (README "Architecture"), the one rule of the simulator and live trading: the limit
 * rounded to the venue's tick, the size `orderFraction × equity` at that limit by the sizing rule, the
 * reference price the side's quote, the forecast PnL the signal's own or `edge × notional`. With `feeRate`,
 * notional plus fee fit the budget. Fills `req` in place; false when the size rounds to nothing or the signal
 * would open a short that is not allowed (entryAllowed: any crypto short, a stock short while `equity` is below
 * the margin table's `marginMinEquity`): no request. The short test uses the equity the entry is sized from.
 * `limitPrice` is the signal's entryLimit: a driver that holds a signal over many steps may round it once and
 * pass it.
 */
export function fillEntryRequest(
  req: EntryRequest,
  signal: EntrySignal,
  equity: number,
  margin: MarginTable,
  orderFraction: number,
  price: number,
  sizing: SizingRule,
  feeRate = 0,
  limitPrice = entryLimit(req.assetClass, signal),
): boolean {
  // Crypto trades cash-only (1x): a sell entry would open a short, which needs the coin borrowed. Alpaca
  // refuses it (its crypto assets are not shortable), so neither the simulator nor live asks for one. A stock
  // short needs a margin account (FINRA, Alpaca: $2,000 of equity by default), judged on the sizing equity.
  if (!entryAllowed(req.assetClass, signal.side, marginAccount(equity, margin))) return false;
  // The budget pays the fee too (the simulator reserves the most a fill can pay; 0 where the venue does).
  const qty = entryQty(req.assetClass, (orderFraction * equity) / (1 + feeRate), limitPrice, sizing);
  if (!(qty > 0)) return false;
  req.side = signal.side;
  req.limitPrice = limitPrice;
  req.qty = qty;
  req.price = price;
  req.forecastPnl = signal.expectedPnl ?? signal.edge * qty * limitPrice;
  req.cryptoRank = null;
  return true;
}
