import type { SimConfig } from '../core/config/schema.js';
import type { AssetClass } from '../core/types.js';

/**
 * Trading costs of the simulation (README "Costs and fill rules"): a fee by asset class and liquidity role. A
 * resting limit order that the market comes to is a maker fill; an order that takes the book is a taker fill:
 * market exits (stop, time stop, end-of-day trim, end of data) and a limit order whose bar opens through its
 * limit (it would have executed on arrival against the book). Defaults: Alpaca's published schedules, as that
 * section states.
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

/** What a market order (stop, time stop, trim) loses to the price it trades at, as a fraction of it. */
export function slippageRate(sim: Pick<SimConfig, 'slippageBps'>): number {
  return sim.slippageBps / 10_000;
}

/**
 * The most an entry's fill can pay as a fraction of its notional: its fill is a maker fill (the market came to
 * it) or a taker fill (a bar opened through its limit), so the larger of the two rates. Usually the taker
 * rate; a venue that charges makers more (an inverted fee schedule) makes it the maker rate.
 */
export function entryFeeRate(rates: FeeRates, assetClass: AssetClass): number {
  return Math.max(rates[assetClass].maker, rates[assetClass].taker);
}

/**
 * The entry quantity whose notional plus its own fee is `budget` (an entry order reserves its fee: README
 * "The model: assumptions and limits"). At the most its fill can pay (entryFeeRate), which is also what the
 * order holds back while it rests (reservedEntryFee): an order of the whole budget then still fits.
 */
export function entryQtyWithFee(
  budget: number,
  limitPrice: number,
  rates: FeeRates,
  assetClass: AssetClass,
): number {
  return budget / (limitPrice * (1 + entryFeeRate(rates, assetClass)));
}

/**
 * The fee an entry order holds back from equity while it rests, so that its fill never leaves margin over
 * capacity: the most its fill can pay (entryFeeRate) on its notional at the limit.
 */
export function reservedEntryFee(
  qty: number,
  limitPrice: number,
  rates: FeeRates,
  assetClass: AssetClass,
): number {
  return Math.abs(qty * limitPrice) * entryFeeRate(rates, assetClass);
}

/**
 * What the resting entry orders would pay in fees if they all filled (reservedEntryFee of each): held back
 * from the capacity by each entry decision and by the end-of-day plan, in the simulator and live alike.
 */
export function restingEntryFees(
  orders: Iterable<{ role: string; qty: number; limitPrice: number; assetClass: AssetClass }>,
  rates: FeeRates,
): number {
  let sum = 0;
  for (const o of orders)
    if (o.role === 'entry') sum += reservedEntryFee(o.qty, o.limitPrice, rates, o.assetClass);
  return sum;
}

/** The end-of-day trim's size with its own costs: one rule of the session (src/session/deleverage.ts). */
export { trimQtyWithCosts } from '../session/deleverage.js';
