import type { AssetClass } from '../core/types.js';
import { dailyInterest, overnightDebit, tradingDayOf } from '../core/margin/interest.js';
import { stockEntriesClosed } from '../session/asking.js';
import { blankRequest, entryLimit, fillEntryRequest } from '../session/entry.js';
import { closingSide } from '../session/exits.js';
import { DEFAULT_SIZING } from '../session/sizing.js';
import { entryFeeRate } from './costs.js';
import { annualisationDays } from './metrics.js';
import { endOfDataExitPrice, tradesInBar } from './fill-rules.js';
import { limitHours, limitWorksInBar } from '../core/calendar/index.js';
import { submitRequests } from './sim-entries.js';
import { runDeleverage } from './sim-eod.js';
import { validateSeries } from './sim-input.js';
import { SimState } from './sim-state.js';
import { applySignalSkill } from './signals/skill.js';
import { expireEntries, manageExit, processFills, refreshSignal } from './sim-steps.js';
import { feedValuation } from './sim-values.js';
import { assertBooksAgree } from './sim-invariants.js';
import type { DecisionRow, EquityRow, SimInput, SimOutput, StealRecord, Watcher } from './sim-types.js';
import { STEP_BAR, STEP_CLOSE, STEP_DELEVERAGE } from './timeline.js';

export type {
  DecisionRow,
  EquityRow,
  LimitFill,
  SimCounters,
  SimInput,
  SimOutput,
  StealRecord,
} from './sim-types.js';

/**
 * The simulation loop (README "The model: assumptions and limits"), a driver of the trading session over a
 * simulated broker. Each step: fills from the bars that just closed (orders placed at an earlier step only;
 * gap rule), marks, end-of-day events, then decisions at the close through the same Coordinator that trades
 * live. Nothing in a step reads a bar that closes after it.
 */
export function simulate(input: SimInput): SimOutput {
  validateSeries(input.series);
  const st = new SimState(input);
  applySignalSkill(st); // research only (look-ahead signals): nothing happens unless sim.research.signalSkill > 0
  const equityRows: EquityRow[] = [];
  const classes = classesInRange(st);
  const dayOf = tradingDayOf(classes);
  let lastDay = dayOf(st.timeline.steps[0] ?? 0);
  /** The last step's row: it becomes the day's row when the day ends (one object per day, not per step). */
  let pendingRow: EquityRow | null = null;
  const total = st.timeline.steps.length;

  for (let step = 0; step < total; step++) {
    st.now = st.timeline.steps[step]!;
    st.broker.now = st.now;
    const kind = st.timeline.kinds[step]!;
    const sessionOpen = st.calendar.isRegularSession(st.now);

    // Calendar days since the last step: the row of the previous day, and margin interest for each day held.
    const day = dayOf(st.now);
    if (day > lastDay) {
      if (pendingRow) equityRows.push({ ...pendingRow });
      const debit = overnightDebit(st.portfolio.netNotional(st.mark), st.portfolio.equity(st.mark));
      if (debit > 0)
        st.portfolio.chargeInterest(dailyInterest(debit, st.config.marginRatePerYear) * (day - lastDay));
      lastDay = day;
    }

    // The symbols whose bar closed at this step. A new array each step: emptying one (`length = 0`) is a
    // runtime call that costs more than the allocation.
    const active: Watcher[] = [];
    if (kind & STEP_BAR) {
      for (const w of st.watchers) {
        if (w.bar < w.closeTimes.length && w.closeTimes[w.bar] === st.now) {
          active.push(w);
          st.counters.barSteps++;
        }
      }
      for (const w of active) processFills(st, w, w.bar);
      for (const w of active) {
        w.lastBar = w.bar;
        w.lastPrice = w.s.close[w.bar]!;
        w.bar++;
        st.coordinator.markQuote(w.symbol, w.lastPrice, w.lastPrice);
      }
      // The valuation (fill-probability) model learns each closed bar before any decision of this step; live
      // does the same where its signals refresh from the bars (pollOnce).
      feedValuation(st, active);
    }
    // Orders the venue let lapse (a stock DAY limit with extended hours, at its day's after-hours end).
    if (st.config.extendedHours) st.lapseOrders();
    expireEntries(st);
    let equity = st.portfolio.equity(st.mark);
    st.coordinator.setEquity(equity);
    if (kind & (STEP_DELEVERAGE | STEP_CLOSE)) {
      if (kind & STEP_DELEVERAGE) runDeleverage(st, 'orders');
      if (kind & STEP_CLOSE) runDeleverage(st, 'positions');
      equity = st.portfolio.equity(st.mark);
      st.coordinator.setEquity(equity);
    }

    // The session's asking rule (src/session/asking.ts): a symbol is asked when its price is newer than its
    // last look. Prices change only at bar closes, and every close is a step: the symbols of `active`.
    if (active.length) askWatchers(st, active, sessionOpen, equity);

    const used = st.ledger.usedMargin(sessionOpen, st.config.margin);
    const capacity = st.ledger.capacity(st.config.bufferPct);
    if (capacity > 0) st.counters.maxUtilization = Math.max(st.counters.maxUtilization, used / capacity);
    // Submissions change margin, never equity (fills happen at the next bar), so `equity` still holds.
    if (pendingRow === null)
      pendingRow = { time: st.now, equity, marginUsed: used, marginCapacity: capacity };
    else {
      pendingRow.time = st.now;
      pendingRow.equity = equity;
      pendingRow.marginUsed = used;
      pendingRow.marginCapacity = capacity;
    }
    if (st.input.assertInvariants) assertBooksAgree(st);
    if (st.input.onProgress && (step & 4095) === 0) st.input.onProgress(step, total);
  }

  closeAtEndOfData(st, equityRows, pendingRow);
  st.input.onProgress?.(total, total);
  // The model was fed every bar of the timeline: later runs over it replay what this one recorded.
  if (st.fillTape && st.valuation.active) st.input.fillTapes!.keep(st.timeline, st.fillTape);

  // Records become objects only when someone reads them (the optimizer never does).
  let decisionRows: DecisionRow[] | null = null;
  let stealRows: StealRecord[] | null = null;
  return {
    equity: equityRows,
    trades: st.portfolio.trades,
    get decisions() {
      return (decisionRows ??= st.decisions.toArray());
    },
    get steals() {
      return (stealRows ??= st.steals.toArray());
    },
    counters: st.counters,
    initialEquity: st.sim.initialEquity,
    finalEquity: st.portfolio.equity(st.mark),
    feesPaid: st.portfolio.feesPaid,
    interestPaid: st.portfolio.interestPaid,
    tradedNotional: st.portfolio.tradedNotional,
    first: st.timeline.steps.length ? st.timeline.steps[0]! : null,
    last: st.timeline.steps.length ? st.timeline.steps[st.timeline.steps.length - 1]! : null,
    closeTimes: st.timeline.closeTimes,
    steps: st.timeline.steps,
    tradesInBar: (k, i) => {
      const s = st.input.series[k]!;
      return tradesInBar(s.assetClass, s.time[i]!, st.calendar, st.config.extendedHours);
    },
    limits: (k) => {
      const s = st.input.series[k]!;
      return {
        hours: (placedAt) => limitHours(s.assetClass, placedAt, st.calendar, st.config.extendedHours),
        works: (hours, i) => limitWorksInBar(hours, s.time[i]!, st.calendar),
      };
    },
    predictions: st.predictions.rows,
    annualisationDays: annualisationDays(classes),
  };
}

