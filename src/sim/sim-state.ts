import type { SimConfig, WorkstealConfig } from '../core/config/schema.js';
import { REASON_CODE, isStealAttempt, type Decision } from '../core/policy/decision.js';
import type { OpenOrder, Position } from '../core/types.js';
import { Coordinator } from '../coordinator/coordinator.js';
import type { CapacityLedger } from '../coordinator/ledger.js';
import { feeRates, slippageRate } from './costs.js';
import { fillThrough, tradesInBar } from './fill-rules.js';
import {
  limitHours,
  limitWorksInBar,
  type ExchangeCalendar,
  type LimitHours,
} from '../core/calendar/index.js';
import { Portfolio, type ExitReason } from './portfolio.js';
import { StealLog } from './records.js';
import { SimBroker } from './sim-broker.js';
import type { SimCounters, SimInput, Watcher } from './sim-types.js';
import { decisionValue, PredictionLog, simValuation, ValuedDecisionLog } from './sim-values.js';
import type { SessionValuation } from '../session/valuation.js';
import { forecastSignals } from './signals/forecaster.js';
import { buildTimeline, type Timeline } from './timeline.js';
import type { FillTape } from '../core/fill/index.js';

/**
 * Everything one simulation run holds: the bars' timeline, the portfolio (the venue's truth), the watchers,
 * the simulated broker and the coordinator that decides as it does live, the records and counters. The step
 * functions (sim-steps.ts, sim-eod.ts) act on it; `simulate` (engine.ts) drives the steps.
 */
export class SimState {
  readonly input: SimInput;
  readonly config: WorkstealConfig;
  readonly calendar: ExchangeCalendar;
  readonly sim: SimConfig;
  readonly timeline: Timeline;
  readonly fees: ReturnType<typeof feeRates>;
  readonly through: ReturnType<typeof fillThrough>;
  readonly slip: number;
  readonly portfolio: Portfolio;
  readonly watchers: Watcher[];
  readonly bySymbol: Map<string, Watcher>;
  /** Whether any symbol is a stock (the end-of-day entry rule asks the calendar only then). */
  readonly hasStocks: boolean;
  readonly broker: SimBroker;
  readonly decisions: ValuedDecisionLog;
  readonly steals: StealLog;
  readonly counters: SimCounters;
  /** The watcher whose entry order each resting order id is. */
  readonly entryOwner = new Map<string, Watcher>();
  readonly coordinator: Coordinator;
  readonly ledger: CapacityLedger;
  /** The fill model and realised returns of value-aware stealing (inactive under `victimRanking: distance`). */
  readonly valuation: SessionValuation;
  /** The fill-model tape this run records or replays (with SimInput.fillTapes). */
  readonly fillTape: FillTape | undefined;
  /** The fill chances the decisions acted on (value rankings only), for the calibration report. */
  readonly predictions = new PredictionLog();
  /** Closed trades already taught to the valuation's returns. */
  tradesValued = 0;
  /** The step being simulated (the coordinator's clock). */
  now: number;
  /** The calendar's session at a time, bound once (the end-of-day entry rule asks at every step). */
  readonly sessionAt = (t: number) => this.calendar.sessionAt(t);
  /** Marks positions at the last close known; bound once (the portfolio calls it at every step). */
  readonly mark = (symbol: string): number => {
    const w = this.bySymbol.get(symbol);
    return w && Number.isFinite(w.lastPrice) ? w.lastPrice : 0;
  };

