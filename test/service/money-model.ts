/**
 * The promise of advisory mode written as the simplest thing that keeps it: the account as the sum of the
 * reports, in the order they arrived. Every order is a crypto buy at limit 100 that fills at 100, so an
 * order and the position it becomes hold the same margin (1x): quantity times 100.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import type { LedgerSnapshot } from '../../src/coordinator/ledger.js';
import {
  orderEventSchema,
  sagaReportSchema,
  type OrderEventBody,
  type SagaReportBody,
} from '../../src/service/reports.js';
import { ServiceConflict } from '../../src/service/views.js';
import type { Harness } from './fixture.js';

export interface Step {
  t:
    | 'place'
    | 'fill'
    | 'cancel'
    | 'request'
    | 'bot'
    | 'expire'
    | 'late'
    | 'repeat'
    | 'reuse-event-id'
    | 'quote'
    | 'account'
    | 'restart'
    | 'wrong-saga';
  /** Which order of a small universe (o0..o7): reused ids, and events for orders not yet placed. */
  order: number;
  symbol: number;
  /** An order's or a request's quantity (margin = qty × 100). */
  qty: number;
  away: number;
  /** A fill's share of the order (above 1: more than the order), or the bot's choice of partial fill. */
  frac: number;
  /** How the bot answers a saga. */
  choice: number;
  withId: boolean;
}

/** How often each step comes: the bot answers most, so that sagas get far. */
const KINDS: Step['t'][] = [
  ...Array<Step['t']>(7).fill('bot'),
  ...Array<Step['t']>(3).fill('request'),
  ...Array<Step['t']>(4).fill('place'),
  ...Array<Step['t']>(2).fill('fill'),
  'cancel',
  'expire',
  'late',
  'late',
  'repeat',
  'reuse-event-id',
  'quote',
  'account',
  'restart',
  'wrong-saga',
];

export const stepArb: fc.Arbitrary<Step> = fc.record({
  t: fc.constantFrom(...KINDS),
  order: fc.integer({ min: 0, max: 7 }),
  symbol: fc.integer({ min: 0, max: 5 }),
  qty: fc.integer({ min: 5, max: 40 }),
  away: fc.constantFrom(0.0005, 0.01, 0.05, 0.1, 0.2),
  frac: fc.constantFrom(0, 0.25, 0.5, 0.75, 1, 1.3),
  choice: fc.integer({ min: 0, max: 29 }),
  withId: fc.boolean(),
});

interface ModelOrder {
  symbol: string;
  placed: number;
  filled: number;
  open: boolean;
}

export class MoneyModel {
  private readonly orders = new Map<string, ModelOrder>();
  /**
   * Fills and cancels reported before their order's placement: they count once it is reported, unless they
   * are more than it was placed for (then dropped).
   */
  private readonly early = new Map<string, { filled: number; closed: boolean }>();
  /** Quantity and mark: a fill marks a position at its price (100), a quote at the quote's mid. */
  private readonly positions = new Map<string, { qty: number; mark: number }>();
  /** The equity the last `account` report gave (capacity, at 1x). */
  equity: number;

  constructor(equity: number) {
    this.equity = equity;
  }
  private readonly eventIds = new Set<string>();
  /** A bot placed an order outside the service's decisions: margin may exceed capacity, rightly. */
  capacityVoid = false;

  knows(id: string): boolean {
    return this.orders.has(id);
  }

  isOpen(id: string): boolean {
    return this.orders.get(id)?.open ?? false;
  }

  placedQty(id: string, otherwise = 0): number {
    return this.orders.get(id)?.placed ?? otherwise;
  }

  filledQty(id: string): number {
    return this.orders.get(id)?.filled ?? 0;
  }

