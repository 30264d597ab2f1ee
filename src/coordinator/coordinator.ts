import { stockSessionAt, type Session } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { decide, type DecideInput } from '../core/policy/decide.js';
import type { Decision } from '../core/policy/decision.js';
import { historyConfigFor, StealHistory } from '../core/policy/steal-history.js';
import type { Valuator } from '../core/policy/valuation.js';
import { assertValidRequest } from '../core/policy/validate.js';
import type { Account, AssetClass, EntryRequest, OpenOrder, StealEvent, TimeMs } from '../core/types.js';
import { callAsync, callSync, cancelOnce, driveAsync, driveSync, placeOnce } from './broker-calls.js';
import type { Broker, BrokerState, CancelResult, OrderUpdate, SyncBroker } from './broker.js';
import { CapacityLedger } from './ledger.js';
import { OrderUpdates, type UpdateFate } from './order-updates.js';
import { outcome, settledOutcome, type SagaRun, type SagaStep } from './outcomes.js';
import {
  nullJournal,
  type BrokerCall,
  type BrokerReply,
  type Outcome,
  type SagaJournal,
  type SagaState,
} from './saga.js';

/** Time comes in through this port; core and coordinator never read a clock themselves. */
export interface Clock {
  now(): TimeMs;
}

/** Only what the coordinator needs of the calendar (sessions by day: extended hours). */
export interface SessionOracle {
  isRegularSession(t: TimeMs): boolean;
  sessionFor?(day: string): Session | null;
}

export interface CoordinatorOptions {
  config: WorkstealConfig;
  clock: Clock;
  calendar: SessionOracle;
  account: Account;
  journal?: SagaJournal;
  /** Called with every decision, in order (the decision log). */
  onDecision?: (decision: Decision) => void;
  /** Called after each steal is recorded in the history (persistence of cooldowns and fights). */
  onSteal?: (event: StealEvent) => void;
  /** Prefix of client order ids; make it unique per process start so ids never collide across restarts. */
  idPrefix?: string;
  /** How often a request is decided again when victims keep filling during their cancel. */
  maxRedecide?: number;
  /** How many closed order ids the ledger remembers to recognise late events (default 10,000). */
  closedOrderMemory?: number;
  /** Fill probabilities and values for the value rankings (`victimRanking` other than `distance`). */
  valuator?: Valuator;
  /** The bar length the session trades on: converts `cooldownBars` and the other `*Bars` keys. */
  barMs?: number;
}

/**
 * The single authority over capacity (DESIGN §5). Decides with the pure policy, then carries a decision out
 * against a broker as a saga. Requests are serialized: while one is in flight, the next waits, so two
 * watchers never pick the same victim or spend the same freed margin.
 */
export class Coordinator {
  readonly ledger: CapacityLedger;
  readonly history: StealHistory;
  private config: WorkstealConfig;
  private readonly clock: Clock;
  private readonly calendar: SessionOracle;
  private readonly journal: SagaJournal;
  private readonly options: CoordinatorOptions;
  private readonly updates: OrderUpdates;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  /** A saga failed without learning the venue's state: the next request reconciles before it decides. */
  private stale = false;
  /**
   * The policy's input, refilled for every decision: the simulator decides tens of thousands of times per
   * run, and a decision keeps nothing of the input object itself (only the request and a copy of the order
   * list).
   */
  private input: DecideInput | null = null;

  constructor(options: CoordinatorOptions) {
    this.options = options;
    this.config = options.config;
    this.clock = options.clock;
    this.calendar = options.calendar;
    this.journal = options.journal ?? nullJournal;
    this.ledger = new CapacityLedger(options.account, options.closedOrderMemory);
    this.updates = new OrderUpdates(this.ledger);
    this.history = new StealHistory(historyConfigFor(options.config, options.barMs ?? 0));
  }

  get effectiveConfig(): WorkstealConfig {
    return this.config;
  }

