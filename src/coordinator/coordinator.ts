import type { WorkstealConfig } from '../core/config/schema.js';
import { decide } from '../core/policy/decide.js';
import type { Decision } from '../core/policy/decision.js';
import { StealHistory } from '../core/policy/steal-history.js';
import { assertValidRequest } from '../core/policy/validate.js';
import type { Account, EntryRequest, StealEvent, TimeMs } from '../core/types.js';
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

  constructor(options: CoordinatorOptions) {
    this.options = options;
    this.config = options.config;
    this.clock = options.clock;
    this.calendar = options.calendar;
    this.journal = options.journal ?? nullJournal;
    this.ledger = new CapacityLedger(options.account);
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
    return decide(
      {
        now,
        sessionOpen: this.calendar.isRegularSession(now),
        account: this.ledger.account,
        positions: this.ledger.positions,
        orders: this.ledger.orders,
        history: this.history,
        request,
      },
      this.config,
    );
  }

  /** Decide and carry out against an asynchronous broker; serialized with every other submit. */
  submit(request: EntryRequest, broker: Broker): Promise<Outcome> {
    const run = this.queue.then(() => this.drive(request, broker));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Decide and carry out against a broker that answers at once (the simulator). */
  submitSync(request: EntryRequest, broker: SyncBroker): Outcome {
    const saga = this.saga(request);
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

  private async drive(request: EntryRequest, broker: Broker): Promise<Outcome> {
    const saga = this.saga(request);
    let step = saga.next();
    while (!step.done) step = saga.next(await callAsync(broker, step.value));
    return step.value;
  }

  /**
   * The steal saga, written once as a generator over broker calls so that the simulator (synchronous) and
   * live trading (asynchronous) run exactly the same steps.
   */
  private *saga(request: EntryRequest): Generator<BrokerCall, Outcome, BrokerReply> {
    const decisions: Decision[] = [];
    const cancelled: string[] = [];
    const filledDuringCancel: string[] = [];
    const maxRedecide = this.options.maxRedecide ?? 3;
    const outcome = (
      status: Outcome['status'],
      decision: Decision,
      extra: Partial<Outcome> = {},
    ): Outcome => ({
      status,
      decision,
      decisions,
      orderId: null,
      clientOrderId: null,
      cancelled,
      filledDuringCancel,
      detail: null,
      ...extra,
    });

    for (let attempt = 0; ; attempt++) {
      const decision = this.decide(request);
      decisions.push(decision);
      this.options.onDecision?.(decision);
      if (decision.action === 'wait') return outcome('waited', decision);
      if (decision.action === 'block') return outcome('blocked', decision);
      if (decision.dryRun) return outcome('dry-run', decision);

      const now = decision.time;
      const sagaId = `${this.options.idPrefix ?? 'ws'}-${++this.seq}`;
      const clientOrderId = sagaId;
      const journal = (state: SagaState, detail?: string, orderId?: string): void =>
        this.journal.transition({
          sagaId,
          state,
          at: this.clock.now(),
          clientOrderId,
          symbol: request.symbol,
          victims: decision.victims,
          cancelled,
          ...(orderId === undefined ? {} : { orderId }),
          ...(detail === undefined ? {} : { detail }),
        });
      journal('requested', `${decision.action} ${request.symbol}`);

      // The replaced order goes first: it is this symbol's own capacity. Then victims in rank order.
      const toCancel = decision.replaces ? [decision.replaces, ...decision.victims] : decision.victims;
      let raced = false;
      for (const orderId of toCancel) {
        const result = (yield { kind: 'cancel', orderId }) as CancelResult;
        if (result.status === 'rejected') {
          // The venue still has (or never had) the order: take its word for everything, then stop.
          yield* this.resync();
          journal('aborted', `cancel of ${orderId} rejected: ${result.reason}`);
          return outcome('aborted', decision, { detail: `cancel of ${orderId} rejected: ${result.reason}` });
        }
        const order = this.ledger.order(orderId);
        if (result.filledQty > 0 && order) {
          this.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
        }
        if (result.status === 'filled') {
          filledDuringCancel.push(orderId);
          raced = true;
          break;
        }
        this.ledger.removeOrder(orderId);
        cancelled.push(orderId);
      }
      if (raced) {
        journal('redecide', `${filledDuringCancel.at(-1)} filled during its cancel`);
        if (attempt + 1 >= maxRedecide) {
          journal('aborted', 'victims kept filling during their cancel');
          return outcome('aborted', decision, { detail: 'victims kept filling during their cancel' });
        }
        continue;
      }
      journal('victims-cancelled');

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
        journal('compensated', placed.reason);
        return outcome('compensated', decision, {
          clientOrderId,
          detail: `place rejected: ${placed.reason}`,
        });
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
      journal('placed', undefined, placed.orderId);
      if (decision.action === 'steal') this.recordSteals(decision, now);
      journal('done', undefined, placed.orderId);
      return outcome(decision.action === 'steal' ? 'stole' : 'placed', decision, {
        orderId: placed.orderId,
        clientOrderId,
      });
    }
  }

  private *resync(): Generator<BrokerCall, void, BrokerReply> {
    const state = (yield { kind: 'state' }) as BrokerState;
    this.ledger.reset(state);
  }

  /** One history event per victim symbol: two orders of one symbol stolen at once are one steal from it. */
  private recordSteals(decision: Decision, at: TimeMs): void {
    const t = decision.candidates;
    if (!t) return;
    const victimSymbols = new Set<string>();
    for (const id of decision.victims) {
      const i = t.ids.indexOf(id);
      if (i >= 0) victimSymbols.add(t.symbols[i]!);
    }
    for (const victim of victimSymbols) {
      const event = { at, thief: decision.request.symbol, victim };
      this.history.record(event);
      this.options.onSteal?.(event);
    }
    this.history.prune(at);
  }
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
