import type { AssetClass } from '../../core/types.js';
import { roleOfClientId } from '../../ports/order-ids.js';
import type {
  BrokerAccount,
  LivePosition,
  OrderEventKind,
  VenueOrder,
  VenueOrderStatus,
} from '../../ports/venue.js';
import type { AlpacaOrder } from './stream.js';
import { canonicalSymbol } from './symbols.js';

/** Alpaca's JSON as worksteal reads it: orders, account, positions (numbers arrive as strings). */

export interface AlpacaAccount {
  equity: string;
  cash: string;
  /** Deprecated by Alpaca on 2026-06-03 and removed from the account on 2026-07-06 (FINRA's intraday rule). */
  pattern_day_trader?: boolean;
  /**
   * The account's margin classification: "1" (1x), "2" (Reg T, 2x intraday and overnight), "4" (4x intraday,
   * 2x overnight). An account can be "4" without being flagged `pattern_day_trader` (Alpaca's own example is).
   */
  multiplier?: string;
  buying_power: string;
  regt_buying_power: string;
  daytrading_buying_power: string;
  non_marginable_buying_power: string;
  trading_blocked?: boolean;
  account_blocked?: boolean;
}

export interface AlpacaPosition {
  symbol: string;
  asset_class: string;
  qty: string;
  side?: string;
  current_price: string;
  unrealized_pl?: string;
}

/**
 * trade_updates events as order events. Not here, on purpose:
 * - `done_for_day`: the order stops trading for today but works again at the next session; it is not an
 *   end (treating it as one would resolve a pending cancel and free margin the order still holds);
 * - `order_cancel_rejected`: it answers a cancel, not the order's life (the broker handles it);
 * - `restated`, `replaced`, `suspended`: they ask for a reconcile instead (RESYNC_EVENTS).
 */
export const EVENT_KINDS: Readonly<Record<string, OrderEventKind>> = {
  new: 'new',
  fill: 'fill',
  partial_fill: 'partial_fill',
  pending_cancel: 'pending_cancel',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
};

/**
 * Events that change an order in ways worksteal does not model one by one — Alpaca restating it (a corporate
 * action moves its price or quantity), replacing it, suspending it: the ledger is behind, so a reconcile.
 */
export const RESYNC_EVENTS: ReadonlySet<string> = new Set(['restated', 'replaced', 'suspended']);

/**
 * Alpaca's final statuses (its docs: "no further updates will occur for the order"; `replaced`: another order
 * took its place); every other one (new, accepted, held, partially_filled, done_for_day, calculated, and
 * `suspended`, "not eligible for trading" for now but not ended) still holds its margin and stays open.
 * A `replaced` order is closed (read as `canceled`), but the replacing order holds its margin: every reader of
 * one order's status also asks for a reconcile then (`replacement` below; the broker's look-up, place.ts,
 * cancel-watch.ts, and the stream's RESYNC_EVENTS).
 */
const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  pending_cancel: 'pending_cancel',
  filled: 'filled',
  canceled: 'canceled',
  expired: 'expired',
  replaced: 'canceled',
  rejected: 'rejected',
};

/**
 * The order that took this one's place at Alpaca (a replace made elsewhere, by hand or another program), in
 * words: "order <id>", or "another order" when Alpaca does not say which. Null for an order not replaced. The
 * order is closed, but the replacing one holds its margin and the ledger does not know it.
 */
export function replacement(a: AlpacaOrder): string | null {
  if (a.status !== 'replaced') return null;
  return a.replaced_by ? `order ${a.replaced_by}` : 'another order';
}

/** Why a cancel of ours freed nothing: Alpaca replaced the order while the cancel was out. Null if it did not. */
export function replacedDuringCancel(a: AlpacaOrder): string | null {
  const by = replacement(a);
  if (by === null) return null;
  return `order ${a.id} was replaced by ${by} at Alpaca during its cancel; the replacing order holds the margin, so the ledger takes the venue's state`;
}

export const assetClassOf = (c: string | undefined): AssetClass => (c === 'crypto' ? 'crypto' : 'stock');

export function toVenueOrder(a: AlpacaOrder): VenueOrder {
  const assetClass = assetClassOf(a.asset_class);
  return {
    id: a.id,
    clientOrderId: a.client_order_id,
    symbol: canonicalSymbol(a.symbol, assetClass),
    assetClass,
    side: a.side,
    role: roleOfClientId(a.client_order_id) ?? 'entry',
    limitPrice: Number(a.limit_price ?? 0),
    qty: Number(a.qty ?? 0),
    filledQty: Number(a.filled_qty ?? 0),
    fillPrice:
      a.filled_avg_price === null || a.filled_avg_price === undefined ? null : Number(a.filled_avg_price),
    status: STATUS[a.status] ?? 'open',
    placedAt: Date.parse(a.submitted_at ?? a.created_at ?? '') || 0,
  };
}

export function toLivePosition(p: AlpacaPosition): LivePosition {
  const assetClass = assetClassOf(p.asset_class);
  const qty = Number(p.qty);
  const pnl = p.unrealized_pl === undefined ? Number.NaN : Number(p.unrealized_pl);
  return {
    symbol: canonicalSymbol(p.symbol, assetClass),
    assetClass,
    qty: p.side === 'short' && qty > 0 ? -qty : qty,
    price: Number(p.current_price),
    ...(Number.isFinite(pnl) ? { unrealizedPnl: pnl } : {}),
  };
}

/**
 * Whether the account has the 4x intraday tier (worksteal's `patternDayTrader`): Alpaca's multiplier says so;
 * the `pattern_day_trader` flag only says the account was flagged for day trading. Without a multiplier the
 * flag decides.
 */
function hasIntradayTier(a: AlpacaAccount): boolean {
  const text = typeof a.multiplier === 'string' ? a.multiplier.trim() : '';
  const m = text === '' ? Number.NaN : Number(text);
  return Number.isFinite(m) ? m >= 4 : Boolean(a.pattern_day_trader);
}

export function toBrokerAccount(a: AlpacaAccount): BrokerAccount {
  return {
    equity: Number(a.equity),
    patternDayTrader: hasIntradayTier(a),
    cash: Number(a.cash),
    buyingPower: {
      nonMarginable: Number(a.non_marginable_buying_power),
      daytrading: Number(a.daytrading_buying_power),
      regt: Number(a.regt_buying_power),
    },
  };
}
