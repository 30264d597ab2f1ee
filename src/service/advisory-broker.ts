import type { CancelResult, OrderUpdate, PlaceLimitRequest, PlaceResult } from '../coordinator/broker.js';
import type { OpenOrder, Position } from '../core/types.js';
import type { BrokerAccount, LiveBroker, OrderEvent, VenueOrder } from '../ports/venue.js';
import type { AdvisoryBook } from './book.js';
import { asPlaced, type OrderEventBody, type SagaReportBody } from './reports.js';

/** Something a saga waits for the bot to do and report: cancel an order, or place the stealer's order. */
export type PendingAction =
  | { kind: 'cancel'; sagaId: string | null; orderId: string; deadline: number }
  | { kind: 'place'; sagaId: string | null; order: PlaceLimitRequest; deadline: number };

/** Timers are a port too: tests drive deadlines without waiting. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Waiting {
  action: PendingAction;
  timer: unknown;
  /** `stopped`: the service stopped (the signal) before the report came; null: the deadline passed. */
  settle(report: SagaReportBody | null, stopped?: string): void;
}

export interface AdvisoryOptions {
  book: AdvisoryBook;
  /** How long a saga waits for each report before it gives up on it. */
  deadlineMs: number;
  timers: Timers;
  /** The saga a new action belongs to (the one in flight, or the recovered saga naming this victim). */
  sagaOf: (
    action: { kind: 'cancel'; orderId: string } | { kind: 'place'; clientOrderId: string },
  ) => string | null;
  /** A report the book must remember (it is stored and replayed after a restart). */
  record: (event: OrderEventBody) => void;
  /** What only the request knows of the order about to be placed (reference price, forecast PnL). */
  placing: (clientOrderId: string) => { price: number | null; forecastPnl: number };
  /**
   * The bot is asked to place this order (`asked`), or said it could not (`refused`): kept in the store, so
   * that a placement reported after its deadline, or after a restart, is known for what it is.
   */
  placement: (request: PlaceLimitRequest, answer: 'asked' | 'refused') => void;
}

/**
 * The Broker port for advisory mode: the service decides, the bot acts. `cancel()` and `placeLimit()` do not
 * touch a venue; they post an action for the bot and resolve when the bot reports its result, or when the
 * deadline passes (a cancel is then `rejected`, so the saga resyncs from the book, where the order still
 * holds its margin, and ends `aborted`; a placement is then refused, so the saga ends `compensated`).
 * The coordinator's saga runs unchanged over it.
 */
export class AdvisoryBroker implements LiveBroker {
  readonly name = 'none';
  private readonly waiting = new Map<string, Waiting>();
  private readonly listeners = new Set<(action: PendingAction) => void>();

  constructor(private readonly o: AdvisoryOptions) {}

  /** What sagas wait for now, oldest first. */
  pending(sagaId?: string): PendingAction[] {
    const all = [...this.waiting.values()].map((w) => w.action);
    return sagaId === undefined ? all : all.filter((a) => a.sagaId === sagaId);
  }

  /** Called with every new pending action. Returns a function that stops listening. */
  onPending(listener: (action: PendingAction) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(orderId: string): Promise<CancelResult> {
    if (!this.o.book.isOpen(orderId))
      return Promise.resolve({ status: 'rejected', reason: `order ${orderId} is not open in the reports` });
    return new Promise((resolve) => {
      this.wait(
        `cancel:${orderId}`,
        { kind: 'cancel', sagaId: this.o.sagaOf({ kind: 'cancel', orderId }), orderId, deadline: 0 },
        (report, stopped) => {
          if (report === null)
            return resolve({
              status: 'rejected',
              reason:
                (stopped === undefined
                  ? `no report of the cancel of ${orderId} within ${this.o.deadlineMs / 1000} s`
                  : `the service stopped (${stopped}) before the cancel of ${orderId} was reported`) +
                '; it still counts as open',
            });
          // Cumulative: a confirmation that leaves out fills reported before (as order events) still
          // carries them, so the saga sees that the order filled during its cancel and frees only the rest.
          const filledQty =
            report.kind === 'cancelled' || report.kind === 'filled'
              ? Math.max(report.filledQty, this.o.book.order(orderId)?.filledQty ?? 0)
              : 0;
          if (report.kind === 'cancelled') {
            this.o.record({
              kind: 'cancelled',
              orderId,
              filledQty,
              fillPrice: report.fillPrice,
              asOf: report.asOf,
            });
            return resolve({
              status: 'cancelled',
              filledQty,
              ...(report.fillPrice === undefined ? {} : { fillPrice: report.fillPrice }),
            });
          }
          if (report.kind === 'filled') {
            this.o.record({
              kind: 'fill',
              orderId,
              filledQty,
              fillPrice: report.fillPrice,
              asOf: report.asOf,
            });
            return resolve({ status: 'filled', filledQty, fillPrice: report.fillPrice });
          }
          resolve({
            status: 'rejected',
            reason: report.kind === 'cancel-rejected' ? report.reason : 'unexpected',
          });
        },
      );
    });
  }

  placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    const known = this.o.book.byClient(request.clientOrderId);
    if (known) return Promise.resolve(this.placed(known.id)); // idempotent client order ids
    const meta = this.o.placing(request.clientOrderId);
    this.o.placement(request, 'asked');
    return new Promise((resolve) => {
      this.wait(
        `place:${request.clientOrderId}`,
        {
          kind: 'place',
          sagaId: this.o.sagaOf({ kind: 'place', clientOrderId: request.clientOrderId }),
          order: { ...request },
          deadline: 0,
        },
        (report, stopped) => {
          if (report === null)
            return resolve({
              ok: false,
              reason:
                stopped === undefined
                  ? `no report of the placement of ${request.clientOrderId} within ${this.o.deadlineMs / 1000} s`
                  : `the service stopped (${stopped}) before the placement of ${request.clientOrderId} was reported`,
            });
          if (report.kind === 'placed') {
            this.o.record({
              kind: 'placed',
              // Object.assign, not a spread copy with fields added (docs/service.md, "Young-generation survivors").
              order: Object.assign({}, request, asPlaced(report), {
                id: report.orderId,
                price: meta.price,
                forecastPnl: meta.forecastPnl,
                placedAt: this.o.timers.now(),
                probe: false,
                external: false,
              }),
            });
            return resolve(this.placed(report.orderId));
          }
          this.o.placement(request, 'refused');
          resolve({ ok: false, reason: report.kind === 'place-rejected' ? report.reason : 'unexpected' });
        },
      );
    });
  }