  /** Switch dry run on or off at run time (live control endpoint). */
  setDryRun(dryRun: boolean): void {
    this.config = { ...this.config, dryRun };
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

  /** Decide and carry out against an asynchronous broker; serialized with every other submit. */
  submit(request: EntryRequest, broker: Broker): Promise<Outcome> {
    const run = this.queue.then(() => this.drive(request, broker));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Decide and carry out against a broker that answers at once (the simulator). */
  submitSync(request: EntryRequest, broker: SyncBroker): Outcome {
    if (this.stale) this.resetTo(callSync(broker, { kind: 'state' }) as BrokerState);
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    try {
      return driveSync(this.saga(request, first), broker);
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
   * applied when the order is added; one for an order already closed is ignored.
   */
  applyOrderUpdate(update: OrderUpdate): UpdateFate {
    return this.updates.apply(update);
  }

  /** Record a steal that happened before this process started (restored from the store). */
  restoreSteal(event: StealEvent): void {
    this.history.record(event);
  }

  // --- Ledger writes for the drivers: the coordinator is the ledger's only writer (DESIGN §5) ---------------

  /** A cancel outside a steal (expired signal, exit re-arm, end of day) as the broker answered it. */
  applyCancel(orderId: string, result: CancelResult): void {
    if (result.status === 'rejected') return;
    const order = this.ledger.order(orderId);
    if (order && result.filledQty > 0)
      this.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
    if (result.status === 'cancelled') this.ledger.removeOrder(orderId);
  }

  /** An order that needs no capacity decision (a take-profit) was placed: it holds no margin. */
  recordExitOrder(order: OpenOrder): void {
    this.ledger.addOrder(order);
  }

  /** An order is gone at the venue without a fill (a take-profit replaced by a market exit). */
  forgetOrder(orderId: string): void {
    this.ledger.removeOrder(orderId);
  }

  /** A fill of one of our orders, as its cumulative filled quantity. */
  applyFill(orderId: string, cumulativeQty: number, price: number): void {
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
   * The broker leaves `freeMargin` free now (DESIGN §3): capacity becomes at most what is held plus that, until
   * the next reconcile. Equity is untouched, so it still picks the margin tier and the order size.
   */
  capToBrokerFree(freeMargin: number): void {
    const sessionOpen = this.calendar.isRegularSession(this.clock.now());
    this.ledger.capToBrokerFree(freeMargin, sessionOpen, this.config.margin);
  }

  private async drive(request: EntryRequest, broker: Broker): Promise<Outcome> {
    if (this.stale) await this.reconcile(broker);
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    try {
      return await driveAsync(this.saga(request, first), broker);
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

  /**
   * The steal saga, written once as a generator over broker calls so that the simulator (synchronous) and
   * live trading (asynchronous) run exactly the same steps. It starts from a first decision that needs the
   * broker (a place or a steal): the drivers settle waits, blocks and dry runs without starting a saga.
   */
  private *saga(request: EntryRequest, first: Decision): Generator<BrokerCall, Outcome, BrokerReply> {
    const run: SagaRun = { decisions: [], cancelled: [], filledDuringCancel: [], stolen: [] };
    let step: SagaStep | null = null;
    const maxRedecide = this.options.maxRedecide ?? 3;

    for (let attempt = 0; ; attempt++) {
      const decision = attempt === 0 ? first : this.decideLogged(request);
      run.decisions.push(decision);
      const settled = settledOutcome(decision, run);
      if (settled) return settled;

      const now = decision.time;
      // One saga (and one idempotent client order id) per request, across any re-decisions.
      if (step === null) {
        const sagaId = `${this.options.idPrefix ?? 'ws'}-${++this.seq}`;
        step = { sagaId, clientOrderId: sagaId, symbol: request.symbol, victims: decision.victims };
      } else step.victims = decision.victims;
      const clientOrderId = step.clientOrderId;
      if (this.journal !== nullJournal)
        this.journalize(step, run, 'requested', `${decision.action} ${request.symbol}`);

      const cancels = yield* this.cancelVictims(decision, run);
      if (cancels !== 'cancelled' && cancels !== 'raced') {
        this.journalize(step, run, 'aborted', cancels.aborted);
        return outcome('aborted', decision, run, null, null, cancels.aborted);
      }
      if (cancels === 'raced') {
        this.journalize(
          step,
          run,
          'redecide',
          `${run.stolen.at(-1)?.id ?? 'a victim'} filled during its cancel`,
        );
        if (attempt + 1 >= maxRedecide) {
          const detail = 'victims kept filling during their cancel';
          this.journalize(step, run, 'aborted', detail);
          return outcome('aborted', decision, run, null, null, detail);
        }
        continue;
      }
      this.journalize(step, run, 'victims-cancelled');

      const placed = yield* placeOnce({
        clientOrderId,
        symbol: request.symbol,
        assetClass: request.assetClass,
        side: request.side,
        role: 'entry',
        limitPrice: request.limitPrice,
        qty: request.qty,
      });
      if (placed === 'unknown') {
        // The venue cannot say whether the order exists: take its whole state (with the order's margin if
        // it reached the venue).
        yield* this.resync();
        const detail = `the answer to placing ${clientOrderId} was lost; the ledger took the venue's state`;
        this.journalize(step, run, 'aborted', detail);
        return outcome('aborted', decision, run, null, clientOrderId, detail);
      }
      if (!placed.ok) {
        // The cancels stand (the venue confirmed them); their margin is simply free again in the ledger.
        // A rejection can hide a partial truth (an order that did reach the book): ask the venue.
        yield* this.resync();
        this.journalize(step, run, 'compensated', placed.reason);
        return outcome('compensated', decision, run, null, clientOrderId, `place rejected: ${placed.reason}`);
      }
      if (!this.ledger.hasOrder(placed.orderId))
        this.ledger.addOrder({
          id: placed.orderId,
          symbol: request.symbol,
          assetClass: request.assetClass,
          side: request.side,
          role: 'entry',
          limitPrice: request.limitPrice,
          qty: request.qty,
          price: request.price,
          forecastPnl: request.forecastPnl,
          placedAt: now,
          probe: false,
          external: false,
        });
      // Fills (or a close) the venue reported before this answer, and what a look-up found.
      this.updates.settle(placed.orderId, clientOrderId);
      if (placed.update) this.updates.apply(placed.update);
      this.journalize(step, run, 'placed', undefined, placed.orderId);
      // Victims cancelled in any attempt were stolen from, even if the last decision found the margin free.
      // Every victim not cancelled filled during its cancel: with none of those, all were cancelled.
      const cancelledVictims =
        run.filledDuringCancel.length === 0
          ? run.stolen
          : run.stolen.filter((v) => run.cancelled.includes(v.id));
      if (cancelledVictims.length) this.recordSteals(request.symbol, cancelledVictims, now);
      this.journalize(step, run, 'done', undefined, placed.orderId);
      return outcome(
        cancelledVictims.length ? 'stole' : 'placed',
        decision,
        run,
        placed.orderId,
        clientOrderId,
        null,
      );
    }
  }

  /**
   * Cancel the replaced order and the victims, in that order, each confirmed. `raced`: a victim filled
   * during its cancel, so the plan no longer holds and the request is decided again.
   */
  private *cancelVictims(
    decision: Decision,
    run: SagaRun,
  ): Generator<BrokerCall, 'cancelled' | 'raced' | { aborted: string }, BrokerReply> {
    // The replaced order goes first: it is this symbol's own capacity. Then victims in rank order.
    const toCancel = decision.replaces ? [decision.replaces, ...decision.victims] : decision.victims;
    // What had filled when the decision was taken (cumulative): only a fill beyond it changes the plan.
    const filledAtDecision = toCancel.map((id) => this.ledger.filled(id));
    // An indexed loop: for-of across a yield keeps an iterator and its results alive in the saga's frame.
    for (let k = 0; k < toCancel.length; k++) {
      const orderId = toCancel[k]!;
      // Read before the cancel: an update from the venue may close the order while the cancel is out.
      const symbol = this.ledger.order(orderId)?.symbol;
      const result = yield* cancelOnce(orderId);
      if (result.status === 'rejected') {
        // The venue still has (or never had) the order: take its word for everything, then stop.
        yield* this.resync();
        return { aborted: `cancel of ${orderId} rejected: ${result.reason}` };
      }
      const order = this.ledger.order(orderId);
      if (symbol !== undefined && orderId !== decision.replaces) run.stolen.push({ id: orderId, symbol });
      if (result.filledQty > 0 && order) {
        // Cumulative: what the ledger already holds (from an update or a reconcile) is not added again.
        this.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
      }
      if (result.status === 'filled') {
        run.filledDuringCancel.push(orderId);
        return 'raced';
      }
      this.ledger.removeOrder(orderId);
      run.cancelled.push(orderId);
      // Part of the victim filled after the decision: it freed less than planned and now holds a position.
      // Decide again with the new state rather than place into margin that is not there.
      if (result.filledQty > filledAtDecision[k]!) return 'raced';
    }
    return 'cancelled';
  }

  private journalize(
    step: SagaStep,
    run: SagaRun,
    state: SagaState,
    detail?: string,
    orderId?: string,
  ): void {
    if (this.journal === nullJournal) return;
    this.journal.transition({
      ...step,
      state,
      at: this.clock.now(),
      cancelled: run.cancelled,
      ...(orderId === undefined ? {} : { orderId }),
      ...(detail === undefined ? {} : { detail }),
    });
  }

  private *resync(): Generator<BrokerCall, void, BrokerReply> {
    this.resetTo((yield { kind: 'state' }) as BrokerState);
  }

  /** One history event per victim symbol: two orders of one symbol stolen at once are one steal from it. */
  private recordSteals(thief: string, victims: readonly { symbol: string }[], at: TimeMs): void {
    for (let i = 0; i < victims.length; i++) {
      const victim = victims[i]!.symbol;
      if (victims.findIndex((v) => v.symbol === victim) !== i) continue; // that symbol is recorded
      const event = { at, thief, victim };
      this.history.record(event);
      this.options.onSteal?.(event);
    }
    this.history.prune(at);
  }
}
