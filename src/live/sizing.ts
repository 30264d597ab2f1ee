import type { AssetClass, Side } from '../core/types.js';

/**
 * Order sizes and prices a venue accepts. Stocks trade whole shares with cent prices (hundredths of a cent
 * below $1); crypto trades fractions. Buy limits round down and sell limits up, so rounding never makes an
 * order more aggressive than its signal.
 */
export function entryQty(assetClass: AssetClass, notional: number, price: number): number {
  if (!(notional > 0) || !(price > 0)) return 0;
  const raw = notional / price;
  return assetClass === 'stock' ? Math.floor(raw) : Math.floor(raw * 1e6) / 1e6;
}

export function roundLimit(assetClass: AssetClass, side: Side, price: number): number {
  if (!(price > 0)) return price;
  const step = assetClass === 'stock' ? (price >= 1 ? 0.01 : 0.0001) : cryptoStep(price);
  const units = side === 'buy' ? Math.floor(price / step + 1e-9) : Math.ceil(price / step - 1e-9);
  // Back through a string: 0.07 * 3 is 0.21000000000000002, which a venue would refuse.
  return Number((units * step).toFixed(decimals(step)));
}

/** Seven significant digits, as crypto venues quote. */
function cryptoStep(price: number): number {
  return 10 ** (Math.floor(Math.log10(price)) - 6);
}

function decimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}
