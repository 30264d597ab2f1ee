import { stockSessionAt } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { decide, type DecideInput } from '../core/policy/decide.js';
import type { Decision } from '../core/policy/decision.js';
import { historyConfigFor, StealHistory } from '../core/policy/steal-history.js';
import { assertValidRequest } from '../core/policy/validate.js';
import type { AssetClass, EntryRequest, OpenOrder, StealEvent, TimeMs } from '../core/types.js';
import { callAsync, callSync, driveAsync, driveSync } from './broker-calls.js';
import type { Broker, BrokerState, CancelResult, OrderUpdate, SyncBroker } from './broker.js';
import { SagaClaims } from './claims.js';
import { assertFillFits, assertValidOrderUpdate } from './fill-checks.js';
import { CapacityLedger } from './ledger.js';
import { assertValidOptions, type Clock, type CoordinatorOptions, type SessionOracle } from './options.js';
import { OrderUpdates, type UpdateFate } from './order-updates.js';
import { settledOutcome } from './outcomes.js';
import { nullJournal, type Outcome } from './saga.js';
import { stealSaga, type SagaHost } from './steal-saga.js';

export type { Clock, CoordinatorOptions, SessionOracle } from './options.js';

/**
 * The single authority over capacity (README "Architecture"). Decides with the pure policy, then carries a
 * decision out against a broker as a saga. Decisions are serialized (each is synchronous, with what it
 * claims); a saga that waits for its broker holds its claim, not the coordinator, so other symbols' requests
 * are decided meanwhile and never pick its victims or spend the margin it freed (claims.ts). Requests for one
 * symbol wait for each other, and for a pending cancel of their symbol's order in another saga: a request
 * replaces its symbol's order, which an open saga may still be placing or cancelling.
 */
export class Coordinator {
  readonly ledger: CapacityLedger;
  readonly history: StealHistory;
  private config: WorkstealConfig;
  private readonly clock: Clock;
  private readonly calendar: SessionOracle;
  private readonly options: CoordinatorOptions;
  private readonly updates: OrderUpdates;
  /** What the steal saga (steal-saga.ts) reads and writes of this coordinator. */
  private readonly sagaHost: SagaHost;
  /** The sagas in flight over an asynchronous broker, with what they claim. */
  readonly claims: SagaClaims;
  /** The last request per symbol still in flight: the next one for that symbol waits for it. */
  private readonly bySymbol = new Map<string, Promise<unknown>>();
  private seq = 0;
  /** A saga failed without learning the venue's state: the next request reconciles before it decides. */
  private stale = false;
  /**
   * The policy's input, refilled for every decision: the simulator decides tens of thousands of times per
   * run, and a decision keeps nothing of the input object itself (only the request and the ledger's order
   * list as it was: a snapshot the ledger copies on its next change).
   */
  private input: DecideInput | null = null;

  constructor(options: CoordinatorOptions) {
    assertValidOptions(options);
    this.options = options;
    this.config = options.config;
    this.clock = options.clock;
    this.calendar = options.calendar;
    this.ledger = new CapacityLedger(options.account, options.closedOrderMemory);
    this.updates = new OrderUpdates(this.ledger);
    this.history = new StealHistory(historyConfigFor(options.config, options.barMs ?? 0));
    this.claims = new SagaClaims(this.history);
    const idPrefix = options.idPrefix ?? 'ws';
    this.sagaHost = {
      ledger: this.ledger,
      updates: this.updates,
      history: this.history,
      journal: options.journal ?? nullJournal,
      maxRedecide: options.maxRedecide ?? 3,
      onSteal: options.onSteal,
      now: () => this.clock.now(),
      // One saga (and one idempotent client order id) per request, numbered in this process.
      nextSagaId: () => `${idPrefix}-${++this.seq}`,
      decide: (request) => this.decideLogged(request),
      resetTo: (state) => this.resetTo(state),
    };
  }

  get effectiveConfig(): WorkstealConfig {
    return this.config;
  }

  /** Switch dry run on or off at run time (live control endpoint). */
  setDryRun(dryRun: boolean): void {
    this.config = Object.assign({}, this.config, { dryRun });
  }

  /** Pre-market or after-hours now; undefined unless extended hours are on and the calendar has sessions. */
  private extendedSessionOpen(now: TimeMs, sessionOpen: boolean): boolean | undefined {
    const calendar = this.calendar;
    if (!this.config.extendedHours || sessionOpen || !calendar.sessionFor) return undefined;
    return stockSessionAt(now, { sessionFor: calendar.sessionFor.bind(calendar) }) === 'extended';
  }

