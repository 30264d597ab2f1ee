import type { Broker, CancelResult, PlaceLimitRequest, PlaceResult } from '../coordinator/broker.js';
import {
  orderTerms,
  type Account,
  type AssetClass,
  type OpenOrder,
  type OrderRole,
  type Position,
  type Side,
} from '../core/types.js';
import type { BarColumns } from '../core/types.js';

/**
 * What the live runtime needs of a venue beyond the coordinator's Broker port: the venue's own view of an
 * order (for recovery after a crash), order events (to reconcile before the next decision), buying power.
 */

export type VenueOrderStatus = 'open' | 'pending_cancel' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** The order as placed, with what the venue added: its id, fills and status. */
export interface VenueOrder extends PlaceLimitRequest {
  id: string;
  filledQty: number;
  fillPrice: number | null;
  status: VenueOrderStatus;
  placedAt: number;
}

export const isOpenStatus = (s: VenueOrderStatus): boolean => s === 'open' || s === 'pending_cancel';

export type OrderEvent =
  | {
      kind: 'new' | 'fill' | 'partial_fill' | 'pending_cancel' | 'canceled' | 'rejected' | 'expired';
      order: VenueOrder;
    }
  /** Events may have been missed (a stream reconnected): reconcile before the next decision. */
  | { kind: 'resync' };

export type OrderEventKind = Exclude<OrderEvent, { kind: 'resync' }>['kind'];

/** Buying power as the venue reports it, in notional (Alpaca's account fields). */
export interface BuyingPower {
  /** Crypto and other non-marginable assets (cash-like). */
  nonMarginable: number;
  /** Intraday, pattern-day-trader accounts (4x); 0 when the account has none. */
  daytrading: number;
  /** Reg-T (2x, overnight). */
  regt: number;
}

export interface BrokerAccount extends Account {
  buyingPower?: BuyingPower;
}

/** A position as a live venue reports it: with its unrealised PnL when the venue knows its cost. */
export interface LivePosition extends Position {
  unrealizedPnl?: number;
}

/**
 * An order that must trade now (a time stop; an end-of-day trim). `price` is the last price the runtime
 * knows; Alpaca sends a marketable limit around it (see `AlpacaBroker.placeMarket`). The replay fills it as
 * the simulator does: at the open of the symbol's next tradable bar, or with `atClose` at the close of the
 * bar closing now (when there is none, also at the next tradable open).
 */
export interface MarketOrderRequest {
  clientOrderId: string;
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  role: OrderRole;
  qty: number;
  price: number;
  /** An end-of-day trim: the close now (a market-on-close order). */
  atClose?: boolean;
}

export interface LiveBroker extends Broker {
  readonly name: string;
  account(): Promise<BrokerAccount>;
  positions(): Promise<LivePosition[]>;
  /** Trade now (not through the coordinator: it adds no exposure); idempotent by client order id. */
  placeMarket(request: MarketOrderRequest): Promise<PlaceResult>;
  /** The venue's order with this client order id, open or closed; null when the venue never received it. */
  orderByClientId(clientOrderId: string): Promise<VenueOrder | null>;
  /**
   * The quantity and limit the venue would hold for this order, on its own steps; null when it cannot say
   * now (the symbol's steps not read yet: `loadVenueNumbers`) or the order could not be sent. Absent when the
   * venue takes the numbers as they are.
   */
  venueNumbers?(order: {
    symbol: string;
    assetClass: AssetClass;
    side: Side;
    qty: number;
    limitPrice: number;
  }): { qty: number; limitPrice: number } | null;
  /** Reads what `venueNumbers` needs to know of a symbol (Alpaca: its asset entity's steps). */
  loadVenueNumbers?(symbol: string, assetClass: AssetClass): Promise<void>;
  /** Order events as they happen. Returns a function that stops listening. */
  onOrderEvent(listener: (event: OrderEvent) => void): () => void;
  /**
   * The venue's own spelling of a market (Alpaca: `BTC/USD` for `BTCUSD`), which its orders and positions
   * come back under. Absent when the venue keeps a symbol as it was sent.
   */
  symbolOf?(symbol: string, assetClass: AssetClass): string;
  close(): Promise<void>;
}

export interface Quote {
  bid: number;
  ask: number;
  /**
   * When the price was made (a replay: the close of the bar it comes from). Watchers are asked on a price
   * newer than the last they saw (src/session/asking.ts); without a time the price counts as made now.
   */
  time?: number;
}

/** Closed bars of one symbol, oldest first (bar open times). */
export interface BarWindow extends Omit<BarColumns, 'volume'> {
  symbol: string;
  intervalMs: number;
}

export interface MarketData {
  /** The last `count` bars that have closed by now; null when the symbol has none yet. */
  bars(symbol: string, count: number): Promise<BarWindow | null>;
  /** Current quotes; a symbol without a price is absent (no price is invented). */
  quotes(symbols: readonly string[]): Promise<Map<string, Quote>>;
}

/** A venue order's final state as the Broker port's cancel result. */
export function cancelResultOf(order: VenueOrder): CancelResult {
  if (order.status === 'filled') {
    return { status: 'filled', filledQty: order.filledQty, fillPrice: order.fillPrice ?? order.limitPrice };
  }
  if (order.status === 'canceled' || order.status === 'expired') {
    return order.filledQty > 0 && order.fillPrice !== null
      ? { status: 'cancelled', filledQty: order.filledQty, fillPrice: order.fillPrice }
      : { status: 'cancelled', filledQty: order.filledQty };
  }
  return { status: 'rejected', reason: `order ${order.id} is ${order.status}` };
}

/**
 * The coordinator's view of a venue order: what is still open of it (`qty` less what filled), with the
 * venue's cumulative fill (after a restart the ledger knows the order only from here, and a later cumulative
 * report must count from what had filled: placed = open + filled). What only we know (forecast PnL) is filled
 * in by the runtime. `price`: the order's side of the quote, null when there is none; `external`: placed by
 * someone else than worksteal.
 */
export function openOrderOf(o: VenueOrder, price: number | null, external: boolean): OpenOrder {
  return {
    id: o.id,
    ...orderTerms(o),
    qty: o.qty - o.filledQty,
    filledQty: o.filledQty,
    price,
    forecastPnl: 0,
    placedAt: o.placedAt,
    probe: false,
    external,
    clientOrderId: o.clientOrderId,
  };
}
