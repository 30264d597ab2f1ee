import type { AssetClass, Side } from '../../core/types.js';
import { roundLimit } from '../../session/sizing.js';
import type { AssetRules } from './assets.js';

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
 * - a fractional stock quantity only on a `day` order (Alpaca: "fractional orders must be DAY orders");
 * - where Alpaca's asset entity names them (assets.ts), its steps come on top: a crypto pair's price step
 *   (rounded the safe way again) and quantity step (cut down), its minimum order size and a stock's
 *   `fractionable` (an order below the minimum, or a fraction of a whole-share stock, is refused here).
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
  rules: AssetRules | null = null,
): WireOrder | { ok: false; reason: string } {
  const { symbol, assetClass, side } = request;
  const asked = wireQty(symbol, assetClass, request.qty);
  if (!asked.ok) return asked;
  const ticked = wireLimit(symbol, assetClass, side, limitPrice);
  if (!ticked.ok) return ticked;
  let qty: Sent = asked;
  let limit: Sent = ticked;
  if (rules?.qtyIncrement) qty = onStep(qty.value, rules.qtyIncrement, 'down');
  if (rules?.priceIncrement)
    limit = onStep(limit.value, rules.priceIncrement, side === 'buy' ? 'down' : 'up');
  const min = rules?.minQty ?? 0;
  if (!(qty.value > 0) || qty.value < min - 1e-12) {
    return {
      ok: false,
      reason: `${symbol}: quantity ${request.qty} is below Alpaca's minimum order size for ${symbol} (${min || rules?.qtyIncrement}); not sent (a larger order, or more equity, reaches it)`,
    };
  }
  if (!(limit.value > 0)) {
    return {
      ok: false,
      reason: `${symbol}: a ${side} limit of ${limitPrice} rounds to 0 at Alpaca's price step for ${symbol} (${rules?.priceIncrement}); not sent`,
    };
  }
  if (rules && !rules.fractionable && isFractionalStock(assetClass, qty.value)) {
    return {
      ok: false,
      reason: `${symbol}: Alpaca trades ${symbol} in whole shares only; quantity ${request.qty} not sent (close the fraction by hand, or trade whole shares)`,
    };
  }
  return {
    ok: true,
    qty,
    limit,
    rounded: qty.value !== request.qty || limit.value !== limitPrice,
  };
}

/**
 * `x` on a multiple of `step` (a decimal as Alpaca writes it, "0.0005"), rounded `down` or `up`: in whole
 * decimal units of the step, from the shortest decimal text of `x` (exact, no binary quotient).
 */
export function onStep(x: number, step: string, dir: 'down' | 'up'): WireNumber & { ok: true } {
  const stepText = decimalText(Number(step));
  const places = stepText.split('.')[1]?.length ?? 0;
  const stepUnits = BigInt(stepText.replace('.', ''));
  const [int, frac = ''] = decimalText(x).split('.');
  const scaled = BigInt(int! + frac.slice(0, places).padEnd(places, '0'));
  const beyond = /[1-9]/.test(frac.slice(places));
  let units = scaled / stepUnits;
  if (dir === 'up' && (scaled % stepUnits !== 0n || beyond)) units += 1n;
  const digits = (units * stepUnits).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const part = digits.slice(digits.length - places).replace(/0+$/, '');
  const text = part ? `${whole}.${part}` : whole;
  return { ok: true, value: Number(text), text };
}

/** An order body as a person reads it: `buy 10 AAPL @ 101.5 (gtc)`. */
export const shownOrder = (b: Record<string, unknown>): string =>
  `${String(b.side)} ${String(b.qty)} ${String(b.symbol)} @ ${String(b.limit_price)} (${String(b.time_in_force)}${b.extended_hours ? ', extended hours' : ''})`;
