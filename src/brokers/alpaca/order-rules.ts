import type { AssetClass, Side } from '../../core/types.js';
import { roundLimit } from '../../session/sizing.js';

/**
 * Alpaca's rules for the numbers of an order, applied to every order before it is sent, so that none goes
 * out that Alpaca would refuse:
 * - limit prices on the tick: stocks $0.01 at or above $1 and $0.0001 below (Alpaca answers a finer price
 *   with 422 "sub-penny increment does not fulfill minimum pricing criteria"); crypto to the seven
 *   significant digits the session prices it at. The session's own rule (`roundLimit`) is the one home of
 *   the tick: a price off it is rounded the safe way for its side (a buy down, a sell up), so rounding never
 *   makes an order more aggressive than it was asked to be;
 * - quantities in plain decimal notation with at most 9 decimals (Alpaca's limit for qty), never an
 *   exponent (`String(1e-7)` is "1e-7"), cut down rather than rounded up (never more than asked or held);
 * - a fractional stock quantity only on a `day` order (Alpaca: "fractional orders must be DAY orders").
 */

/** The most decimals Alpaca takes in `qty`. */
export const QTY_DECIMALS = 9;

export type WireNumber = { ok: true; value: number; text: string } | { ok: false; reason: string };

/** The limit price to send: on Alpaca's tick, rounded the safe way for the side. */
export function wireLimit(symbol: string, assetClass: AssetClass, side: Side, price: number): WireNumber {
  if (!(Number.isFinite(price) && price > 0)) {
    return {
      ok: false,
      reason: `${symbol}: limit price ${price} is not a positive number; not sent to Alpaca (check the signal's price for ${symbol})`,
    };
  }
  const value = roundLimit(assetClass, side, price);
  if (!(value > 0)) {
    return {
      ok: false,
      reason: `${symbol}: a ${side} limit of ${price} is below Alpaca's smallest price step (${assetClass === 'stock' ? '$0.0001 for stocks under $1' : 'seven significant digits'}) and would round to 0; not sent (drop ${symbol} or price it at least one step)`,
    };
  }
  return { ok: true, value, text: decimalText(value) };
}

/** The quantity to send: at most QTY_DECIMALS decimals, cut down; a whole stock quantity stays whole. */
export function wireQty(symbol: string, assetClass: AssetClass, qty: number): WireNumber {
  if (!(Number.isFinite(qty) && qty > 0)) {
    return {
      ok: false,
      reason: `${symbol}: quantity ${qty} is not a positive number; not sent to Alpaca`,
    };
  }
  // A stock quantity a hair off a whole number (a sum of fills in binary) is that whole number: sent as a
  // fraction it would go out as a `day` order and expire at the close.
  const whole = Math.round(qty);
  if (assetClass === 'stock' && whole > 0 && Math.abs(qty - whole) <= 1e-9 * Math.max(1, whole)) {
    return { ok: true, value: whole, text: String(whole) };
  }
  // Twelve decimals first, so a binary neighbour of the decimal (2.6749999999999998 for 2.675) is the
  // decimal; then the digits beyond the ninth are cut, never rounded up.
  const [int, frac = ''] = qty.toFixed(12).split('.');
  const kept = frac.slice(0, QTY_DECIMALS).replace(/0+$/, '');
  const text = kept ? `${int}.${kept}` : int!;
  const value = Number(text);
  if (!(value > 0)) {
    return {
      ok: false,
      reason: `${symbol}: quantity ${qty} is below Alpaca's smallest quantity (${QTY_DECIMALS} decimals); not sent`,
    };
  }
  return { ok: true, value, text };
}

/** A stock quantity that is not whole: Alpaca works it only as a `day` order. */
export const isFractionalStock = (assetClass: AssetClass, qty: number): boolean =>
  assetClass === 'stock' && !Number.isInteger(qty);

/** A positive number in plain decimal notation (no exponent), as Alpaca reads prices. */
export function decimalText(x: number): string {
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

export interface WireRequest {
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  qty: number;
}

type Sent = WireNumber & { ok: true };

/** An order's numbers as sent, and whether either was rounded. */
export interface WireOrder {
  ok: true;
  qty: Sent;
  limit: Sent;
  rounded: boolean;
}

/** The quantity and limit of an order as Alpaca takes them, or why it cannot be sent. */
export function wireOrder(
  request: WireRequest,
  limitPrice: number,
): WireOrder | { ok: false; reason: string } {
  const qty = wireQty(request.symbol, request.assetClass, request.qty);
  if (!qty.ok) return qty;
  const limit = wireLimit(request.symbol, request.assetClass, request.side, limitPrice);
  if (!limit.ok) return limit;
  return {
    ok: true,
    qty,
    limit,
    rounded: qty.value !== request.qty || limit.value !== limitPrice,
  };
}