  /** The decision for a request now, without carrying it out or recording it. */
  decide(request: EntryRequest): Decision {
    assertValidRequest(request);
    if (this.claims.size > 0) return this.decideBesideSagas(request);
    const now = this.clock.now();
    const sessionOpen = this.calendar.isRegularSession(now);
    const extendedSessionOpen = this.extendedSessionOpen(now, sessionOpen);
    const { account, positions, orders } = this.ledger;
    const input = this.input;
    if (input === null) {
      this.input = {
        now,
        sessionOpen,
        extendedSessionOpen,
        account,
        positions,
        orders,
        columns: this.ledger.columns,
        history: this.history,
        request,
        valuator: this.options.valuator ?? null,
      };
      return decide(this.input, this.config);
    }
    input.now = now;
    input.sessionOpen = sessionOpen;
    input.extendedSessionOpen = extendedSessionOpen;
    input.account = account;
    input.positions = positions;
    input.orders = orders;
    input.request = request;
    return decide(input, this.config);
  }

  /**
   * The decision while sagas are in flight: their pending cancels are no candidates, their claims are held
   * (claims.ts). A fresh input: the simulator's reused one stays as it is.
   */
  private decideBesideSagas(request: EntryRequest): Decision {
    const now = this.clock.now();
    const sessionOpen = this.calendar.isRegularSession(now);
    const ledger = this.ledger;
    const account = ledger.account;
    const pending = this.claims.pendingIn(ledger);
    const ctx = { equity: account.equity, patternDayTrader: account.patternDayTrader, sessionOpen };
    const input: DecideInput = {
      now,
      sessionOpen,
      extendedSessionOpen: this.extendedSessionOpen(now, sessionOpen),
      account,
      positions: ledger.positions,
      orders: pending ? this.claims.view(ledger) : ledger.orders,
      columns: pending ? null : ledger.columns,
      history: this.history,
      request,
      valuator: this.options.valuator ?? null,
      claimedMargin: this.claims.claimedMargin(ledger, ctx, this.config.margin),
    };
    return decide(input, this.config);
  }

  /**
   * Margin the sagas in flight claim now beyond what the ledger holds (their stealers, less what their pending
   * cancels still hold): not free for anyone else. 0 when no saga waits for its broker.
   */
  claimedMargin(): number {
    if (this.claims.size === 0) return 0;
    const account = this.ledger.account;
    const sessionOpen = this.calendar.isRegularSession(this.clock.now());
    const ctx = { equity: account.equity, patternDayTrader: account.patternDayTrader, sessionOpen };
    return this.claims.claimedMargin(this.ledger, ctx, this.config.margin);
  }

  /**
   * Decide and carry out against an asynchronous broker. The decision is serialized with every other; the
   * broker's answers are awaited without holding other symbols' requests. One symbol's requests go in order.
   */
  submit(request: EntryRequest, broker: Broker): Promise<Outcome> {
    if (!this.options.startsEmpty && !this.ledger.reconciled) return Promise.reject(notReconciled(request));
    const symbol = request.symbol;
    // Decided in a later microtask, as always: the caller listens for what the saga asks before it asks.
    const before = this.bySymbol.get(symbol) ?? Promise.resolve();
    const run = before.then(() => this.drive(request, broker));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.bySymbol.set(symbol, tail);
    void tail.then(() => {
      if (this.bySymbol.get(symbol) === tail) this.bySymbol.delete(symbol);
    });
    return run;
  }

