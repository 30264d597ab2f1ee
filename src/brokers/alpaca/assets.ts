import type { AssetClass } from '../../core/types.js';
import type { Logger } from '../../ports/log.js';
import { AlpacaError, type AlpacaRest } from './rest.js';
import { canonicalSymbol } from './symbols.js';

/**
 * What Alpaca's asset entity (GET /v2/assets/{symbol}) says about an order's numbers. Crypto pairs each have
 * their own price step, quantity step and minimum order size ("the supported decimal points vary depending
 * on the cryptocurrency … these values could change in the future": docs.alpaca.markets crypto-orders; the
 * documented BTC/USD sample has price_increment "1", min_order_size and min_trade_increment "0.0001"). A stock
 * that is not `fractionable` takes whole shares only.
 */
export interface AssetRules {
  /** The price step, as Alpaca writes it ("0.01"); null when Alpaca names none (stocks). */
  priceIncrement: string | null;
  /** The quantity step; null when Alpaca names none. */
  qtyIncrement: string | null;
  /** The smallest quantity of one order; null when Alpaca names none. */
  minQty: number | null;
  fractionable: boolean;
}

interface AlpacaAsset {
  symbol: string;
  fractionable?: boolean;
  min_order_size?: string | null;
  min_trade_increment?: string | null;
  price_increment?: string | null;
}

const step = (s: string | null | undefined): string | null =>
  s !== null && s !== undefined && Number(s) > 0 ? s : null;

/**
 * Asset rules by symbol, read from Alpaca once per symbol when its first order needs them. A symbol Alpaca
 * does not know (404) is remembered as having none (its order then gets Alpaca's own refusal); a failed read is
 * not remembered, so the next order asks again. Without rules the general rules of order-rules.ts apply.
 */
export class AssetRulesCache {
  private readonly read = new Map<string, AssetRules | null>();

  constructor(
    private readonly rest: AlpacaRest,
    private readonly log: Logger,
  ) {}

  /** The rules already read for a symbol (null when none are known yet or Alpaca names none). */
  known(symbol: string, assetClass: AssetClass): AssetRules | null {
    return this.read.get(canonicalSymbol(symbol, assetClass)) ?? null;
  }

  /** Whether the symbol's rules were read (Alpaca named them, or does not know the symbol). */
  has(symbol: string, assetClass: AssetClass): boolean {
    return this.read.has(canonicalSymbol(symbol, assetClass));
  }

  async rulesFor(symbol: string, assetClass: AssetClass): Promise<AssetRules | null> {
    const key = canonicalSymbol(symbol, assetClass);
    if (this.read.has(key)) return this.read.get(key)!;
    try {
      // BTCUSD rather than BTC/USD: Alpaca takes both spellings, and a slash does not belong in a path.
      const path = `/v2/assets/${encodeURIComponent(key.replace('/', ''))}`;
      // Once: a failing venue does not hold the order back for a round of retries (it is asked again next time).
      const { data } = await this.rest.request<AlpacaAsset>('GET', path, { once: true });
      const minQty = step(data.min_order_size);
      const rules: AssetRules = {
        priceIncrement: step(data.price_increment),
        qtyIncrement: step(data.min_trade_increment),
        minQty: minQty === null ? null : Number(minQty),
        fractionable: data.fractionable !== false,
      };
      this.read.set(key, rules);
      return rules;
    } catch (error) {
      if (!(error instanceof AlpacaError)) throw error;
      if (error.status === 404) this.read.set(key, null);
      this.log.warn('asset-rules-unavailable', {
        symbol: key,
        detail: `${error.message}; ${key}'s order goes out under the general price and quantity rules`,
      });
      return null;
    }
  }
}
