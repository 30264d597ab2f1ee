import type { MarginTable } from '../core/config/schema.js';
import { requirementFor, type MarginContext } from '../core/margin/requirements.js';
import type { AssetClass } from '../core/types.js';

/** Buying power as a venue reports it, in notional (Alpaca's account fields). */
export interface BuyingPowerNotional {
  /** Crypto and other non-marginable assets (cash-like). */
  nonMarginable: number;
  /** Intraday, pattern-day-trader accounts (4x); 0 when the account has none. */
  daytrading: number;
  /** Reg-T (2x, overnight). */
  regt: number;
}

/**
 * The margin the broker leaves free for the asset classes we trade (docs/live.md): each class's buying power
 * (notional) times its requirement, the smallest of them. Crypto spends non-marginable buying power; stocks
 * the day-trading figure while the session is open (when the account has one), Reg-T otherwise.
 */
export function brokerFreeMargin(
  bp: BuyingPowerNotional,
  assetClasses: Iterable<AssetClass>,
  ctx: MarginContext,
  table: MarginTable,
): number {
  let free = Number.POSITIVE_INFINITY;
  for (const cls of assetClasses) {
    const notional =
      cls === 'crypto' ? bp.nonMarginable : ctx.sessionOpen && bp.daytrading > 0 ? bp.daytrading : bp.regt;
    free = Math.min(free, notional * requirementFor(cls, ctx, table));
  }
  return free;
}