  constructor(input: SimInput) {
    this.input = input;
    const config = (this.config = input.config);
    const calendar = (this.calendar = input.calendar);
    const sim = (this.sim = config.sim);
    const timelineOptions = {
      from: input.from,
      to: input.to,
      deleverageLeadMinutes: config.deleverageLeadMinutes,
    };
    const timeline = (this.timeline = input.timelines
      ? input.timelines.get(input.series, calendar, timelineOptions)
      : buildTimeline(input.series, calendar, timelineOptions));
    this.fees = feeRates(sim);
    this.through = fillThrough(sim);
    this.slip = slippageRate(sim);
    const portfolio = (this.portfolio = new Portfolio(sim.initialEquity));
    const watchers: Watcher[] = (this.watchers = input.series.map((s, k) => ({
      index: k,
      symbol: s.symbol,
      assetClass: s.assetClass,
      s,
      closeTimes: timeline.closeTimes[k]!,
      barLengths: timeline.barLengths[k]!,
      forecast: input.signals
        ? null
        : input.forecasts
          ? input.forecasts.get(s, sim.forecaster, timeline.firstBar[k]!, timeline.lastBar[k]!)
          : forecastSignals(
              s.high,
              s.low,
              s.close,
              sim.forecaster,
              timeline.firstBar[k]!,
              timeline.lastBar[k]!,
            ),
      // Oldest first (a stable sort: signals of one time keep the order given), as the signal rule reads
      // them: a list given newest first would otherwise hide its older signals behind the first one's time.
      external: input.signals
        ? input.signals.filter((x) => x.symbol === s.symbol).sort((a, b) => a.time - b.time)
        : [],
      externalNext: 0,
      bar: timeline.firstBar[k]!,
      lastBar: -1,
      lastPrice: Number.NaN,
      signal: null,
      restingOrderId: null,
      restingQty: 0,
      restingSignal: null,
      restingPlacedAt: Number.NaN,
      request: null,
      limitSignal: null,
      signalLimit: Number.NaN,
      pendingExit: null,
      pendingTrim: 0,
    })));
    this.bySymbol = new Map(watchers.map((w) => [w.symbol, w]));
    this.hasStocks = watchers.some((w) => w.assetClass === 'stock');
    const mark = this.mark;
    this.now = timeline.steps[0] ?? 0;
    const ledgerPositions = (): Position[] =>
      [...portfolio.positions.values()].map((p) => ({
        symbol: p.symbol,
        assetClass: p.assetClass,
        qty: p.side === 'buy' ? p.qty : -p.qty,
        price: mark(p.symbol) || p.entryPrice,
      }));
    const account = () => ({ equity: portfolio.equity(mark), patternDayTrader: config.patternDayTrader });
    this.broker = new SimBroker({
      account,
      positions: ledgerPositions,
      price: (symbol) => (Number.isFinite(mark(symbol)) && mark(symbol) > 0 ? mark(symbol) : null),
      hours: (assetClass, placedAt) => limitHours(assetClass, placedAt, calendar, config.extendedHours),
    });

    this.decisions = new ValuedDecisionLog(input.records ?? true);
    this.steals = new StealLog(input.records ?? true);
    this.counters = {
      barSteps: 0,
      steps: timeline.steps.length,
      waits: 0,
      places: 0,
      steals: 0,
      stealAttempts: 0,
      blocks: {},
      fights: 0,
      protectedSkips: 0,
      deleverageCancels: 0,
      deleverageTrims: 0,
      expiredCancels: 0,
      maxUtilization: 0,
    };

    this.fillTape = input.fillTapes?.take(timeline);
    this.valuation = simValuation({
      ranking: config.victimRanking,
      calendar,
      watchers,
      timeline,
      orderValidUntil: (o) => this.orderValidUntil(o),
      requestValidUntil: (symbol) => this.requestValidUntil(symbol),
      ...(this.fillTape ? { fillTape: this.fillTape } : {}),
    });
    this.coordinator = new Coordinator({
      config,
      clock: { now: () => this.now },
      calendar,
      account: { equity: sim.initialEquity, patternDayTrader: config.patternDayTrader },
      idPrefix: 'sim',
      // Replayed bars have no late order events: no memory of closed orders is needed.
      closedOrderMemory: 0,
      onDecision: (d) => this.recordDecision(d),
      ...this.valuation.coordinatorOptions(),
    });
    this.ledger = this.coordinator.ledger;
  }

  recordDecision(d: Decision): void {
    if (d.action === 'wait') this.counters.waits++;
    if (d.action === 'place') this.counters.places++;
    if (d.action === 'block') this.counters.blocks[d.reason] = (this.counters.blocks[d.reason] ?? 0) + 1;
    if (isStealAttempt(d)) this.counters.stealAttempts++;
    if (d.candidates) {
      const r = d.candidates.reason;
      for (let i = 0; i < r.length; i++)
        if (r[i] === REASON_CODE['protected-distance']) this.counters.protectedSkips++;
    }
    if (d.action === 'wait' && !this.input.keepWaits) return;
    const r = d.request;
    const until = this.requestValidUntil(r.symbol);
    this.decisions.push(
      d.time,
      r.symbol,
      d.action,
      d.victims,
      d.reason,
      d.shortfall,
      d.fight,
      null,
      r.limitPrice,
      r.qty,
      until,
    );
    if (this.valuation.active && this.decisions.keep) this.recordValue(d, until);
  }

