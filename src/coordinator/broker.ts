import type { Account, AssetClass, OpenOrder, OrderRole, Position, Side } from '../core/types.js';

/**
 * The Broker port (DESIGN §5). Adapters: SimBroker (simulator), the in-memory test broker, Replay and Alpaca.
 * Every method reports the venue's truth; `cancel` resolves only when the venue has confirmed.
 */
export interface PlaceLimitRequest {
  /** Idempotent: placing the same client order id twice yields the same order, never two. */
  clientOrderId: string;
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  role: OrderRole;
  limitPrice: number;
  qty: number;
}

export type PlaceResult = { ok: true; orderId: string } | { ok: false; reason: string };

/**
 * `cancelled`: the venue confirmed; `filledQty` (cumulative) is what filled before the cancel took effect.
 * `filled`: the order filled completely before the cancel could act (a fill raced the cancel).
 * `rejected`: the venue refused the cancel; the order's state is unknown to the caller until reconciled.
 */
export type CancelResult =
  | { status: 'cancelled'; filledQty: number; fillPrice?: number }
  | { status: 'filled'; filledQty: number; fillPrice: number }
  | { status: 'rejected'; reason: string };

export interface BrokerState {
  account: Account;
  orders: OpenOrder[];
  positions: Position[];
}

export interface Broker {
  placeLimit(request: PlaceLimitRequest): Promise<PlaceResult>;
  cancel(orderId: string): Promise<CancelResult>;
  openOrders(): Promise<OpenOrder[]>;
  positions(): Promise<Position[]>;
  account(): Promise<Account>;
}

/** The same port for venues that answer at once (the simulator's broker): no promise per call in hot loops. */
export interface SyncBroker {
  placeLimit(request: PlaceLimitRequest): PlaceResult;
  cancel(orderId: string): CancelResult;
  openOrders(): OpenOrder[];
  positions(): Position[];
  account(): Account;
}
