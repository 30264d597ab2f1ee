import { signalValuation, VALUATION_WARMUP_BARS, type SessionValuation } from '../session/valuation.js';
import type { WatchedSignal } from '../session/watchers.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * The live side of the session valuation (src/session/valuation.ts): a resting entry and a request are valued
 * over the signal their watcher holds, as the simulator values a watcher's current signal.
 */
export function liveValuation(
  o: RuntimeOptions,
  heldSignal: (symbol: string) => WatchedSignal | null,
): SessionValuation {
  return signalValuation({
    victimRanking: o.config.victimRanking,
    calendar: o.calendar,
    symbols: o.symbols,
    currentSignal: heldSignal,
    signalKeyOf: (orderId) => o.store.orderByOrderId(orderId)?.signalKey ?? null,
  });
}

/**
 * Bars closed since the last poll reach the valuation (fill-probability) model, as the simulator feeds each
 * closed bar; the first poll replays the window's history into the model. The window is never shorter than
 * the forecaster's: a venue may keep one window per symbol, cut to the last count asked for.
 */
export async function feedLiveValuation(
  valuation: SessionValuation,
  o: RuntimeOptions,
  symbols: readonly string[],
): Promise<void> {
  if (!valuation.active) return;
  const { lookbackBars, horizonBars } = o.config.sim.forecaster;
  const count = Math.max(VALUATION_WARMUP_BARS, lookbackBars + horizonBars + 1);
  for (const [i, symbol] of symbols.entries()) {
    const window = await o.marketData.bars(symbol, count);
    if (window) valuation.onWindow(i, window);
  }
}