/**
 * The entry requests of the watchers whose bar closed at this step (`active`), submitted together: a watcher
 * with a position manages its exit instead, and one without a signal, with a resting order, or a stock after
 * entries close for the day asks for nothing.
 */
function askWatchers(st: SimState, active: readonly Watcher[], sessionOpen: boolean, equity: number): void {
  /** Watchers with an entry request this step. */
  const requests: Watcher[] = [];
  const stocksClosed =
    st.hasStocks && stockEntriesClosed('stock', st.now, st.sessionAt, st.config.deleverageLeadMinutes);
  for (const w of active) {
    if (w.restingOrderId !== null && !st.broker.orders.has(w.restingOrderId)) w.restingOrderId = null;
    if (st.portfolio.positions.has(w.symbol)) {
      manageExit(st, w);
      continue;
    }
    refreshSignal(st, w, w.lastBar);
    if (!w.signal || w.restingOrderId !== null) continue;
    if (stocksClosed && w.assetClass === 'stock') continue;
    // One request object per watcher, refilled each step: nothing keeps a request past its step (the
    // ledger copies what it places, decision rows copy what they record).
    const req = (w.request ??= blankRequest(w.symbol, w.assetClass));
    if (w.limitSignal !== w.signal) {
      w.limitSignal = w.signal;
      w.signalLimit = entryLimit(w.assetClass, w.signal);
    }
    const feeRate = entryFeeRate(st.fees, w.assetClass);
    const fraction = st.sim.orderFraction;
    const price = w.lastPrice;
    const limit = w.signalLimit;
    const margin = st.config.margin;
    if (!fillEntryRequest(req, w.signal, equity, margin, fraction, price, DEFAULT_SIZING, feeRate, limit))
      continue;
    requests.push(w);
  }
  if (requests.length) submitRequests(st, requests, sessionOpen, equity);
}

/**
 * What is still open at the end is closed at the last price (a market exit: slippage and the taker fee), so
 * every position appears as a trade; then the last row, after those exits: equity, margin and capacity all of
 * the same moment.
 */
function closeAtEndOfData(st: SimState, equityRows: EquityRow[], lastRow: EquityRow | null): void {
  for (const w of st.watchers) {
    st.cancelEntry(w);
    const p = st.portfolio.positions.get(w.symbol);
    if (p) st.exitPosition(w, endOfDataExitPrice(closingSide(p.side), w.lastPrice, st.slip), 'end-of-data');
  }
  if (lastRow) {
    const equity = st.portfolio.equity(st.mark);
    st.coordinator.setEquity(equity);
    lastRow.equity = equity;
    lastRow.marginUsed = st.ledger.usedMargin(st.calendar.isRegularSession(st.now), st.config.margin);
    lastRow.marginCapacity = st.ledger.capacity(st.config.bufferPct);
    equityRows.push(lastRow);
  }
}

/**
 * The asset classes of the symbols with a bar inside the run's range, which set its days (tradingDayOf) and
 * its year (annualisationDays). A crypto file that ends before the range trades nothing in it: counted, it
 * made a run of stocks alone keep UTC days (a row for each Friday after-hours bar that closes at 00:00Z
 * Saturday) and √365.
 */
function classesInRange(st: SimState): AssetClass[] {
  const { firstBar, lastBar } = st.timeline;
  return st.input.series.filter((_, k) => lastBar[k]! > firstBar[k]!).map((s) => s.assetClass);
}
