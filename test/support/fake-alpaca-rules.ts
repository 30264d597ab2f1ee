/** What GET /v2/assets/{symbol} answers for a symbol (Alpaca's asset entity, the fields worksteal reads). */
export interface FakeAsset {
  symbol: string;
  class: 'crypto' | 'us_equity';
  fractionable: boolean;
  min_order_size: string;
  min_trade_increment: string;
  price_increment: string;
}

/** A permissive default: steps of 1e-9, so only a test that sets coarser ones meets them. */
export function fakeAsset(symbol: string, crypto: boolean, over: Partial<FakeAsset> = {}): FakeAsset {
  return {
    symbol,
    class: crypto ? 'crypto' : 'us_equity',
    fractionable: true,
    min_order_size: '0.000000001',
    min_trade_increment: '0.000000001',
    price_increment: '0.000000001',
    ...over,
  };
}

/** Whether a decimal text is a whole multiple of a step (both as Alpaca writes them), exactly. */
function onStep(value: string, step: string): boolean {
  const places = Math.max(decimals(value), decimals(step));
  const scale = (t: string): bigint => {
    const [i, f = ''] = t.split('.');
    return BigInt(i! + f.padEnd(places, '0'));
  };
  return scale(value) % scale(step) === 0n;
}

const decimals = (t: string): number => t.split('.')[1]?.length ?? 0;

/**
 * The fake Alpaca's order checks, as the real Alpaca answers them (422 with its message):
 * - a stock limit price finer than $0.01 at or above $1, or than $0.0001 below: "invalid limit_price 11.055.
 *   sub-penny increment does not fulfill minimum pricing criteria" (alpacahq/alpaca-trade-api-go#260);
 * - a fractional stock quantity on anything but a `day` order: "fractional orders must be DAY orders"
 *   (docs.alpaca.markets trading-1: fractional shares "supported only for day orders"; Petersoj/alpaca-java#140);
 * - a qty with more than 9 decimals, or not in decimal notation (alpaca.markets/support "how can i pass a
 *   fractional order": "qty ... can take up to 9 decimal point values");
 * - a crypto time_in_force other than gtc or ioc: "invalid crypto time_in_force" (docs crypto-orders);
 * - off the asset's steps (crypto price_increment, min_trade_increment, min_order_size) or a fraction of a
 *   stock that is not fractionable (the asset entity: docs crypto-trading, assets).
 * Null when the order passes.
 */
export function orderRuleBreach(
  b: Record<string, unknown>,
  crypto: boolean,
  asset: FakeAsset,
): string | null {
  const qty = typeof b.qty === 'string' ? b.qty : String(b.qty);
  if (!/^\d+(\.\d{1,9})?$/.test(qty)) return `invalid qty ${qty}: a decimal with at most 9 decimals`;
  if (crypto) {
    if (b.time_in_force !== 'gtc' && b.time_in_force !== 'ioc') return 'invalid crypto time_in_force';
    if (!onStep(qty, asset.min_trade_increment))
      return `qty must be in increments of ${asset.min_trade_increment}`;
    if (Number(qty) < Number(asset.min_order_size)) return `qty must be >= ${asset.min_order_size}`;
    if (!onStep(String(b.limit_price), asset.price_increment))
      return `limit price must be in increments of ${asset.price_increment}`;
    return null;
  }
  if (!asset.fractionable && Number(qty) % 1 !== 0) return `asset ${String(b.symbol)} is not fractionable`;
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
