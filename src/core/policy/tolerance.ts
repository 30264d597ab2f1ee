import type { WorkstealConfig } from '../config/schema.js';
import type { AssetClass, ToleranceTier } from '../types.js';

export interface ToleranceChoice {
  tier: ToleranceTier;
  /** Infinity for force-immediate: the order rests now, whatever its distance. */
  tolerance: number;
  forceImmediate: boolean;
}

/**
 * The entry tolerance tier for a request at this moment (README "The rules in one table"): re-evaluated at
 * every poll from the session state, never frozen when the watcher starts.
 */
export function toleranceFor(
  assetClass: AssetClass,
  cryptoRank: number | null,
  sessionOpen: boolean,
  config: Pick<
    WorkstealConfig,
    'normalTolerance' | 'cryptoNormalTolerance' | 'cryptoOutOfHoursTolerance' | 'cryptoOutOfHoursForceCount'
  >,
): ToleranceChoice {
  if (assetClass === 'stock')
    return { tier: 'stock-normal', tolerance: config.normalTolerance, forceImmediate: false };
  if (sessionOpen)
    return { tier: 'crypto-normal', tolerance: config.cryptoNormalTolerance, forceImmediate: false };
  if (cryptoRank !== null && cryptoRank >= 1 && cryptoRank <= config.cryptoOutOfHoursForceCount) {
    return { tier: 'force-immediate', tolerance: Number.POSITIVE_INFINITY, forceImmediate: true };
  }
  return { tier: 'crypto-out-of-hours', tolerance: config.cryptoOutOfHoursTolerance, forceImmediate: false };
}
