import type { Account, OpenOrder, OrderTerms, Position, Side } from '../core/types.js';

/**
 * The Broker port (README "Use as a library"). Adapters: SimBroker (simulator), the in-memory test broker,
 * Replay and Alpaca. Every method reports the venue's truth; `cancel` resolves only when the venue has
 * confirmed.
 */
export interface PlaceLimitRequest extends OrderTerms {
  /** Idempotent: placing the same client order id twice yields the same order, never two. */
  clientOrderId: string;
}

/**
 * `order`, optional: what the venue holds under `orderId` (its symbol, side, limit and the quantity it was
 * placed with). A venue that answers a client order id it has seen with the order placed under it should
 * send it: the coordinator then refuses an answer that is not the order it asked for (another symbol or
 * side, or more margin than asked), even one the ledger does not hold (already filled or cancelled).
 */
export type PlaceResult = { ok: true; orderId: string; order?: PlacedOrder } | { ok: false; reason: string };

/** The order a venue holds under an id, as far as matching it to a placement goes. */
export interface PlacedOrder {
  symbol: string;
  side: Side;
  limitPrice: number;
  /** The quantity it was placed with (open plus filled). */
  qty: number;
}

/**
 * `cancelled`: the venue confirmed; `filledQty` (cumulative) is what filled before the cancel took effect.
 * `filled`: the order filled completely before the cancel could act (a fill raced the cancel).
 * `rejected`: the venue refused the cancel; the order's state is unknown to the caller until reconciled.
 */
export type CancelResult =
  | { status: 'cancelled'; filledQty: number; fillPrice?: number }
  | { status: 'filled'; filledQty: number; fillPrice: number }
  | { status: 'rejected'; reason: string };

/**
 * An order's state at the venue. `done_for_day` is NOT terminal: the order stops working for the day and can
 * still fill on the next one (Alpaca). Terminal: `filled`, `canceled`, `expired`, `rejected`.
 */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'open',
  'pending_cancel',
  'done_for_day',
  'filled',
  'canceled',
  'expired',
  'rejected',
];
export type OrderStatus =
  'open' | 'pending_cancel' | 'done_for_day' | 'filled' | 'canceled' | 'expired' | 'rejected';

export const isTerminalStatus = (s: OrderStatus): boolean =>
  s === 'filled' || s === 'canceled' || s === 'expired' || s === 'rejected';

/**
 * What the venue says about one order, from its event stream or a look-up. `filledQty` is cumulative (all
 * that filled since the order was placed), so a repeated or late report is counted once.
 */
export interface OrderUpdate {
  id: string;
  clientOrderId?: string;
  status: OrderStatus;
  filledQty: number;
  fillPrice: number | null;
}

export interface BrokerState {
  account: Account;
  orders: OpenOrder[];
  positions: Position[];
}

export interface Broker {
  placeLimit(request: PlaceLimitRequest): Promise<PlaceResult>;
  /**
   * Confirmed cancel. Cancelling an order that is already closed reports how it closed (`cancelled` with its
   * cumulative fill, or `filled`), so a cancel whose answer was lost can simply be sent again.
   */
  cancel(orderId: string): Promise<CancelResult>;
  openOrders(): Promise<OpenOrder[]>;
  positions(): Promise<Position[]>;
  account(): Promise<Account>;
  /**
   * The venue's order with this client order id, open or closed; null when the venue never received it.
   * Optional: without it, a place whose answer was lost is resolved by reading the whole state.
   * (Alpaca: `GET /v2/orders:by_client_order_id?client_order_id=…`, 404 → null.)
   */
  orderByClientId?(clientOrderId: string): Promise<OrderUpdate | null>;
}

/** The same port for venues that answer at once (the simulator's broker): no promise per call in hot loops. */
export interface SyncBroker {
  placeLimit(request: PlaceLimitRequest): PlaceResult;
  cancel(orderId: string): CancelResult;
  openOrders(): OpenOrder[];
  positions(): Position[];
  account(): Account;
}
