import type { VictimRanking } from '../core/config/schema.js';
import type { Decision } from '../core/policy/decision.js';
import type { FillTape } from '../core/fill/index.js';
import type { OpenOrder } from '../core/types.js';
import { sessionBarMs } from '../session/bar-length.js';
import { SessionValuation, VALUATION_WARMUP_BARS } from '../session/valuation.js';
import { DecisionLog } from './records.js';
import type { DecisionRow, DecisionValue, ValuedPrediction, Watcher } from './sim-types.js';
import { firstBarStep, type Timeline } from './timeline.js';

/**
 * The simulator's side of value-aware stealing: it builds the session's valuation over the watchers, feeds it
 * each closed bar and each closed trade (as the live runtime does from its bar window), and keeps what the
 * decisions valued for the records and the calibration report.
 */

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** What the valuation reads of a watcher: its index, symbol and class, its bars, their close times and lengths. */
export type ValuedSeries = Pick<
  Watcher,
  'index' | 'symbol' | 'assetClass' | 's' | 'closeTimes' | 'barLengths'
>;

/**
 * The valuation of one run. A resting entry's validity is its signal's (the watcher that placed it knows);
 * a request's is the watcher's current signal's. The bar length is the shortest of the series' lengths as
 * known at the first bar close of the run (the `*Bars` keys count in it).
 */
export function simValuation(input: {
  ranking: VictimRanking;
  calendar: ConstructorParameters<typeof SessionValuation>[0]['calendar'];
  watchers: readonly ValuedSeries[];
  timeline: Timeline;
  orderValidUntil(order: OpenOrder): number;
  requestValidUntil(symbol: string): number;
  fillTape?: FillTape;
  /**
   * When the session starts, for its bar length (sessionBarMs): a run's first bar close (the default);
   * explain's scenario time, whose timeline holds no bar close after it.
   */
  start?: number;
}): SessionValuation {
  const { watchers, timeline } = input;
  const valuation = new SessionValuation({
    victimRanking: input.ranking,
    calendar: input.calendar,
    symbols: watchers,
    barMs: sessionBarMs(
      watchers.map((w) => w.barLengths),
      watchers.map((w) => w.s.time),
      input.start ?? firstBarStep(timeline),
    ),
    orderValidUntil: input.orderValidUntil,
    // A watcher asks for an entry only while it has none resting, and keeps the signal it placed it for
    // until that order is gone (filled, stolen, cancelled, expired): an order's validity never changes.
    orderValidityFixed: true,
    requestValidUntil: input.requestValidUntil,
    ...(input.fillTape ? { fillTape: input.fillTape } : {}),
  });
  // The bars before the range warm the model up, as the live runtime's start-up replays its window.
  if (valuation.active) {
    watchers.forEach((w, k) => {
      const first = timeline.firstBar[k]!;
      for (let i = Math.max(0, first - VALUATION_WARMUP_BARS); i < first; i++) feedBar(valuation, w, i);
    });
  }
  return valuation;
}

function feedBar(valuation: SessionValuation, w: ValuedSeries, i: number): void {
  const s = w.s;
  const t = s.time[i]!;
  valuation.onBar(w.index, t, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, w.closeTimes[i]! - t);
}

/**
 * One bar step: trades closed since the last step teach the returns, then each bar that just closed goes to
 * the model, before any decision at this close.
 */
export function feedValuation(
  st: {
    valuation: SessionValuation;
    portfolio: { trades: readonly { symbol: string; pnl: number; qty: number; entryPrice: number }[] };
    bySymbol: ReadonlyMap<string, Watcher>;
    tradesValued: number;
  },
  closed: readonly Watcher[],
): void {
  const valuation = st.valuation;
  if (!valuation.active) return;
  const trades = st.portfolio.trades;
  for (; st.tradesValued < trades.length; st.tradesValued++) {
    const t = trades[st.tradesValued]!;
    const w = st.bySymbol.get(t.symbol);
    if (w) valuation.tradeClosed(w.index, t.pnl, t.qty * t.entryPrice);
  }
  for (const w of closed) feedBar(valuation, w, w.lastBar);
}

/** The decision log that also keeps each decision's valuation (rows carry it as `value`). */
export class ValuedDecisionLog extends DecisionLog {
  /** By row; undefined where the decision valued nothing. */
  private readonly values: (DecisionValue | undefined)[] = [];

  /** Attach a valuation to the row just pushed. */
  setLastValue(value: DecisionValue): void {
    if (!this.length) return;
    const values = this.values;
    while (values.length < this.length - 1) values.push(undefined); // dense: no dictionary-mode array
    values[this.length - 1] = value;
  }

  override row(i: number): DecisionRow {
    const r = super.row(i);
    const v = this.values[i];
    if (v) r.value = v;
    return r;
  }
}

