/**
 * Plausibility bounds for a bar. A value outside them is not a market price but a corrupt or hostile file
 * (1e308 would overflow every notional computed from it), so such a row is reported like any unusable row:
 * refused by default, dropped and recorded under --repair, and never written into the data store. The bounds
 * are far outside anything real: every file under ../shared/marketdata lies well within them.
 */

/** 1970-01-01 UTC: no bar data (and no epoch time) is older. */
export const BAR_TIME_MIN = Date.UTC(1970, 0, 1);
/**
 * 1971-01-01 UTC, for epoch numbers: no exchange wrote bars in 1970, so an earlier epoch value is an index
 * column (0, 1, 2…), a number cut short, or a value in a coarser unit than its column (seconds among
 * milliseconds read as January 1970), never a bar time.
 */
export const EPOCH_TIME_MIN = Date.UTC(1971, 0, 1);
/** 2100-01-01 UTC, exclusive: a later time is a typo (9999) or a wrong epoch unit. */
export const BAR_TIME_MAX = Date.UTC(2100, 0, 1);
/** No instrument trades above a billion per unit (BRK.A is under a million). */
export const MAX_PRICE = 1e9;
/** Far below any traded token (the smallest trade around 1e-8 per unit). */
export const MIN_PRICE = 1e-12;
/**
 * Units per bar. Stock and major-coin volumes stay below 1e13, but tokens with supplies in the quadrillions
 * trade far more units; this bound only stops values that would overflow what is computed from them.
 */
export const MAX_VOLUME = 1e24;

const YEARS = `${new Date(BAR_TIME_MIN).getUTCFullYear()}-${new Date(BAR_TIME_MAX).getUTCFullYear() - 1}`;

/** Why a parsed bar time is implausible, or '' when it is fine. `text` is the field as written. */
export function timeProblem(t: number, text: string, column: string): string {
  return plausibleTime(t) ? '' : `time "${text}" in column ${column} is outside the supported years ${YEARS}`;
}

/** The bar time lies within the supported years (the fast check: then no text for a message is needed). */
export function plausibleTime(t: number): boolean {
  return t >= BAR_TIME_MIN && t < BAR_TIME_MAX;
}

/**
 * Bar series known to hold prices within these bounds at finite, strictly ascending times: every series the
 * loader returns, and every series simulate() has checked. A series is not changed once made (the simulator's
 * timeline and fill-tape caches key on it too), so each is checked once: the optimizer's candidates and the
 * comparison's sides simulate the same series again and again.
 */
export const pricedSeries = new WeakSet<object>();

/** Why a parsed price is implausible, or '' when it is fine (NaN is reported by the caller). */
export function priceProblem(v: number, name: string): string {
  if (v <= 0) return `non-positive price ${v} in ${name}`;
  if (v < MIN_PRICE || v > MAX_PRICE) {
    return `implausible price ${v} in ${name}: prices must lie within ${MIN_PRICE}..${MAX_PRICE}`;
  }
  return '';
}

/** Why a parsed volume is implausible, or '' when it is fine. */
export function volumeProblem(v: number, name: string): string {
  if (v < 0) return `negative volume ${v} in ${name}`;
  if (v > MAX_VOLUME) return `implausible volume ${v} in ${name}: volumes must be at most ${MAX_VOLUME}`;
  return '';
}

/** The fast check of a whole row: true when every value lies within the bounds (then no detail is needed). */
export function plausibleRow(o: number, h: number, l: number, c: number, v: number): boolean {
  return (
    o >= MIN_PRICE &&
    o <= MAX_PRICE &&
    h >= MIN_PRICE &&
    h <= MAX_PRICE &&
    l >= MIN_PRICE &&
    l <= MAX_PRICE &&
    c >= MIN_PRICE &&
    c <= MAX_PRICE &&
    v >= 0 &&
    v <= MAX_VOLUME
  );
}

/** What repair mode does to a row whose high/low does not bracket its open and close (see repairHighLow). */
export interface HighLowRepair {
  high: number;
  low: number;
  /** What is wrong, e.g. 'inconsistent OHLC: high 0.0001 is below max(open, close) 3.06'. */
  problem: string;
  /** What was kept and what was replaced, e.g. 'high replaced by max(open, close) 3.06, low 3.0489 kept'. */
  repair: string;
}

/**
 * The one rule for a high/low that does not bracket open and close (the loader's --repair and `data download`):
 * a high is kept only if it is at least max(open, close), else it becomes max(open, close); a low is kept only
 * if it is at most min(open, close), else min(open, close). An inconsistent value is never taken as an
 * extreme: with the max/min of all four prices, a typo'd high of 0.0001 became the bar's low and let the
 * simulator fill an order at a price the market never traded. Null when the row is consistent.
 */
export function repairHighLow(o: number, h: number, l: number, c: number): HighLowRepair | null {
  const top = o > c ? o : c;
  const bottom = o < c ? o : c;
  const highOk = h >= top;
  const lowOk = l <= bottom;
  if (highOk && lowOk) return null;
  const bad: string[] = [];
  if (!highOk) bad.push(`high ${h} is below max(open, close) ${top}`);
  if (!lowOk) bad.push(`low ${l} is above min(open, close) ${bottom}`);
  const high = highOk ? `high ${h} kept` : `high replaced by max(open, close) ${top}`;
  const low = lowOk ? `low ${l} kept` : `low replaced by min(open, close) ${bottom}`;
  return {
    high: highOk ? h : top,
    low: lowOk ? l : bottom,
    problem: `inconsistent OHLC: ${bad.join(' and ')}`,
    repair: `${high}, ${low}`,
  };
}
