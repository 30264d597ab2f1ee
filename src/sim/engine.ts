import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { dailyInterest, overnightDebit } from '../core/margin/interest.js';
import { REASON_CODE, isStealAttempt, type Decision } from '../core/policy/decision.js';
import { planDeleverage } from '../core/policy/deleverage-plan.js';
import type { AssetClass, EntryRequest, Position } from '../core/types.js';
import { blankRequest, fillEntryRequest } from '../session/entry.js';
import { deleverageSteps, trimQty } from '../session/deleverage.js';
import { rankRequests } from '../session/ranking.js';
import { DEFAULT_SIZING } from '../session/sizing.js';
import { Coordinator } from '../coordinator/coordinator.js';
import type { BarSeries } from './data/index.js';
import { feeRates } from './costs.js';
import { canFillInBar, fillThrough, limitFillPrice, limitFillRole, tradesInBar } from './fill-rules.js';
import { Portfolio, type ExitReason, type TradeRecord } from './portfolio.js';
import { SimBroker } from './sim-broker.js';
import type { ExternalSignal } from './signals/csv-signals.js';
import type { ForecastCache } from './signals/forecast-cache.js';
import type { TimelineCache } from './timeline-cache.js';
import { forecastSignals, type SignalColumns } from './signals/forecaster.js';
import { DecisionLog, StealLog } from './records.js';
import { STEP_BAR, STEP_CLOSE, STEP_DELEVERAGE, buildTimeline } from './timeline.js';

