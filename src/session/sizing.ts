import type { AssetClass, Side } from '../core/types.js';

/**
 * The one sizing rule of the trading session (simulator and live alike): order sizes and prices a venue
 * accepts. Stocks trade whole shares with cent prices (hundredths of a cent below $1); crypto trades in the
 * venue's quantity increment. Buy limits round down and sell limits up, so rounding never makes an order more
 * aggressive than its signal; quantities round down, so an order never exceeds its share of equity.
 */
export interface SizingRule {
  /** Smallest crypto quantity step (Alpaca: 1e-6 of a coin for the pairs we trade). */
  cryptoQtyStep: number;
}

export const DEFAULT_SIZING: SizingRule = { cryptoQtyStep: 1e-6 };

export function entryQty(
  assetClass: AssetClass,
  notional: number,
  price: number,
  rule: SizingRule = DEFAULT_SIZING,
): number {
  if (!(notional > 0) || !(price > 0)) return 0;
  const raw = notional / price;
  if (assetClass === 'stock') return Math.floor(raw);
  const step = rule.cryptoQtyStep;
  // Divide by the inverse of the step when it is a whole number: 1e-6 is not exact in binary, 1e6 is.
  const perUnit = Math.round(1 / step);
  return Math.abs(perUnit * step - 1) < 1e-12
    ? Math.floor(raw * perUnit) / perUnit
    : Math.floor(raw / step) * step;
}

export function roundLimit(assetClass: AssetClass, side: Side, price: number): number {
  if (!(price > 0)) return price;
  const step = assetClass === 'stock' ? (price >= 1 ? 0.01 : 0.0001) : cryptoStep(price);
  const units = side === 'buy' ? Math.floor(price / step + 1e-9) : Math.ceil(price / step - 1e-9);
  // Not units × step: 0.07 * 3 is 0.21000000000000002, which a venue would refuse. Whole units over an exact
  // power of ten is the double nearest the decimal, as the round trip through a string it replaces was.
  const places = decimals(step);
  if (places === 0 || places > 22 || units === 0) return Number((units * step).toFixed(places));
  return units / 10 ** places;
}

/** Seven significant digits, as crypto venues quote. */
function cryptoStep(price: number): number {
  return 10 ** (Math.floor(Math.log10(price)) - 6);
}

function decimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}
