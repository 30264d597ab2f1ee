import { firstAfter } from '../marketdata/search.js';
import type { MarginTable } from '../core/config/schema.js';
import { dailyInterest, overnightDebit } from '../core/margin/interest.js';
import { notional, requirementFor } from '../core/margin/requirements.js';
import type { AssetClass } from '../core/types.js';
import { isOpenStatus, type BrokerAccount, type VenueOrder } from '../ports/venue.js';

/** The replay venue's account arithmetic (BarVenue), as pure functions over its cash, positions and orders. */

type Held = ReadonlyMap<string, { assetClass: AssetClass; qty: number }>;

/**
 * Equity (cash + marked positions) and buying power. Every open order that adds exposure (a buy, or a sell
 * without a long to close) holds margin and so reduces buying power, as at a real broker.
 */
export function venueAccount(a: {
  cash: number;
  positions: Held;
  orders: Iterable<VenueOrder>;
  mark: (symbol: string) => number;
  margin: MarginTable;
  patternDayTrader: boolean;
  sessionOpen: boolean;
}): BrokerAccount {
  const { margin, patternDayTrader } = a;
  let equity = a.cash;
  for (const [symbol, p] of a.positions) equity += p.qty * a.mark(symbol);
  const ctx = { equity, patternDayTrader, sessionOpen: a.sessionOpen };
  let used = 0;
  for (const [symbol, p] of a.positions)
    used += notional(p.qty, a.mark(symbol)) * requirementFor(p.assetClass, ctx, margin);
  for (const o of a.orders) {
    if (!isOpenStatus(o.status)) continue;
    const held = a.positions.get(o.symbol)?.qty ?? 0;
    const addsExposure = o.side === 'buy' ? held >= 0 : held <= 0;
    if (addsExposure)
      used += notional(o.qty - o.filledQty, o.limitPrice) * requirementFor(o.assetClass, ctx, margin);
  }
  const free = Math.max(0, equity - used);
  const pdt = patternDayTrader && equity >= margin.stock.pdtMinEquity;
  const overnight = requirementFor('stock', { ...ctx, sessionOpen: false }, margin);
  return {
    equity,
    patternDayTrader,
    cash: a.cash,
    buyingPower: {
      nonMarginable: free / margin.crypto.requirement,
      daytrading: pdt ? free / margin.stock.intradayPdt : 0,
      regt: free / overnight,
    },
  };
}

/**
 * Margin interest for `days` calendar days (as the simulator charges it: README
 * "The model: assumptions and limits"): the overnight debit (the negative cash balance: net notional, longs
 * less shorts, beyond equity) at the given marks, `marginRatePerYear / 360` a day.
 */
export function interestDue(
  cash: number,
  positions: Held,
  mark: (symbol: string) => number,
  marginRatePerYear: number,
  days: number,
): number {
  let equity = cash;
  let netNotional = 0;
  for (const [symbol, p] of positions) {
    const value = p.qty * mark(symbol);
    equity += value;
    netNotional += value;
  }
  const debit = overnightDebit(netNotional, equity);
  return debit > 0 ? dailyInterest(debit, marginRatePerYear) * days : 0;
}

/** Index of the last bar whose close is ≤ t, or −1. */
export function lastClosedIndex(closeTimes: Float64Array, t: number): number {
  return firstAfter(closeTimes, t) - 1;
}
