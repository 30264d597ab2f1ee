import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { VictimRanking } from '../core/config/schema.js';
import type { OpenOrder, TimeMs } from '../core/types.js';
import type { BarSeries } from '../marketdata/index.js';
import { missingBarsOf } from '../marketdata/quality.js';
import { intervalLabel } from '../marketdata/select.js';
import { isoUtc } from '../marketdata/timeparse.js';
import { simValuation } from '../sim/sim-values.js';
import { buildTimeline } from '../sim/timeline.js';
import { VALUATION_WARMUP_BARS, type SessionValuation } from '../session/valuation.js';
import type { Scenario } from './scenario.js';

/** What the fill model of one symbol learnt from: the bars closed by `now` that were fed to it. */
export interface SymbolBars {
  symbol: string;
  assetClass: BarSeries['assetClass'];
  path: string;
  /** The bar length known at `now` (the most common spacing so far; NaN before two bars). */
  barMs: number;
  /** Bars fed (the simulator's warm-up: at most VALUATION_WARMUP_BARS, the newest closed by `now`). */
  bars: number;
  /** Open time of the first bar fed and close time of the last (null when none was). */
  firstOpen: TimeMs | null;
  lastClose: TimeMs | null;
  /** Open time of the last bar fed (null when none was); not in the JSON record, which gives its close. */
  lastOpen: TimeMs | null;
}

/** A scenario's valuation: the session's model over the bars up to `now`, and the validities it used. */
export interface ScenarioValuation {
  valuation: SessionValuation;
  /** The bar length the session trades on (the shortest series'), 0 when the bars do not say. */
  barMs: number;
  /** When the request stops being valid: the scenario's `request.validUntil`, else one bar after now. */
  requestValidUntil: TimeMs;
  /** When a resting order stops being valid: its `validUntil`, else one bar after now. */
  orderValidUntil(order: Pick<OpenOrder, 'id'>): TimeMs;
  symbols: SymbolBars[];
}

/**
 * Build the session valuation a simulator would hold at the scenario's `now`: each series is cut to the bars
 * that opened by `now` (nothing later is read; a bar opening exactly at `now` only marks the close of the one
 * before), and the simulator's own code (simValuation) warms the model on the bars closed by then, as a run
 * starting at `now` does. No closed trades are known, so every expected return is the shrinker's prior.
 */
export function valueScenario(input: {
  scenario: Scenario;
  series: readonly BarSeries[];
  calendar: ExchangeCalendar;
  ranking: VictimRanking;
  deleverageLeadMinutes: number;
}): ScenarioValuation {
  const { scenario, calendar } = input;
  const now = scenario.now;
  const cut = input.series.map((s) => upTo(s, now));
  const timeline = buildTimeline(cut, calendar, {
    from: now,
    to: now,
    deleverageLeadMinutes: input.deleverageLeadMinutes,
  });
  // The default validity is one session bar, known only once the valuation has read the bar lengths; the
  // callbacks are called by decide(), after this function has set it.
  let oneBar = Number.NaN;
  const orderValidUntil = (o: Pick<OpenOrder, 'id'>): TimeMs =>
    scenario.validUntil?.orders.get(o.id) ?? now + oneBar;
  const requestValidUntil = (): TimeMs => scenario.validUntil?.request ?? now + oneBar;
  const valuation = simValuation({
    ranking: input.ranking,
    calendar,
    watchers: cut.map((s, k) => ({
      index: k,
      symbol: s.symbol,
      assetClass: s.assetClass,
      s,
      closeTimes: timeline.closeTimes[k]!,
      barLengths: timeline.barLengths[k]!,
    })),
    timeline,
    orderValidUntil,
    requestValidUntil,
    // The bar lengths known at `now`, the bars opened by then included: the session as it stands.
    start: now,
  });
  const barMs = valuation.coordinatorOptions().barMs ?? 0;
  if (barMs > 0) oneBar = barMs;
  return {
    valuation,
    barMs,
    requestValidUntil: requestValidUntil(),
    orderValidUntil,
    symbols: cut.map((s, k) =>
      fedBars(s, timeline.closeTimes[k]!, timeline.barLengths[k]!, timeline.firstBar[k]!),
    ),
  };
}

/** The series without the bars that open after `now` (views, not copies). */
function upTo(s: BarSeries, now: TimeMs): BarSeries {
  let n = 0;
  while (n < s.time.length && s.time[n]! <= now) n++;
  if (n === s.time.length) return s;
  return {
    ...s,
    time: s.time.subarray(0, n),
    open: s.open.subarray(0, n),
    high: s.high.subarray(0, n),
    low: s.low.subarray(0, n),
    close: s.close.subarray(0, n),
    volume: s.volume.subarray(0, n),
  };
}

