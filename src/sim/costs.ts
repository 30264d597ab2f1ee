import type { SimConfig } from '../core/config/schema.js';
import type { AssetClass } from '../core/types.js';

/**
 * Trading costs of the simulation (DESIGN §6): a fee by asset class and liquidity role. A resting limit order
 * that the market comes to is a maker fill; an order that takes the book is a taker fill: market exits (stop,
 * time stop, end-of-day trim, end of data) and a limit order whose bar opens through its limit (it would have
 * executed on arrival against the book). Defaults: Alpaca's published schedules (README "Costs and fills").
 */

export type LiquidityRole = 'maker' | 'taker';

/** Fee per fill as a fraction of notional, by asset class and role. */
export type FeeRates = Readonly<Record<AssetClass, Readonly<Record<LiquidityRole, number>>>>;

/** The fee rates a sim config asks for; the deprecated flat `feesBps`, when set, applies to every fill. */
export function feeRates(sim: Pick<SimConfig, 'fees' | 'feesBps'>): FeeRates {
  if (sim.feesBps !== null) {
    const flat = sim.feesBps / 10_000;
    return { crypto: { maker: flat, taker: flat }, stock: { maker: flat, taker: flat } };
  }
  const rates = (c: AssetClass) => ({
    maker: sim.fees[c].makerBps / 10_000,
    taker: sim.fees[c].takerBps / 10_000,
  });
  return { crypto: rates('crypto'), stock: rates('stock') };
}

/**
 * The entry quantity whose notional plus its own fee is `budget` (DESIGN §6: an entry order reserves its
 * fee). At the taker rate, the most its fill can pay (a bar that opens through the limit), which is also what
 * the order holds back while it rests (reservedEntryFee): an order of the whole budget then still fits.
 */
export function entryQtyWithFee(
  budget: number,
  limitPrice: number,
  rates: FeeRates,
  assetClass: AssetClass,
): number {
  return budget / (limitPrice * (1 + rates[assetClass].taker));
}

/**
 * The fee an entry order holds back from equity while it rests, so that its fill never leaves margin over
 * capacity: the taker rate (the most its fill can pay) on its notional at the limit.
 */
export function reservedEntryFee(
  qty: number,
  limitPrice: number,
  rates: FeeRates,
  assetClass: AssetClass,
): number {
  return Math.abs(qty * limitPrice) * rates[assetClass].taker;
}

/** The end-of-day trim's size with its own costs: one rule of the session (src/session/deleverage.ts). */
export { trimQtyWithCosts } from '../session/deleverage.js';
