import type { Coordinator, SessionOracle } from '../coordinator/coordinator.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { LiveMetrics } from '../live/metrics.js';
import type { Logger } from '../ports/log.js';
import type { EventAnswer } from './order-events.js';
import type { QuoteTimes } from '../live/quote-times.js';
import type { OrderEventBody } from './reports.js';
import { capacityView, marginsNow } from './views.js';

/** The last placement that took the book over its capacity, as /v1/status shows it. */
export interface OverCapacityPlacement {
  orderId: string;
  symbol: string;
  at: string;
  /** The margin the order added. */
  margin: number;
  marginUsed: number;
  marginClaimed: number;
  marginCapacity: number;
}

/**
 * The service's capacity: the status's capacity part (with the /metrics gauges), and the placements the bots
 * report that take the book over it. Such a report is taken (the venue holds the order and the book mirrors the
 * venue), but its answer says so, a warning is logged and the status counts it: a bot that placed without asking,
 * or after a block, got no signal and the book went over capacity silently.
 */
export class ServiceCapacity {
  private overCount = 0;
  private lastOver: OverCapacityPlacement | null = null;

  constructor(
    private readonly o: {
      coordinator: () => Coordinator;
      config: WorkstealConfig;
      calendar: SessionOracle;
      metrics: LiveMetrics;
      log: Logger;
      now: () => number;
      /** Each symbol's last quote and when it was made: the book's (advisory) or since start (executing). */
      quotes: () => QuoteTimes;
    },
  ) {}

  /**
   * Capacity now, and the margin gauges of /metrics with it. A scrape reads them too: no poll refreshes them
   * here, and a scrape between two status calls showed the margins of the last one.
   */
  now(): ReturnType<typeof capacityView> {
    const quotes = this.o.quotes();
    const capacity = capacityView(this.o.coordinator(), this.o.config, this.o.calendar, this.o.now(), quotes);
    this.o.metrics.setCapacity(
      capacity.account.equity,
      capacity.marginCapacity,
      capacity.marginUsed,
      capacity.marginClaimed,
    );
    this.o.metrics.setOpenOrders(this.o.coordinator().ledger.orders);
    quotes.toGauge(this.o.metrics.quoteTime);
    return capacity;
  }

  /** Placements over capacity since this process started, and the last one (GET /v1/status `overCapacity`). */
  overCapacity(): { placements: number; last: OverCapacityPlacement | null } {
    return { placements: this.overCount, last: this.lastOver };
  }

  /**
   * Take an event and check, for a placement that counted, whether it took the book over capacity: margin used
   * plus what open sagas claim above the capacity, the order having added margin (a take-profit adds none).
   */
  placement(body: OrderEventBody, take: () => EventAnswer): EventAnswer {
    if (body.kind !== 'placed') return take();
    const before = this.margins();
    const answer = take();
    if (!answer.applied) return answer;
    const after = this.margins();
    const added = after.used - before.used;
    if (added <= 0 || after.used + after.claimed <= after.capacity * (1 + 1e-12)) return answer;
    this.overCount++;
    this.o.metrics.placementsOverCapacity.inc();
    this.lastOver = {
      orderId: body.order.id,
      symbol: body.order.symbol,
      at: new Date(this.o.now()).toISOString(),
      margin: added,
      marginUsed: after.used,
      marginClaimed: after.claimed,
      marginCapacity: after.capacity,
    };
    this.o.log.warn('placed-over-capacity', { ...this.lastOver });
    const claimed = after.claimed > 0 ? ` and claimed ${money(after.claimed)}` : '';
    answer.detail +=
      `; over capacity: with this order (margin ${money(added)}) margin used ${money(after.used)}${claimed} ` +
      `exceeds capacity ${money(after.capacity)}. It is held as placed (the venue holds it); no margin is free ` +
      'for later requests until orders close. ' +
      (answer.placedEarlyFor === undefined
        ? 'Ask before placing (POST /v1/requests)'
        : `Place a saga's order when the saga asks for it, once its victims' cancels are confirmed`);
    return answer;
  }

  private margins(): { used: number; claimed: number; capacity: number } {
    return marginsNow(this.o.coordinator(), this.o.config, this.o.calendar, this.o.now());
  }
}

/** An amount of money as a message shows it: to the cent. */
const money = (x: number): string => String(Math.round(x * 100) / 100);