  /**
   * A placement the bot reported, with what the reports say of that order by now (fills or a cancel that came
   * before the placement report): the saga adds the order to the ledger and applies that, as the book did.
   */
  private placed(orderId: string): PlaceResult & { update?: OrderUpdate } {
    const order = this.o.book.order(orderId);
    if (!order || (order.status === 'open' && order.filledQty === 0)) return { ok: true, orderId };
    return {
      ok: true,
      orderId,
      update: {
        id: orderId,
        clientOrderId: order.clientOrderId,
        status: order.status,
        filledQty: order.filledQty,
        fillPrice: order.fillPrice,
      },
    };
  }

  /**
   * A bot's report for a pending action. Returns false when nothing waits for it (a late report: the caller
   * applies it as an order event instead).
   */
  report(report: SagaReportBody): boolean {
    const key =
      report.kind === 'placed' || report.kind === 'place-rejected'
        ? `place:${report.clientOrderId}`
        : `cancel:${report.orderId}`;
    const w = this.waiting.get(key);
    if (!w) return false;
    w.settle(report);
    return true;
  }

  /** Whether a saga waits for the cancel of this order (an order event about it answers the saga). */
  awaitsCancel(orderId: string): boolean {
    return this.waiting.has(`cancel:${orderId}`);
  }

  /** The saga that waits for the cancel of this order (null: a recovered one not named, or none). */
  cancelAwaitedBy(orderId: string): string | null {
    return this.waiting.get(`cancel:${orderId}`)?.action.sagaId ?? null;
  }

  /** The placement a saga waits for under this client order id (a `placed` event under it answers), if any. */
  awaitedPlace(clientOrderId: string): (PendingAction & { kind: 'place' }) | null {
    const action = this.waiting.get(`place:${clientOrderId}`)?.action;
    return action?.kind === 'place' ? action : null;
  }

  async openOrders(): Promise<OpenOrder[]> {
    return this.o.book.state().orders; // with their cumulative fills: a resync counts none twice
  }

  async positions(): Promise<Position[]> {
    return this.o.book.ledger.snapshot().positions;
  }

  async account(): Promise<BrokerAccount> {
    return { ...this.o.book.ledger.account };
  }

  async orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    return this.o.book.byClient(clientOrderId);
  }

  async placeMarket(): Promise<PlaceResult> {
    return { ok: false, reason: 'advisory mode places nothing itself' };
  }

  onOrderEvent(_listener: (event: OrderEvent) => void): () => void {
    return () => undefined; // the bots' reports arrive over HTTP, not from a venue stream
  }

  /**
   * Wait until the saga of `done` asks the bot for something new, or ends. Returns the saga id, if any.
   * (Other requests' sagas run meanwhile: their actions are not ours.)
   */
  async untilAsked(done: Promise<unknown>, sagaId: () => string | undefined): Promise<string | undefined> {
    let stop: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      stop = this.onPending((a) => {
        if (a.sagaId !== null && a.sagaId === sagaId()) resolve();
      });
    });
    try {
      await Promise.race([
        done.then(
          () => undefined,
          () => undefined,
        ),
        asked,
      ]);
    } finally {
      stop();
    }
    return sagaId();
  }

  /**
   * Give up on everything still waited for (shutdown): each saga ends as at its deadline, its detail naming the
   * stop (`reason`: the signal) instead of a deadline that never passed.
   */
  async close(reason = 'stopped'): Promise<void> {
    for (const w of [...this.waiting.values()]) w.settle(null, reason);
  }

  private wait(
    key: string,
    action: PendingAction,
    onReport: (report: SagaReportBody | null, stopped?: string) => void,
  ): void {
    action.deadline = this.o.timers.now() + this.o.deadlineMs;
    const entry: Waiting = {
      action,
      timer: this.o.timers.setTimeout(() => entry.settle(null), this.o.deadlineMs),
      settle: (report, stopped) => {
        if (this.waiting.get(key) !== entry) return;
        this.waiting.delete(key);
        this.o.timers.clearTimeout(entry.timer);
        onReport(report, stopped);
      },
    };
    this.waiting.set(key, entry);
    for (const listener of this.listeners) listener(action);
  }
}