  /** What a value-ranked decision valued: on its row, and each first valuation for the calibration report. */
  private recordValue(d: Decision, until: number): void {
    const value = decisionValue(d, until);
    if (!value) return;
    this.decisions.setLastValue(value);
    this.predictions.note(
      d,
      (symbol) => this.bySymbol.get(symbol)?.index,
      until,
      (o) => this.orderValidUntil(o),
    );
  }

  /** A resting entry is valid as long as the signal it was placed for (NaN: not an entry of ours). */
  orderValidUntil(o: OpenOrder): number {
    return this.entryOwner.get(o.id)?.restingSignal?.validUntil ?? Number.NaN;
  }

  /** An entry requested now would be valid as long as the symbol's current signal. */
  requestValidUntil(symbol: string): number {
    return this.bySymbol.get(symbol)?.signal?.validUntil ?? Number.NaN;
  }

  cancelEntry(w: Watcher): void {
    if (w.restingOrderId === null) return;
    this.coordinator.applyCancel(w.restingOrderId, this.broker.cancel(w.restingOrderId));
    this.entryOwner.delete(w.restingOrderId);
    w.restingOrderId = null;
  }

  /** Whether a limit of these hours works in bar i of the watcher's symbol (core/calendar/order-hours.ts limitWorksInBar). */
  limitWorks(hours: LimitHours, w: Watcher, i: number): boolean {
    return limitWorksInBar(hours, w.s.time[i]!, this.calendar);
  }

  /**
   * The venue let an order lapse (a stock DAY limit at the end of its day's after-hours session, limitHours):
   * it leaves the book and frees its margin as a cancel does. A lapsed entry's watcher may ask again for its
   * signal at its next price; a lapsed take-profit is armed again then (manageExit), as live does after the
   * venue's expiry (the reconcile drops it from the ledger, the exit watcher arms a new one).
   */
  lapseOrders(): void {
    for (const w of this.watchers) {
      const entry = w.restingOrderId === null ? undefined : this.broker.orders.get(w.restingOrderId);
      if (entry && entry.hours.lapsesAt <= this.now) {
        this.broker.remove(entry.id);
        this.coordinator.forgetOrder(entry.id);
        this.entryOwner.delete(entry.id);
        w.restingOrderId = null;
      }
      const p = this.portfolio.positions.get(w.symbol);
      const tp = p?.tpOrderId ? this.broker.orders.get(p.tpOrderId) : undefined;
      if (p && tp && tp.hours.lapsesAt <= this.now) {
        this.broker.remove(tp.id);
        this.coordinator.forgetOrder(tp.id);
        p.tpOrderId = null;
      }
    }
  }

  exitPosition(w: Watcher, price: number, reason: ExitReason, qty?: number): void {
    const p = this.portfolio.positions.get(w.symbol);
    if (!p) return;
    const q = Math.min(p.qty, qty ?? p.qty);
    // Every exit but a take-profit is a market order: it takes the book.
    this.portfolio.close(w.symbol, price, this.now, reason, this.fees[w.assetClass].taker, q);
    // What is left stays marked to the last close: the exit price carries slippage, and a mark at it would
    // understate the margin the rest holds until the symbol's next bar (overnight, after an end-of-day trim).
    this.coordinator.adjustPosition(
      w.symbol,
      w.assetClass,
      p.side === 'buy' ? -q : q,
      this.mark(w.symbol) || price,
    );
    const rest = this.portfolio.positions.get(w.symbol);
    if (p.tpOrderId) {
      this.broker.remove(p.tpOrderId);
      this.coordinator.forgetOrder(p.tpOrderId);
      p.tpOrderId = null;
    }
    // A partial trim keeps the position: its take-profit is re-armed for the rest at the next decision.
    if (rest) rest.tpOrderId = null;
  }

  /** Whether this symbol has a tradable bar closing at this step (without one it does not trade then). */
  barClosesNow(w: Watcher): boolean {
    return (
      w.lastBar >= 0 &&
      w.closeTimes[w.lastBar] === this.now &&
      tradesInBar(w.assetClass, w.s.time[w.lastBar]!, this.calendar, this.config.extendedHours)
    );
  }
}
