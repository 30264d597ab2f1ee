/**
 * The fake Alpaca's order checks, as the real Alpaca answers them (422 with its message):
 * - a stock limit price finer than $0.01 at or above $1, or than $0.0001 below: "invalid limit_price 11.055.
 *   sub-penny increment does not fulfill minimum pricing criteria" (alpacahq/alpaca-trade-api-go#260);
 * - a fractional stock quantity on anything but a `day` order: "fractional orders must be DAY orders"
 *   (docs.alpaca.markets trading-1: fractional shares "supported only for day orders"; Petersoj/alpaca-java#140);
 * - a qty with more than 9 decimals, or not in decimal notation (alpaca.markets/support "how can i pass a
 *   fractional order": "qty ... can take up to 9 decimal point values");
 * - a crypto time_in_force other than gtc or ioc: "invalid crypto time_in_force" (docs crypto-orders).
 * Null when the order passes.
 */
export function orderRuleBreach(b: Record<string, unknown>, crypto: boolean): string | null {
  const qty = typeof b.qty === 'string' ? b.qty : String(b.qty);
  if (!/^\d+(\.\d{1,9})?$/.test(qty)) return `invalid qty ${qty}: a decimal with at most 9 decimals`;
  if (crypto) {
    if (b.time_in_force !== 'gtc' && b.time_in_force !== 'ioc') return 'invalid crypto time_in_force';
    return null;
  }
  if (qty.includes('.') && Number(qty) % 1 !== 0 && b.time_in_force !== 'day') {
    return 'fractional orders must be DAY orders';
  }
  const limit = String(b.limit_price);
  const decimals = /^\d+(?:\.(\d+))?$/.exec(limit)?.[1]?.length ?? (/^\d+$/.test(limit) ? 0 : 99);
  if (decimals > (Number(limit) >= 1 ? 2 : 4)) {
    return `invalid limit_price ${limit}. sub-penny increment does not fulfill minimum pricing criteria`;
  }
  return null;
}
