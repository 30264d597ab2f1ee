/**
 * The bar length a trading session trades on, which converts the `*Bars` keys (cooldownBars, fightWindowBars,
 * fightCooldownBars) and the valuation's bar counts to time: the shortest of its series' bar lengths as known
 * when the session starts (causally: src/sim/timeline.ts causalBarLengths). A series whose bars begin later
 * is not counted: a symbol listed halfway through a run, at a shorter bar, would otherwise change how long a
 * cooldown lasts before its first bar (README "The model: assumptions and limits", No look-ahead). The
 * simulator and the replay compute it here from the same timeline, so both convert bars to time alike; 0 when
 * no series knows its length yet.
 *
 * @param barLengths per series, per bar: the bar length known at the bar's open (NaN before any)
 * @param times per series, per bar: when the bar opened (ascending)
 * @param start when the session starts: its first bar close (firstBarStep)
 */
export function sessionBarMs(
  barLengths: readonly ArrayLike<number>[],
  times: readonly ArrayLike<number>[],
  start: number,
): number {
  let barMs = Number.POSITIVE_INFINITY;
  barLengths.forEach((lengths, k) => {
    const time = times[k]!;
    // The last bar opened by the start: its length is what the series knew then (none before its second bar).
    let lo = 0;
    let hi = Math.min(time.length, lengths.length);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    const j = lo - 1;
    if (j < 1) return;
    const length = lengths[j]!;
    if (length > 0 && length < barMs) barMs = length;
  });
  return Number.isFinite(barMs) ? barMs : 0;
}
