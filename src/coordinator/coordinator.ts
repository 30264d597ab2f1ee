import type { WorkstealConfig } from '../core/config/schema.js';
import { decide, type DecideInput } from '../core/policy/decide.js';
import type { Decision } from '../core/policy/decision.js';
import { StealHistory } from '../core/policy/steal-history.js';
import { assertValidRequest } from '../core/policy/validate.js';
import type { Account, AssetClass, EntryRequest, OpenOrder, StealEvent, TimeMs } from '../core/types.js';
import type { Broker, BrokerState, CancelResult, PlaceResult, SyncBroker } from './broker.js';
import { CapacityLedger } from './ledger.js';
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

/** Only what the coordinator needs of the calendar. */
export interface SessionOracle {
  isRegularSession(t: TimeMs): boolean;
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
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
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
    this.history = new StealHistory(options.config);
  }

  get effectiveConfig(): WorkstealConfig {
    return this.config;
  }

  /** Switch dry run on or off at run time (live control endpoint). */
  setDryRun(dryRun: boolean): void {
    this.config = { ...this.config, dryRun };
  }

  /** The decision for a request now, without carrying it out or recording it. */
  decide(request: EntryRequest): Decision {
    assertValidRequest(request);
    const now = this.clock.now();
    const sessionOpen = this.calendar.isRegularSession(now);
    const { account, positions, orders } = this.ledger;
    const input = this.input;
    if (input === null) {
      this.input = { now, sessionOpen, account, positions, orders, history: this.history, request };
      return decide(this.input, this.config);
    }
    input.now = now;
    input.sessionOpen = sessionOpen;
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
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    const saga = this.saga(request, first);
    let step = saga.next();
    while (!step.done) step = saga.next(callSync(broker, step.value));
    return step.value;
  }

  /** Bring the ledger to the broker's truth (after a restart, a fault, or periodically live). */
  async reconcile(broker: Broker): Promise<void> {
    const [account, orders, positions] = await Promise.all([
      broker.account(),
      broker.openOrders(),
      broker.positions(),
    ]);
    this.ledger.reset({ account, orders, positions });
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
    const first = this.decideLogged(request);
    const settled = settledOutcome(first);
    if (settled) return settled;
    const saga = this.saga(request, first);
    let step = saga.next();
    while (!step.done) step = saga.next(await callAsync(broker, step.value));
    return step.value;
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

      // The replaced order goes first: it is this symbol's own capacity. Then victims in rank order.
      const toCancel = decision.replaces ? [decision.replaces, ...decision.victims] : decision.victims;
      let raced = false;
      // An indexed loop: for-of across a yield keeps an iterator and its results alive in the saga's frame.
      for (let k = 0; k < toCancel.length; k++) {
        const orderId = toCancel[k]!;
        const result = (yield { kind: 'cancel', orderId }) as CancelResult;
        if (result.status === 'rejected') {
          // The venue still has (or never had) the order: take its word for everything, then stop.
          yield* this.resync();
          const detail = `cancel of ${orderId} rejected: ${result.reason}`;
          this.journalize(step, run, 'aborted', detail);
          return outcome('aborted', decision, run, null, null, detail);
        }
        const order = this.ledger.order(orderId);
        if (order && orderId !== decision.replaces) run.stolen.push({ id: orderId, symbol: order.symbol });
        if (result.filledQty > 0 && order) {
          this.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
        }
        if (result.status === 'filled') {
          run.filledDuringCancel.push(orderId);
          raced = true;
          break;
        }
        this.ledger.removeOrder(orderId);
        run.cancelled.push(orderId);
        if (result.filledQty > 0) {
          // Part of the victim filled first: it freed less than planned and now holds a position. Decide
          // again with the new state rather than place into margin that is not there.
          raced = true;
          break;
        }
      }
      if (raced) {
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

      const placed = (yield {
        kind: 'place',
        request: {
          clientOrderId,
          symbol: request.symbol,
          assetClass: request.assetClass,
          side: request.side,
          role: 'entry',
          limitPrice: request.limitPrice,
          qty: request.qty,
        },
      }) as PlaceResult;
      if (!placed.ok) {
        // The cancels stand (the venue confirmed them); their margin is simply free again in the ledger.
        // A rejection can hide a partial truth (an order that did reach the book): ask the venue.
        yield* this.resync();
        this.journalize(step, run, 'compensated', placed.reason);
        return outcome('compensated', decision, run, null, clientOrderId, `place rejected: ${placed.reason}`);
      }
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
    const state = (yield { kind: 'state' }) as BrokerState;
    this.ledger.reset(state);
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

interface SagaRun {
  decisions: Decision[];
  cancelled: string[];
  filledDuringCancel: string[];
  /** Orders cancelled (or being cancelled) as victims, with their symbols. */
  stolen: { id: string; symbol: string }[];
}

interface SagaStep {
  sagaId: string;
  clientOrderId: string;
  symbol: string;
  victims: string[];
}

/** The outcome of a decision that needs no broker call (wait, block, dry run), or null. */
function settledOutcome(decision: Decision, run?: SagaRun): Outcome | null {
  const status =
    decision.action === 'wait'
      ? 'waited'
      : decision.action === 'block'
        ? 'blocked'
        : decision.dryRun
          ? 'dry-run'
          : null;
  if (status === null) return null;
  if (run) return outcome(status, decision, run);
  return {
    status,
    decision,
    decisions: [decision],
    orderId: null,
    clientOrderId: null,
    cancelled: NONE,
    filledDuringCancel: NONE,
    detail: null,
  };
}

/** No order touched: one shared empty list, never written. */
const NONE: readonly string[] = Object.freeze([]);

function outcome(
  status: Outcome['status'],
  decision: Decision,
  run: Pick<Outcome, 'decisions' | 'cancelled' | 'filledDuringCancel'>,
  orderId: string | null = null,
  clientOrderId: string | null = null,
  detail: string | null = null,
): Outcome {
  return {
    status,
    decision,
    decisions: run.decisions,
    orderId,
    clientOrderId,
    cancelled: run.cancelled,
    filledDuringCancel: run.filledDuringCancel,
    detail,
  };
}

function callSync(broker: SyncBroker, call: BrokerCall): BrokerReply {
  switch (call.kind) {
    case 'cancel':
      return broker.cancel(call.orderId);
    case 'place':
      return broker.placeLimit(call.request);
    case 'state':
      return { account: broker.account(), orders: broker.openOrders(), positions: broker.positions() };
  }
}

async function callAsync(broker: Broker, call: BrokerCall): Promise<BrokerReply> {
  switch (call.kind) {
    case 'cancel':
      return broker.cancel(call.orderId);
    case 'place':
      return broker.placeLimit(call.request);
    case 'state': {
      const [account, orders, positions] = await Promise.all([
        broker.account(),
        broker.openOrders(),
        broker.positions(),
      ]);
      return { account, orders, positions };
    }
  }
}