/** The valuation a decision used, for its record; null when it valued nothing (every distance decision). */
export function decisionValue(d: Decision, requestValidUntil: number): DecisionValue | null {
  const rv = d.requestValue;
  const table = d.candidates;
  const columns = table?.value ?? null;
  if (!rv && !d.stealTest && !columns) return null;
  const victims: DecisionValue['victims'] = [];
  if (table && columns && d.victims.length) {
    for (const id of d.victims) {
      const i = rowOf(table.orders, id);
      if (i < 0) continue;
      victims.push({
        orderId: id,
        symbol: table.orders[i]!.symbol,
        fillProbability: nullIfNaN(columns.probability[i]!),
        expectedValue: nullIfNaN(columns.expectedValue[i]!),
        density: nullIfNaN(columns.density[i]!),
      });
    }
  }
  const st = d.stealTest;
  // Field by field, in the StealTest's own order (the record's JSON keeps it).
  const stealTest: DecisionValue['stealTest'] = st && {
    stealerValue: nullIfNaN(st.stealerValue),
    stealerCost: nullIfNaN(st.stealerCost),
    victimsValue: nullIfNaN(st.victimsValue),
    victimsNotional: nullIfNaN(st.victimsNotional),
    hysteresis: nullIfNaN(st.hysteresis),
    factor: nullIfNaN(st.factor),
    costPerNotional: nullIfNaN(st.costPerNotional),
    lhs: nullIfNaN(st.lhs),
    rhs: nullIfNaN(st.rhs),
    passed: st.passed,
  };
  return {
    ranking: d.ranking,
    request: rv && {
      fillProbability: nullIfNaN(rv.probability),
      nextBarFillProbability: nullIfNaN(rv.nextBarProbability),
      expectedReturn: nullIfNaN(rv.expectedReturn),
      volatility: nullIfNaN(rv.sigma),
      notional: rv.notional,
      expectedValue: nullIfNaN(rv.expectedValue),
      validUntil: requestValidUntil,
    },
    stealTest,
    victims,
  };
}

/** The row of the order with this id (a decision has a few victims among a few orders: a scan). */
function rowOf(orders: readonly OpenOrder[], id: string): number {
  for (let i = 0; i < orders.length; i++) if (orders[i]!.id === id) return i;
  return -1;
}

/**
 * The fill chances a run acted on, each order once (its first valuation): the requester of a decision
 * (symbol, side, limit and validity name it) and each resting order valued as a candidate. Scored against
 * the bars after the run (src/sim/calibration.ts).
 */
export class PredictionLog {
  readonly rows: ValuedPrediction[] = [];
  /** Requests already noted: per series, by validity, the sides and limits noted with it. */
  private readonly seenRequests: Map<number, { side: string; limit: number }[]>[] = [];
  /** Resting orders already noted, by id. */
  private readonly seenOrders = new Set<string>();

  note(
    d: Decision,
    series: (symbol: string) => number | undefined,
    requestValidUntil: number,
    orderValidUntil: (o: OpenOrder) => number,
  ): void {
    const rv = d.requestValue;
    if (rv && Number.isFinite(rv.probability) && Number.isFinite(requestValidUntil)) {
      const r = d.request;
      const k = series(r.symbol);
      if (k !== undefined && this.firstRequest(k, r.side, r.limitPrice, requestValidUntil))
        this.push(k, r.side, r.limitPrice, d.time, requestValidUntil, rv.probability, 'request');
    }
    const table = d.candidates;
    const p = table?.value?.probability;
    if (!table || !p) return;
    // Most orders were noted at an earlier decision: ask the set before anything else.
    for (let i = 0; i < table.orders.length; i++) {
      const o = table.orders[i]!;
      if (!Number.isFinite(p[i]!) || this.seenOrders.has(o.id)) continue;
      const until = orderValidUntil(o);
      if (!Number.isFinite(until)) continue;
      const k = series(o.symbol);
      if (k === undefined) continue;
      this.seenOrders.add(o.id);
      this.push(k, o.side, o.limitPrice, d.time, until, p[i]!, 'resting');
    }
  }

  /** Whether this request of series `k` is noted for the first time (and note it). */
  private firstRequest(k: number, side: string, limit: number, validUntil: number): boolean {
    // Keyed by numbers, not by a string built per decision: each decision asks this once.
    const byValidity = (this.seenRequests[k] ??= new Map());
    const noted = byValidity.get(validUntil);
    if (!noted) {
      byValidity.set(validUntil, [{ side, limit }]);
      return true;
    }
    for (const n of noted) if (n.side === side && n.limit === limit) return false;
    noted.push({ side, limit });
    return true;
  }

  private push(
    series: number,
    side: ValuedPrediction['side'],
    limit: number,
    time: number,
    validUntil: number,
    predicted: number,
    source: ValuedPrediction['source'],
  ): void {
    this.rows.push({ series, side, limit, time, validUntil, predicted, source });
  }
}