  /** Decide and carry out against a broker that answers at once (the simulator). */
  submitSync(request: EntryRequest, broker: SyncBroker): Outcome {
    if (this.stale) this.resetTo(callSync(broker, { kind: 'state' }) as BrokerState);
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    try {
      return driveSync(stealSaga(this.sagaHost, request, first, null), broker);
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }

  /** Bring the ledger to the broker's truth (after a restart, a fault, or periodically live). */
  async reconcile(broker: Broker): Promise<void> {
    this.resetTo((await callAsync(broker, { kind: 'state' })) as BrokerState);
  }

  /**
   * An order update from the venue (stream event or look-up), `filledQty` cumulative. Safe to call at any
   * time, also while a saga waits for the venue: a fill that arrives before its place answer is kept and
   * applied when the order is added; one for an order already closed is ignored. An unknown status, a fill
   * that is not a finite number ≥ 0 or is above the order's placed quantity, or a bad fill price is refused
   * (ValidationError naming the order, the field and the value; the ledger is unchanged).
   */
  applyOrderUpdate(update: OrderUpdate): UpdateFate {
    assertValidOrderUpdate(update, this.ledger);
    return this.updates.apply(update);
  }

  /** Record a steal that happened before this process started (restored from the store). */
  restoreSteal(event: StealEvent): void {
    this.history.record(event);
  }

  // --- Ledger writes for the drivers: the coordinator is the ledger's only writer -------------------------

  /** A cancel outside a steal (expired signal, exit re-arm, end of day) as the broker answered it. */
  applyCancel(orderId: string, result: CancelResult): void {
    if (result.status === 'rejected') return;
    const order = this.ledger.order(orderId);
    if (order && result.filledQty > 0)
      this.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
    if (result.status === 'cancelled') this.ledger.removeOrder(orderId);
  }

  /**
   * An order that needs no capacity decision (a take-profit) was placed: it holds no margin. What the venue
   * reported of it before this (a fill that raced the place answer, kept by applyOrderUpdate) applies now.
   */
  recordExitOrder(order: OpenOrder): void {
    this.ledger.addOrder(order);
    this.updates.settle(order.id);
  }

  /** An order is gone at the venue without a fill (a take-profit replaced by a market exit). */
  forgetOrder(orderId: string): void {
    this.ledger.removeOrder(orderId);
  }

  /**
   * A fill of one of our orders, as its cumulative filled quantity. Refused (ValidationError, the ledger
   * unchanged) for an order the ledger does not hold and did not close, and above the order's placed quantity.
   */
  applyFill(orderId: string, cumulativeQty: number, price: number): void {
    assertFillFits(this.ledger, orderId, cumulativeQty);
    this.ledger.applyFill(orderId, cumulativeQty, price);
  }

  /** A position moved by a trade that was never a resting order (a market exit). */
  adjustPosition(symbol: string, assetClass: AssetClass, deltaQty: number, price: number): void {
    this.ledger.adjustPosition(symbol, assetClass, deltaQty, price);
  }

  /** Equity marked to the latest prices. */
  setEquity(equity: number): void {
    this.ledger.setEquity(equity);
  }

  markQuote(symbol: string, bid: number, ask: number): void {
    this.ledger.markQuote(symbol, bid, ask);
  }

  /**
   * The broker leaves `freeMargin` free now (docs/live.md): capacity becomes at most what is held plus that,
   * until the next reconcile. Equity is untouched, so it still picks the margin tier and the order size.
   */
  capToBrokerFree(freeMargin: number): void {
    const sessionOpen = this.calendar.isRegularSession(this.clock.now());
    this.ledger.capToBrokerFree(freeMargin, sessionOpen, this.config.margin);
  }

  private async drive(request: EntryRequest, broker: Broker): Promise<Outcome> {
    // Its symbol's order is another saga's victim: wait for that cancel's answer (claims.cancellingOf).
    while (this.claims.cancellingOf(request.symbol, this.ledger)) await this.claims.changed();
    if (this.stale) await this.reconcile(broker);
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    try {
      return await driveAsync(stealSaga(this.sagaHost, request, first, this.claims), broker);
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }

  private resetTo(state: BrokerState): void {
    this.ledger.reset(state);
    this.updates.afterReset();
    this.stale = false;
  }

  /** Decide now and put the decision in the log. */
  private decideLogged(request: EntryRequest): Decision {
    const decision = this.decide(request);
    this.options.onDecision?.(decision);
    return decision;
  }
}

/**
 * A decision against a ledger that never took the broker's state would count margin the broker's orders and
 * positions hold as free, and place over it.
 */
function notReconciled(request: EntryRequest): Error {
  const symbol = typeof request?.symbol === 'string' ? request.symbol : 'a request';
  return new Error(
    `submit(${symbol}) refused: the coordinator has not taken the broker's state yet, so it does not know ` +
      `the orders, positions and equity the account already holds and would count their margin as free. ` +
      `Call \`await coordinator.reconcile(broker)\` once before the first submit (and after a restart), or ` +
      `pass \`startsEmpty: true\` to the Coordinator when the broker account holds nothing yet.`,
  );
}
