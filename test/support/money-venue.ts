import { expect } from 'vitest';
import type { MemoryBroker } from '../../src/brokers/memory.js';
import type { OrderUpdate, PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import { LiveStore } from '../../src/live/store.js';
import type { LiveBroker, OrderEvent, OrderEventKind, VenueOrder } from '../../src/ports/venue.js';
import { CoordinatorService } from '../../src/service/service.js';
import type { OpenOrder } from '../../src/core/types.js';
import { executingService, ManualTimers, readyRequest, restingOrder } from '../service/fixture.js';

/**
 * The executing service over a shared in-memory venue, as the live money models drive it (money-model*.test):
 * one `Connection` per process (dead after a kill -9: no answer reaches it), started over one store file.
 */

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** The order event a venue update is, as Alpaca's trade_updates names it. */
const KIND: Partial<Record<OrderUpdate['status'], OrderEventKind>> = {
  filled: 'fill',
  canceled: 'canceled',
  expired: 'expired',
  rejected: 'rejected',
};

/** One process's connection to the shared venue: once the process is killed, no answer reaches it. */
export class Connection implements LiveBroker {
  readonly name = 'memory';
  dead = false;
  /**
   * True to lose this event in a stream gap: the listener hears `resync` instead, as after Alpaca's stream
   * reconnects (the adapter asks for a reconcile; the event itself is gone).
   */
  loseEvent: (update: OrderUpdate) => boolean = () => false;
  constructor(private readonly venue: MemoryBroker) {}
  private answer<T>(call: Promise<T>): Promise<T> {
    return call.then(
      (r) => (this.dead ? never<T>() : r),
      (e: unknown) => (this.dead ? never<T>() : Promise.reject(e as Error)),
    );
  }
  placeLimit(r: PlaceLimitRequest): Promise<PlaceResult> {
    return this.answer(this.venue.placeLimit(r));
  }
  cancel(id: string) {
    return this.answer(this.venue.cancel(id));
  }
  openOrders() {
    return this.answer(this.venue.openOrders());
  }
  positions() {
    return this.answer(this.venue.positions());
  }
  account() {
    return this.answer(this.venue.account());
  }
  async placeMarket(): Promise<PlaceResult> {
    return { ok: false, reason: 'not in this test' };
  }
  orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    return this.answer(this.venue.orderByClientId(clientOrderId).then((u) => u && venueOrder(u)));
  }
  onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    return this.venue.onOrderUpdate((u) => {
      if (this.dead) return;
      if (this.loseEvent(u)) listener({ kind: 'resync' });
      else listener({ kind: KIND[u.status] ?? 'partial_fill', order: venueOrder(u) });
    });
  }
  async close(): Promise<void> {}
}

/** What recovery and the tracked broker read of an order (the rest of the shape is not looked at). */
export function venueOrder(u: OrderUpdate): VenueOrder {
  const status = u.status === 'done_for_day' ? 'open' : u.status;
  return { ...u, status, clientOrderId: u.clientOrderId ?? u.id } as VenueOrder;
}

export interface Process {
  service: CoordinatorService;
  store: LiveStore;
  connection: Connection;
}

/** A process of `worksteal serve` in executing mode over the venue, its store in `dir`. */
export function startProcess(dir: string, venue: MemoryBroker, timers: ManualTimers): Process {
  const connection = new Connection(venue);
  const { service, store } = executingService(dir, connection, { timers });
  return { service, store, connection };
}

/** Let pending promise chains (venue answers, events) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r));
};

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Open orders (id, open quantity) and positions, sorted: what the ledger must equal. */
export async function venueView(venue: MemoryBroker) {
  const orders = (await venue.openOrders()).map((o) => ({ id: o.id, qty: round(o.qty) }));
  const positions = (await venue.positions()).map((p) => ({ symbol: p.symbol, qty: round(p.qty) }));
  return {
    orders: orders.sort((a, b) => (a.id < b.id ? -1 : 1)),
    positions: positions.sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
  };
}

/** The same view of a service's ledger. */
export function ledgerView(service: CoordinatorService) {
  const ledger = service.coordinator.ledger.snapshot();
  return {
    orders: ledger.orders.map((o) => ({ id: o.id, qty: round(o.qty) })),
    positions: ledger.positions.map((x) => ({ symbol: x.symbol, qty: round(x.qty) })),
  };
}

/** The four resting entries both live money models start from: 2,000 margin each, 0.05% to 20% from their limit. */
export function restingBook(): OpenOrder[] {
  return [0, 1, 2, 3].map((i) => {
    const o = restingOrder(`r${i}`, `R${i}/USD`, 2_000, [0.0005, 0.05, 0.1, 0.2][i]!, i);
    return { ...o, placedAt: o.placedAt!, clientOrderId: undefined } as OpenOrder;
  });
}

/**
 * Cancels the venue holds (pending_cancel) until the model lets them through: `delay` is the venue's fault
 * hook, `holdNext` holds the next cancel.
 */
export class HeldCancels {
  holdNext = false;
  private readonly held = new Map<string, () => void>();

  readonly delay = (call: 'cancel' | 'place', id: string): Promise<void> => {
    if (call !== 'cancel' || !this.holdNext) return Promise.resolve();
    this.holdNext = false;
    return new Promise<void>((resolve) => this.held.set(id, resolve));
  };

  get size(): number {
    return this.held.size;
  }

  /** Let every held cancel through (and any the venue holds next), then wait for the requests in flight. */
  async drain(inFlight: Promise<unknown>[]): Promise<void> {
    this.holdNext = false;
    for (let i = 0; i < 5; i++) {
      for (const release of this.held.values()) release();
      this.held.clear();
      await settle();
    }
    await Promise.all(inFlight);
  }
}

/**
 * After every step: the venue never holds more margin than the equity (orders and positions at 100 a unit,
 * as the models price them) and no request was placed twice.
 */
export async function checkVenueMoney(
  venue: MemoryBroker,
  equity: number,
  requests: number,
  where: string,
): Promise<void> {
  const truth = await venueView(venue);
  const used =
    truth.orders.reduce((s, o) => s + o.qty * 100, 0) +
    truth.positions.reduce((s, x) => s + Math.abs(x.qty) * 100, 0);
  expect(used, where).toBeLessThanOrEqual(equity + 1e-6);
  expect(venue.calls.placeLimit, where).toBeLessThanOrEqual(requests);
}

/** At the end: a decision now (a request that waits) sees the venue's state, so the ledger must be it, and no saga is open. */
export async function expectLedgerIsVenue(p: Process, venue: MemoryBroker, where: string): Promise<void> {
  await p.service.request({ ...readyRequest('Z/USD', 500), price: 150 });
  expect(ledgerView(p.service), where).toEqual(await venueView(venue));
  expect(p.service.tables.openSagas(), where).toEqual([]);
}
