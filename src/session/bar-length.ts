/**
 * The bar length a trading session trades on, which converts the `*Bars` keys (cooldownBars, fightWindowBars,
 * fightCooldownBars) and the valuation's bar counts to time: the shortest of its series' bar lengths as known
 * at the first bar of its range (causally: src/sim/timeline.ts causalBarLengths). The simulator and the
 * replay compute it here from the same timeline, so both convert bars to time alike; 0 when no series knows
 * its length yet.
 *
 * @param barLengths per series, per bar: the bar length known at the bar's open (NaN before any)
 * @param firstBar per series: the first bar inside the session's range
 */
export function sessionBarMs(barLengths: readonly ArrayLike<number>[], firstBar: ArrayLike<number>): number {
  let barMs = Number.POSITIVE_INFINITY;
  barLengths.forEach((lengths, k) => {
    const n = lengths.length;
    if (n === 0) return;
    // The first bar's own length is never known at its open (index 0 is NaN): the next one's is.
    const length = lengths[Math.min(Math.max(firstBar[k]!, 1), n - 1)]!;
    if (length > 0 && length < barMs) barMs = length;
  });
  return Number.isFinite(barMs) ? barMs : 0;
}