  /**
   * Whether the service refuses this event whole (409): a placement of a known order id with another symbol
   * or quantity, a fill or cancel of more than the order was placed for. A repeat of a kept event id is
   * answered as a repeat first.
   */
  conflicts(e: OrderEventBody): boolean {
    if (e.eventId !== undefined && this.eventIds.has(e.eventId)) return false;
    if (e.kind === 'placed') {
      const o = this.orders.get(e.order.id);
      return o !== undefined && (o.symbol !== e.order.symbol || o.placed !== e.order.qty);
    }
    if (e.kind !== 'fill' && e.kind !== 'cancelled') return false;
    return this.overfills(e.orderId, e.filledQty);
  }

  /** A cumulative fill beyond what the order was placed for (refused, in a saga report too). */
  overfills(id: string, filledQty: number): boolean {
    const o = this.orders.get(id);
    return o !== undefined && filledQty > o.placed * (1 + 1e-9);
  }

  /** Whether a report under this event id was kept (one that changed nothing keeps no id). */
  hasEventId(eventId: string): boolean {
    return this.eventIds.has(eventId);
  }

  event(e: OrderEventBody): void {
    if (e.eventId !== undefined) {
      if (this.eventIds.has(e.eventId)) return;
      const order =
        e.kind === 'placed' ? e.order.id : e.kind === 'fill' || e.kind === 'cancelled' ? e.orderId : null;
      const known = order !== null && this.orders.has(order);
      const held = order === null ? undefined : this.orders.get(order);
      // A fill counts when its cumulative fill is above what the order holds (an older one of an open order
      // changes nothing: found with another seed); a cancel when the order is open, or with such a fill.
      const beyond =
        held !== undefined &&
        (e.kind === 'fill' || e.kind === 'cancelled') &&
        Math.min(held.placed, e.filledQty) > held.filled;
      const changes =
        e.kind === 'placed'
          ? !known
          : !known || order === null || beyond || (e.kind === 'cancelled' && held!.open);
      if (changes) this.eventIds.add(e.eventId);
    }
    if (e.kind === 'placed') this.place(e.order.id, e.order.symbol, e.order.qty);
    else if (e.kind === 'fill') this.fill(e.orderId, e.filledQty);
    else if (e.kind === 'cancelled') this.cancel(e.orderId, e.filledQty);
    else if (e.kind === 'account') this.equity = e.equity;
    else if (e.kind === 'quote') {
      const p = this.positions.get(e.symbol);
      if (p) p.mark = (e.bid + e.ask) / 2;
    }
    // A quote or an account report may leave more margin in use than capacity: not a decision's doing.
    if (this.used() > this.equity + 1e-6) this.capacityVoid = true;
  }

  /** A saga report; a placement with the order the saga asked the bot to place, at the size it reports. */
  report(r: SagaReportBody, order?: PlaceLimitRequest): void {
    if (r.kind === 'cancelled') this.cancel(r.orderId, r.filledQty);
    else if (r.kind === 'filled') this.fill(r.orderId, r.filledQty);
    else if (r.kind === 'placed' && order) this.place(r.orderId, order.symbol, r.qty ?? order.qty);
  }

  used(): number {
    let used = 0;
    for (const o of this.orders.values()) if (o.open) used += (o.placed - o.filled) * 100;
    for (const p of this.positions.values()) used += Math.abs(p.qty) * p.mark;
    return used;
  }