/** The bars simValuation's warm-up feeds: the newest VALUATION_WARMUP_BARS closed by `now` (index < first). */
function fedBars(
  s: BarSeries,
  closeTimes: Float64Array,
  barLengths: Float64Array,
  first: number,
): SymbolBars {
  const from = Math.max(0, first - VALUATION_WARMUP_BARS);
  const bars = first - from;
  return {
    symbol: s.symbol,
    assetClass: s.assetClass,
    path: s.source.path,
    barMs: barLengths.length ? barLengths[Math.min(first, barLengths.length - 1)]! : Number.NaN,
    bars,
    firstOpen: bars > 0 ? s.time[from]! : null,
    lastClose: bars > 0 ? closeTimes[first - 1]! : null,
    lastOpen: bars > 0 ? s.time[first - 1]! : null,
  };
}

/**
 * The open times of the first and last bar of `symbol` whose prices the valuation read: those fed to its fill
 * model, closed by `now`. Null when it read none, as under victimRanking distance, which values nothing.
 */
export function barsRead(v: ScenarioValuation, symbol: string): { first: TimeMs; last: TimeMs } | null {
  const fed = v.symbols.find((s) => s.symbol === symbol);
  if (!v.valuation.active || !fed || fed.firstOpen === null || fed.lastOpen === null) return null;
  return { first: fed.firstOpen, last: fed.lastOpen };
}

/**
 * More bars than this missing between a symbol's last bar fed and `now` make its valuation stale (a warning).
 * One is normal (the bar still open at `now`); a few allow for a late or missing print. Only bars its market
 * would have printed count: nights, weekends and holidays do not for a stock (the gap rule of the loader).
 */
export const STALE_AFTER_BARS = 3;

/**
 * What the valuation's bars do not cover, said with the decision: a symbol with no bar closed by `now` is
 * valued from no bars at all, and one whose last bar closed long before `now` from a market that may have
 * moved since. Either decision would otherwise read like one taken on current data.
 */
export function staleBarWarnings(
  v: Pick<ScenarioValuation, 'symbols'>,
  series: readonly BarSeries[],
  now: TimeMs,
  calendar: ExchangeCalendar,
): string[] {
  const at = isoUtc(now);
  return v.symbols.flatMap((fed) => {
    const s = series.find((x) => x.symbol === fed.symbol);
    if (!s || s.time.length === 0) return [];
    const fix = (bars: string): string => `pass ${bars} ${at}, or set the scenario's now inside the data`;
    if (fed.lastClose === null) {
      return [
        `warning: ${s.symbol}: no bar closed by now (${at}); its first bar in ${s.source.path} opens ${isoUtc(s.time[0]!)}, so its fill chances are learnt from no bars: ${fix('bars from before')}`,
      ];
    }
    const gapsOf = missingBarsOf(s.assetClass, calendar);
    const missing = gapsOf(fed.lastClose - s.intervalMs, now, s.intervalMs);
    if (missing <= STALE_AFTER_BARS) return [];
    return [
      `warning: ${s.symbol}: its last bar closed ${isoUtc(fed.lastClose)}, ${missing.toLocaleString('en-US')} ${intervalLabel(s.intervalMs)} bars before now (${at}) in ${s.source.path}, so it is valued from a market that old: ${fix('bars up to')}`,
    ];
  });
}

const isoOrNull = (t: TimeMs | null): string | null =>
  t !== null && Number.isFinite(t) ? new Date(t).toISOString() : null;

/**
 * What the valuation was built from, for the JSON record (`valuation`): the bars fed per symbol, the bar
 * length, the validities, and where the expected returns came from.
 */
export function valuationRecord(v: ScenarioValuation, scenario: Scenario): Record<string, unknown> {
  return {
    barMs: v.barMs > 0 ? v.barMs : null,
    bars: v.symbols.map(({ lastOpen: _lastOpen, ...s }) => ({
      ...s,
      barMs: Number.isFinite(s.barMs) ? s.barMs : null,
      firstOpen: isoOrNull(s.firstOpen),
      lastClose: isoOrNull(s.lastClose),
    })),
    validUntil: {
      request: isoOrNull(v.requestValidUntil),
      orders: Object.fromEntries(scenario.openOrders.map((o) => [o.id, isoOrNull(v.orderValidUntil(o))])),
      default: 'one bar after now',
    },
    expectedReturn: EXPECTED_RETURN_SOURCE,
  };
}

/** explain is given no closed trades, so the shrinker has nothing to learn from: e is its prior everywhere. */
export const EXPECTED_RETURN_SOURCE =
  'the prior of the shrunk realised returns, for every symbol: explain is given no closed trades';
