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

/**
 * 10^k for k from -MAX_EXPONENT to MAX_EXPONENT, each exactly the value `10 ** k` gives, computed once: every
 * entry request rounds its limit, and `**` with a variable exponent is a call to pow in the simulator's inner
 * loop. (Not the literals: `10 ** -4` is not the double 0.0001.)
 */
const MAX_EXPONENT = 330;
const POWERS_OF_TEN = Array.from({ length: 2 * MAX_EXPONENT + 1 }, (_, i) => 10 ** (i - MAX_EXPONENT));

function powerOfTen(k: number): number {
  return k >= -MAX_EXPONENT && k <= MAX_EXPONENT ? POWERS_OF_TEN[k + MAX_EXPONENT]! : 10 ** k;
}

export function roundLimit(assetClass: AssetClass, side: Side, price: number): number {
  if (!(price > 0)) return price;
  let step: number;
  /** Decimal places of the step. */
  let places: number;
  if (assetClass === 'stock') {
    step = price >= 1 ? 0.01 : 0.0001;
    places = price >= 1 ? 2 : 4;
  } else {
    // Seven significant digits, as crypto venues quote: a step of 10^exponent.
    const exponent = Math.floor(Math.log10(price)) - 6;
    step = powerOfTen(exponent);
    places = exponent < 0 ? -exponent : 0;
  }
  const units = side === 'buy' ? Math.floor(price / step + 1e-9) : Math.ceil(price / step - 1e-9);
  // Not units × step: 0.07 * 3 is 0.21000000000000002, which a venue would refuse. Whole units over an exact
  // power of ten is the double nearest the decimal, as the round trip through a string it replaces was.
  if (places === 0 || places > 22 || units === 0) return Number((units * step).toFixed(places));
  return units / powerOfTen(places);
}