export interface SimInput {
  series: readonly BarSeries[];
  config: WorkstealConfig;
  calendar: ExchangeCalendar;
  /** External signals; when absent, the built-in causal forecaster runs on each series. */
  signals?: readonly ExternalSignal[];
  /** Simulate bars closing after `from` and at or before `to` (earlier bars still warm the forecaster up). */
  from?: number;
  to?: number;
  /** Reuse forecaster signals across runs over the same bars (the optimizer); computed afresh without it. */
  forecasts?: ForecastCache;
  /** Reuse timelines across runs over the same series list and range (the optimizer). */
  timelines?: TimelineCache;
  /** Throw at the first step where a placement leaves margin over capacity, or a close leaves stocks over 2x. */
  assertInvariants?: boolean;
  /** Keep every `wait` decision too (large); by default waits are only counted. */
  keepWaits?: boolean;
  /**
   * Keep every decision and steal as a record (default). False keeps only what the metrics need (counters,
   * equity, trades): `decisions` and `steals` are then empty. The optimizer scores thousands of runs this way.
   */
  records?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface DecisionRow {
  time: number;
  symbol: string;
  action: string;
  victims: string[];
  reason: string;
  shortfall: number;
  fight: boolean;
  orderId: string | null;
}

export interface EquityRow {
  time: number;
  equity: number;
  marginUsed: number;
  marginCapacity: number;
}

export interface StealRecord {
  time: number;
  thief: string;
  thiefOrderId: string | null;
  victims: {
    orderId: string;
    symbol: string;
    side: 'buy' | 'sell';
    limitPrice: number;
    qty: number;
    takeProfit: number;
    validUntil: number;
  }[];
  fight: boolean;
}

export interface SimCounters {
  barSteps: number;
  steps: number;
  waits: number;
  places: number;
  steals: number;
  stealAttempts: number;
  blocks: Record<string, number>;
  fights: number;
  protectedSkips: number;
  deleverageCancels: number;
  deleverageTrims: number;
  expiredCancels: number;
  maxUtilization: number;
}

export interface SimOutput {
  equity: EquityRow[];
  trades: TradeRecord[];
  decisions: DecisionRow[];
  steals: StealRecord[];
  counters: SimCounters;
  initialEquity: number;
  finalEquity: number;
  feesPaid: number;
  interestPaid: number;
  tradedNotional: number;
  first: number | null;
  last: number | null;
  /** Per series, when each bar closed (for after-the-fact analysis such as steal regret). */
  closeTimes: Float64Array[];
}

interface ActiveSignal {
  side: 'buy' | 'sell';
  entry: number;
  takeProfit: number;
  /** Expected return as a fraction of notional (forecast PnL = edge × notional). */
  edge: number;
  expectedPnl: number | null;
  validUntil: number;
}

interface Watcher {
  index: number;
  symbol: string;
  assetClass: AssetClass;
  s: BarSeries;
  closeTimes: Float64Array;
  /** The bar length known at each bar's open (never the file's median: that would read the future). */
  barLengths: Float64Array;
  forecast: SignalColumns | null;
  external: readonly ExternalSignal[];
  externalNext: number;
  bar: number;
  lastBar: number;
  lastPrice: number;
  signal: ActiveSignal | null;
  restingOrderId: string | null;
  /** What the resting entry order is (the signal it was placed for, its size): a steal's regret needs it. */
  restingQty: number;
  restingSignal: ActiveSignal | null;
  /** This step's entry request, when the watcher has one. */
  request: EntryRequest | null;
  pendingExit: ExitReason | null;
  /** An end-of-day trim planned when this symbol had no bar at the close: made at its next tradable bar. */
  pendingTrim: number;
}

const DAY_MS = 86_400_000;

/**
 * The simulation loop (DESIGN §6). Each step: fills from the bars that just closed (orders placed at an
 * earlier step only; gap rule), marks, end-of-day events, then decisions at the close through the same
 * Coordinator that trades live. Nothing in a step reads a bar that closes after it.
 */
export function simulate(input: SimInput): SimOutput {
  const { config, calendar } = input;
  const sim = config.sim;
  const timelineOptions = {
    from: input.from,
    to: input.to,
    deleverageLeadMinutes: config.deleverageLeadMinutes,
  };
  const timeline = input.timelines
    ? input.timelines.get(input.series, calendar, timelineOptions)
    : buildTimeline(input.series, calendar, timelineOptions);
  const fees = feeRates(sim);
  const through = fillThrough(sim);
  const slip = sim.slippageBps / 10_000;
  const portfolio = new Portfolio(sim.initialEquity);
  const watchers: Watcher[] = input.series.map((s, k) => ({
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
    external: input.signals ? input.signals.filter((x) => x.symbol === s.symbol) : [],
    externalNext: 0,
    bar: timeline.firstBar[k]!,
    lastBar: -1,
    lastPrice: Number.NaN,
    signal: null,
    restingOrderId: null,
    restingQty: 0,
    restingSignal: null,
    request: null,
    pendingExit: null,
    pendingTrim: 0,
  }));
  const bySymbol = new Map(watchers.map((w) => [w.symbol, w]));
  const mark = (symbol: string): number => {
    const w = bySymbol.get(symbol);
    return w && Number.isFinite(w.lastPrice) ? w.lastPrice : 0;
  };
  let now = timeline.steps[0] ?? 0;
  const ledgerPositions = (): Position[] =>
    [...portfolio.positions.values()].map((p) => ({
      symbol: p.symbol,
      assetClass: p.assetClass,
      qty: p.side === 'buy' ? p.qty : -p.qty,
      price: mark(p.symbol) || p.entryPrice,
    }));
  const account = () => ({ equity: portfolio.equity(mark), patternDayTrader: config.patternDayTrader });
  const broker = new SimBroker({
    account,
    positions: ledgerPositions,
    price: (symbol) => (Number.isFinite(mark(symbol)) && mark(symbol) > 0 ? mark(symbol) : null),
  });

  const decisions = new DecisionLog(input.records ?? true);
  const steals = new StealLog(input.records ?? true);
  const counters: SimCounters = {
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
  /** The watcher whose entry order each resting order id is. */
  const entryOwner = new Map<string, Watcher>();

  const coordinator = new Coordinator({
    config,
    clock: { now: () => now },
    calendar,
    account: { equity: sim.initialEquity, patternDayTrader: config.patternDayTrader },
    idPrefix: 'sim',
    // Replayed bars have no late order events: no memory of closed orders is needed.
    closedOrderMemory: 0,
    onDecision: (d) => recordDecision(d),
  });
  const ledger = coordinator.ledger;

  function recordDecision(d: Decision): void {
    if (d.action === 'wait') counters.waits++;
    if (d.action === 'place') counters.places++;
    if (d.action === 'block') counters.blocks[d.reason] = (counters.blocks[d.reason] ?? 0) + 1;
    if (isStealAttempt(d)) counters.stealAttempts++;
    if (d.candidates) {
      const r = d.candidates.reason;
      for (let i = 0; i < r.length; i++)
        if (r[i] === REASON_CODE['protected-distance']) counters.protectedSkips++;
    }
    if (d.action === 'wait' && !input.keepWaits) return;
    decisions.push(d.time, d.request.symbol, d.action, d.victims, d.reason, d.shortfall, d.fight, null);
  }

  function cancelEntry(w: Watcher): void {
    if (w.restingOrderId === null) return;
    coordinator.applyCancel(w.restingOrderId, broker.cancel(w.restingOrderId));
    entryOwner.delete(w.restingOrderId);
    w.restingOrderId = null;
  }

  function exitPosition(w: Watcher, price: number, reason: ExitReason, qty?: number): void {
    const p = portfolio.positions.get(w.symbol);
    if (!p) return;
    const q = Math.min(p.qty, qty ?? p.qty);
    // Every exit but a take-profit is a market order: it takes the book.
    portfolio.close(w.symbol, price, now, reason, fees[w.assetClass].taker, q);
    coordinator.adjustPosition(w.symbol, w.assetClass, p.side === 'buy' ? -q : q, price);
    const rest = portfolio.positions.get(w.symbol);
    if (p.tpOrderId) {
      broker.remove(p.tpOrderId);
      coordinator.forgetOrder(p.tpOrderId);
      p.tpOrderId = null;
    }
    // A partial trim keeps the position: its take-profit is re-armed for the rest at the next decision.
    if (rest) rest.tpOrderId = null;
  }

  /** Fills of the bar that just closed for this symbol (DESIGN §6: later bars only, gap rule). */
  function processFills(w: Watcher, i: number): void {
    const s = w.s;
    const open = s.open[i]!;
    const high = s.high[i]!;
    const low = s.low[i]!;
    const barOpen = s.time[i]!;
    if (!tradesInBar(w.assetClass, barOpen, calendar, config.extendedHours)) return;
    const pos = portfolio.positions.get(w.symbol);
    if (!pos) w.pendingTrim = 0;
    if (pos && w.pendingExit) {
      const px = pos.side === 'buy' ? open * (1 - slip) : open * (1 + slip);
      exitPosition(w, px, w.pendingExit);
      w.pendingExit = null;
      w.pendingTrim = 0;
    } else if (pos && w.pendingTrim > 0) {
      const px = pos.side === 'buy' ? open * (1 - slip) : open * (1 + slip);
      exitPosition(w, px, 'deleverage', w.pendingTrim);
      w.pendingTrim = 0;
      counters.deleverageTrims++;
      decisions.push(now, w.symbol, 'deleverage-trim', [], 'overnight-margin', 0, false, null);
    } else if (pos) {
      const long = pos.side === 'buy';
      // A stop and a take-profit touched in one bar: the bar does not say which came first; assume the stop.
      if (
        pos.stopPrice !== null &&
        (long ? low <= pos.stopPrice : high >= pos.stopPrice) &&
        pos.entryTime <= barOpen
      ) {
        const px = long
          ? Math.min(pos.stopPrice, open) * (1 - slip)
          : Math.max(pos.stopPrice, open) * (1 + slip);
        exitPosition(w, px, 'stop');
      } else if (pos.tpOrderId) {
        const tp = broker.orders.get(pos.tpOrderId);
        const px =
          tp && canFillInBar(tp.placedAt, barOpen)
            ? limitFillPrice(tp.side, tp.limitPrice, open, high, low, through)
            : Number.NaN;
        if (tp && !Number.isNaN(px)) {
          coordinator.applyFill(tp.id, tp.qty, px);
          broker.remove(tp.id);
          pos.tpOrderId = null;
          const role = limitFillRole(tp.side, tp.limitPrice, open);
          portfolio.close(w.symbol, px, now, 'take-profit', fees[w.assetClass][role]);
        }
      }
    }
    if (w.restingOrderId !== null) {
      const o = broker.orders.get(w.restingOrderId);
      if (!o) {
        w.restingOrderId = null; // stolen or cancelled
        return;
      }
      if (!canFillInBar(o.placedAt, barOpen)) return;
      const buy = o.side === 'buy';
      const px = limitFillPrice(o.side, o.limitPrice, open, high, low, through);
      if (!Number.isNaN(px)) {
        coordinator.applyFill(o.id, o.qty, px);
        broker.remove(o.id);
        entryOwner.delete(o.id);
        w.restingOrderId = null;
        const sig = w.signal!;
        portfolio.open(
          {
            symbol: w.symbol,
            assetClass: w.assetClass,
            side: o.side,
            qty: o.qty,
            entryPrice: px,
            entryTime: now,
            entryOrderId: o.id,
            takeProfit: sig.takeProfit,
            stopPrice:
              sim.stopLossPct > 0 ? (buy ? px * (1 - sim.stopLossPct) : px * (1 + sim.stopLossPct)) : null,
            timeStopAt: sim.timeStopHours > 0 ? now + sim.timeStopHours * 3_600_000 : null,
            tpOrderId: null,
          },
          fees[w.assetClass][limitFillRole(o.side, o.limitPrice, open)],
        );
        w.signal = null; // a signal is used once
      }
    }
  }

  function refreshSignal(w: Watcher, i: number): void {
    if (w.signal && w.signal.validUntil > now) return;
    if (w.signal) {
      if (w.restingOrderId !== null) counters.expiredCancels++;
      cancelEntry(w);
      w.signal = null;
    }
    if (w.forecast) {
      const e = w.forecast.entry[i]!;
      if (Number.isFinite(e)) {
        w.signal = {
          side: 'buy',
          entry: e,
          takeProfit: w.forecast.takeProfit[i]!,
          edge: w.forecast.edge[i]!,
          expectedPnl: null,
          validUntil: now + sim.forecaster.validBars * knownBarLength(w, i),
        };
      }
      return;
    }
    let chosen: ExternalSignal | null = null;
    while (w.externalNext < w.external.length && w.external[w.externalNext]!.time <= now) {
      chosen = w.external[w.externalNext]!;
      w.externalNext++;
    }
    if (chosen && chosen.validUntil > now) {
      w.signal = {
        side: chosen.side,
        entry: chosen.entry,
        takeProfit: chosen.takeProfit,
        edge: Math.abs(chosen.takeProfit / chosen.entry - 1),
        expectedPnl: chosen.expectedPnl,
        validUntil: chosen.validUntil,
      };
    }
  }

  function manageExit(w: Watcher): void {
    const p = portfolio.positions.get(w.symbol);
    if (!p) return;
    if (p.timeStopAt !== null && now >= p.timeStopAt) {
      w.pendingExit = 'time-stop';
      return;
    }
    if (p.tpOrderId === null) {
      const exitSide = p.side === 'buy' ? 'sell' : 'buy';
      const o = broker.placeExit(w.symbol, w.assetClass, exitSide, 'take-profit', p.takeProfit, p.qty);
      coordinator.recordExitOrder({
        id: o.id,
        symbol: w.symbol,
        assetClass: w.assetClass,
        side: exitSide,
        role: 'take-profit',
        limitPrice: p.takeProfit,
        qty: p.qty,
        price: w.lastPrice,
        forecastPnl: 0,
        placedAt: now,
        probe: false,
        external: false,
      });
      p.tpOrderId = o.id;
    }
  }

  function deleveragePlan(phase: 'orders' | 'positions') {
    return planDeleverage({
      phase,
      equity: portfolio.equity(mark),
      bufferPct: config.bufferPct,
      table: config.margin,
      orders: ledger.orders,
      positions: [...portfolio.positions.values()].map((p) => ({
        symbol: p.symbol,
        assetClass: p.assetClass,
        qty: p.qty,
        price: mark(p.symbol) || p.entryPrice,
        unrealizedPnl:
          (p.side === 'buy' ? 1 : -1) * p.qty * ((mark(p.symbol) || p.entryPrice) - p.entryPrice),
      })),
    });
  }

  /** Whether this symbol has a tradable bar closing at this step (DESIGN §6: otherwise it does not trade). */
  function barClosesNow(w: Watcher): boolean {
    return (
      w.lastBar >= 0 &&
      w.closeTimes[w.lastBar] === now &&
      tradesInBar(w.assetClass, w.s.time[w.lastBar]!, calendar, config.extendedHours)
    );
  }

  /**
   * End of day (DESIGN §3): before the close cancel stock entries, at the close trim positions, until the
   * overnight requirement fits. A trim's own costs (fees, slippage) lower equity a little, so the plan is
   * made again until nothing is left to do.
   */
  function runDeleverage(phase: 'orders' | 'positions'): void {
    const steps = deleverageSteps();
    let step = steps.next();
    let waiting = false;
    while (!step.done) {
      const s = step.value;
      if (s.kind === 'plan') {
        step = steps.next(deleveragePlan(phase));
        continue;
      }
      if (s.kind === 'cancel') {
        const sym = ledger.order(s.orderId)?.symbol;
        const w = sym === undefined ? undefined : bySymbol.get(sym);
        if (w) cancelEntry(w);
        counters.deleverageCancels++;
        decisions.push(
          now,
          w?.symbol ?? '',
          'deleverage-cancel',
          [s.orderId],
          'overnight-margin',
          s.plan.check.excess,
          false,
          s.orderId,
        );
      } else {
        const w = bySymbol.get(s.symbol)!;
        const p = portfolio.positions.get(s.symbol)!;
        // No bar of this symbol at the close (or not a session bar): the trim waits for its next bar.
        if (!barClosesNow(w)) {
          if (w.pendingTrim === 0) w.pendingTrim = trimQty(w.assetClass, p.qty, s.qty);
          waiting = true;
          step = steps.next(false);
          continue;
        }
        const px = p.side === 'buy' ? s.price * (1 - slip) : s.price * (1 + slip);
        exitPosition(w, px, 'deleverage', trimQty(w.assetClass, p.qty, s.qty));
        counters.deleverageTrims++;
        decisions.push(
          now,
          s.symbol,
          'deleverage-trim',
          [],
          'overnight-margin',
          s.plan.check.excess,
          false,
          null,
        );
      }
      step = steps.next();
    }
    const plan = step.value.last;
    if (phase === 'positions' && input.assertInvariants && !waiting && plan.remainingExcess <= 1e-9) {
      const after = deleveragePlan('orders');
      if (after.check.excess > 1e-6 * Math.max(1, after.check.capacity)) {
        throw new Error(
          `invariant: overnight margin ${after.check.marginAtClose} over capacity ${after.check.capacity} after the close at ${new Date(now).toISOString()}`,
        );
      }
    }
  }

  const equityRows: EquityRow[] = [];
  let lastDay = Math.floor((timeline.steps[0] ?? 0) / DAY_MS);
  /** The last step's row: it becomes the day's row when the day ends (one object per day, not per step). */
  let pendingRow: EquityRow | null = null;
  const active: Watcher[] = [];
  /** Watchers with an entry request this step. */
  const requests: Watcher[] = [];
  const total = timeline.steps.length;

  for (let step = 0; step < total; step++) {
    now = timeline.steps[step]!;
    broker.now = now;
    const kind = timeline.kinds[step]!;
    const sessionOpen = calendar.isRegularSession(now);

    // Calendar days since the last step: the row of the previous day, and margin interest for each day held.
    const day = Math.floor(now / DAY_MS);
    if (day > lastDay) {
      if (pendingRow) equityRows.push({ ...pendingRow });
      const debit = overnightDebit(portfolio.longNotional(mark), portfolio.equity(mark));
      if (debit > 0)
        portfolio.chargeInterest(dailyInterest(debit, config.marginRatePerYear) * (day - lastDay));
      lastDay = day;
    }

    active.length = 0;
    if (kind & STEP_BAR) {
      for (const w of watchers) {
        if (w.bar < w.closeTimes.length && w.closeTimes[w.bar] === now) {
          active.push(w);
          counters.barSteps++;
        }
      }
      for (const w of active) processFills(w, w.bar);
      for (const w of active) {
        w.lastBar = w.bar;
        w.lastPrice = w.s.close[w.bar]!;
        w.bar++;
        coordinator.markQuote(w.symbol, w.lastPrice, w.lastPrice);
      }
    }
    let equity = portfolio.equity(mark);
    coordinator.setEquity(equity);
    if (kind & (STEP_DELEVERAGE | STEP_CLOSE)) {
      if (kind & STEP_DELEVERAGE) runDeleverage('orders');
      if (kind & STEP_CLOSE) runDeleverage('positions');
      equity = portfolio.equity(mark);
      coordinator.setEquity(equity);
    }

    if (active.length) {
      requests.length = 0;
      for (const w of active) {
        if (w.restingOrderId !== null && !broker.orders.has(w.restingOrderId)) w.restingOrderId = null;
        if (portfolio.positions.has(w.symbol)) {
          manageExit(w);
          continue;
        }
        refreshSignal(w, w.lastBar);
        if (!w.signal || w.restingOrderId !== null) continue;
        // One request object per watcher, refilled each step: nothing keeps a request past its step (the
        // ledger copies what it places, decision rows copy what they record).
        const req = (w.request ??= blankRequest(w.symbol, w.assetClass));
        if (!fillEntryRequest(req, w.signal, equity, sim.orderFraction, w.lastPrice, DEFAULT_SIZING))
          continue;
        requests.push(w);
      }
      if (requests.length) submitRequests(sessionOpen);
    }

    const used = ledger.usedMargin(sessionOpen, config.margin);
    const capacity = ledger.capacity(config.bufferPct);
    if (capacity > 0) counters.maxUtilization = Math.max(counters.maxUtilization, used / capacity);
    // Submissions change margin, never equity (fills happen at the next bar), so `equity` still holds.
    if (pendingRow === null) pendingRow = { time: now, equity, marginUsed: used, marginCapacity: capacity };
    else {
      pendingRow.time = now;
      pendingRow.equity = equity;
      pendingRow.marginUsed = used;
      pendingRow.marginCapacity = capacity;
    }
    if (input.onProgress && (step & 4095) === 0) input.onProgress(step, total);
  }

  // What is still open at the end is closed at the last price, so every position appears as a trade.
  for (const w of watchers) {
    cancelEntry(w);
    if (portfolio.positions.has(w.symbol)) exitPosition(w, w.lastPrice, 'end-of-data');
  }
  if (pendingRow) {
    // The row after the end-of-data exits: equity, margin and capacity all of the same moment.
    const equity = portfolio.equity(mark);
    coordinator.setEquity(equity);
    pendingRow.equity = equity;
    pendingRow.marginUsed = ledger.usedMargin(calendar.isRegularSession(now), config.margin);
    pendingRow.marginCapacity = ledger.capacity(config.bufferPct);
    equityRows.push(pendingRow);
  }
  input.onProgress?.(total, total);

  // Records become objects only when someone reads them (the optimizer never does).
  let decisionRows: DecisionRow[] | null = null;
  let stealRows: StealRecord[] | null = null;
  return {
    equity: equityRows,
    trades: portfolio.trades,
    get decisions() {
      return (decisionRows ??= decisions.toArray());
    },
    get steals() {
      return (stealRows ??= steals.toArray());
    },
    counters,
    initialEquity: sim.initialEquity,
    finalEquity: portfolio.equity(mark),
    feesPaid: portfolio.feesPaid,
    interestPaid: portfolio.interestPaid,
    tradedNotional: portfolio.tradedNotional,
    first: timeline.steps.length ? timeline.steps[0]! : null,
    last: timeline.steps.length ? timeline.steps[timeline.steps.length - 1]! : null,
    closeTimes: timeline.closeTimes,
  };

  /**
   * Entry requests of this step, most valuable first, each through the coordinator: the core alone says
   * whether a request is within its tolerance tier (a wait) or needs capacity.
   */
  function submitRequests(sessionOpen: boolean): void {
    rankRequests(requests);
    for (const w of requests) {
      const req = w.request!;
      const outcome = coordinator.submitSync(req, broker);
      if (outcome.orderId === null) continue;
      w.restingOrderId = outcome.orderId;
      w.restingQty = req.qty;
      w.restingSignal = w.signal;
      if (decisions.length) decisions.setOrderId(decisions.length - 1, outcome.orderId);
      entryOwner.set(outcome.orderId, w);
      if (outcome.status === 'stole') {
        counters.steals++;
        if (outcome.decision.fight) counters.fights++;
        for (const id of outcome.cancelled) {
          const victim = entryOwner.get(id);
          if (!victim) continue;
          // The steal record keeps what regret needs of the victim's order.
          const sig = victim.restingSignal!;
          steals.pushVictim(
            id,
            victim.symbol,
            sig.side,
            sig.entry,
            victim.restingQty,
            sig.takeProfit,
            sig.validUntil,
          );
          if (victim.restingOrderId === id) victim.restingOrderId = null;
          entryOwner.delete(id);
        }
        steals.push(now, w.symbol, outcome.orderId, outcome.decision.fight);
      }
      if (input.assertInvariants) {
        const used = ledger.usedMargin(sessionOpen, config.margin);
        const cap = ledger.capacity(config.bufferPct);
        if (used > cap * (1 + 1e-9) + 1e-6) {
          throw new Error(
            `invariant: margin used ${used} over capacity ${cap} after ${outcome.status} of ${req.symbol} at ${new Date(now).toISOString()}`,
          );
        }
      }
    }
  }
}

/** The bar length at bar i's close: as known at its open, or the bar's own length before any spacing. */
function knownBarLength(w: Watcher, i: number): number {
  const length = w.barLengths[i]!;
  return Number.isNaN(length) ? w.closeTimes[i]! - w.s.time[i]! : length;
}