  view(): { orders: { id: string; qty: number }[]; positions: { symbol: string; qty: number }[] } {
    return {
      orders: [...this.orders]
        .filter(([, o]) => o.open)
        .map(([id, o]) => ({ id, qty: o.placed - o.filled }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
      positions: [...this.positions]
        .filter(([, p]) => Math.abs(p.qty) > 1e-9)
        .map(([symbol, p]) => ({ symbol, qty: p.qty }))
        .sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
    };
  }

  /**
   * The ledger holds what the model does: the same open orders and positions, each quantity equal but for
   * floating-point rounding. A sum of the same fills taken in another order differs in its last bits; rounded
   * to a fixed number of decimals, a value on a rounding step came out a step apart (16.5718125 against
   * 16.571812499999997, found with another seed), so the quantities are compared to 9 decimals instead.
   */
  expectHeldBy(s: LedgerSnapshot, where: string): void {
    const mine = this.view();
    expect(
      {
        orders: s.orders.map((o) => ({ id: o.id, qty: o.qty })),
        positions: s.positions
          .filter((p) => Math.abs(p.qty) > 1e-9)
          .map((p) => ({ symbol: p.symbol, qty: p.qty })),
      },
      where,
    ).toEqual({
      orders: mine.orders.map((o) => ({ id: o.id, qty: expect.closeTo(o.qty, 9) })),
      positions: mine.positions.map((p) => ({ symbol: p.symbol, qty: expect.closeTo(p.qty, 9) })),
    });
  }

  private place(id: string, symbol: string, qty: number): void {
    if (this.orders.has(id)) return; // an order is placed once; a repeat changes nothing
    this.orders.set(id, { symbol, placed: qty, filled: 0, open: true });
    const early = this.early.get(id);
    if (!early) return;
    this.early.delete(id);
    // A held report of more than the order was placed for is dropped when the placement comes (as refused after it).
    if (this.overfills(id, early.filled)) return;
    this.fill(id, early.filled);
    if (early.closed) this.orders.get(id)!.open = false;
  }

  /**
   * Fills are cumulative: only what goes beyond the last report counts, and never beyond the order. Of a
   * cancelled order too: nothing fills after a cancel takes effect, so a fill above what its cancel said filled
   * before it (the cancel left it out, or came first).
   */
  private fill(id: string, cumulative: number): void {
    const o = this.orders.get(id);
    if (!o) {
      const e = this.early.get(id) ?? { filled: 0, closed: false };
      this.early.set(id, { filled: Math.max(e.filled, cumulative), closed: e.closed });
      return;
    }
    const filled = Math.min(o.placed, Math.max(o.filled, cumulative));
    const qty = (this.positions.get(o.symbol)?.qty ?? 0) + filled - o.filled;
    if (filled > o.filled) this.positions.set(o.symbol, { qty, mark: 100 });
    o.filled = filled;
    if (filled >= o.placed - 1e-12) o.open = false;
  }

  private cancel(id: string, cumulative: number): void {
    const o = this.orders.get(id);
    if (!o) {
      const e = this.early.get(id) ?? { filled: 0, closed: false };
      this.early.set(id, { filled: Math.max(e.filled, cumulative), closed: true });
      return;
    }
    this.fill(id, cumulative);
    o.open = false;
  }
}

/**
 * An order event as the HTTP layer would pass it on (bad input is a 400 there and reaches nothing), to the
 * service and to the model. Answers what was sent, or null when the schema refused it.
 */
export function sendEvent(h: Harness, model: MoneyModel, body: unknown): OrderEventBody | null {
  const parsed = orderEventSchema.safeParse(body);
  if (!parsed.success) return null;
  const conflict = model.conflicts(parsed.data);
  let refused = false;
  try {
    h.service.event(parsed.data);
  } catch (error) {
    if (!(error instanceof ServiceConflict)) throw error;
    refused = true;
  }
  if (refused !== conflict)
    throw new Error(`${JSON.stringify(parsed.data)}: refused ${refused}, model ${conflict}`);
  if (refused) return null;
  model.event(parsed.data);
  return parsed.data;
}

/**
 * A saga report, parsed as the HTTP layer would, to the model and then to the service. `sent` sees it once it
 * passed the schema, before the service answers (or refuses it).
 */
export async function sendReport(
  h: Harness,
  model: MoneyModel,
  sagaId: string,
  body: SagaReportBody,
  order?: PlaceLimitRequest,
  sent?: (report: SagaReportBody) => void,
): Promise<void> {
  const parsed = sagaReportSchema.safeParse(body);
  if (!parsed.success) return;
  const r = parsed.data;
  if ((r.kind === 'cancelled' || r.kind === 'filled') && model.overfills(r.orderId, r.filledQty)) {
    // Refused whole (409): nothing reaches the saga or the model.
    await expect(h.service.report(sagaId, r)).rejects.toThrow(ServiceConflict);
    return;
  }
  sent?.(r);
  model.report(r, order);
  await h.service.report(sagaId, r);
}
