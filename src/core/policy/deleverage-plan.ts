import type { MarginTable } from '../config/schema.js';
import { overnightCheck, trimQtyFor, type OvernightCheck } from '../margin/deleverage.js';
import { notional } from '../margin/requirements.js';
import { rankEligible } from './candidates.js';
import type { CandidateTable } from './decision.js';
import { distance } from './distance.js';

/** What the end-of-day plan sees of an order or a position (the ledger's records fit). */
export interface DeleverageOrder {
  id: string;
  symbol: string;
  assetClass: 'crypto' | 'stock';
  role: string;
  side: 'buy' | 'sell';
  limitPrice: number;
  qty: number;
  price: number | null;
  forecastPnl: number;
  placedAt: number;
  external: boolean;
}

export interface DeleveragePosition {
  symbol: string;
  assetClass: 'crypto' | 'stock';
  qty: number;
  price: number;
  /** Unrealised PnL now; the largest loss is trimmed first. */
  unrealizedPnl: number;
  /**
   * Whether a trim can trade at this close (default true). False when the driver knows it cannot: the
   * simulator when the stock has no session bar closing now, live when a trim of it already waits for its next
   * bar. Such a position is trimmed only for what the tradable ones cannot cover (see planDeleverage).
   */
  tradable?: boolean;
}

export interface DeleveragePlan {
  check: OvernightCheck;
  /** Stock entry orders to cancel, furthest from their limit first (the distance ranking, under any ranking). */
  cancel: string[];
  /** Stock positions to reduce (quantity to close, positive), largest loss first. */
  trims: { symbol: string; qty: number; price: number }[];
  /** Margin still over capacity after every cancel and trim allowed (crypto alone over capacity). */
  remainingExcess: number;
}

/**
 * The end-of-day deleveraging plan (README "The model: assumptions and limits"). Phase `orders` (at
 * `deleverageLeadMinutes` before the close) cancels stock entry orders in the distance ranking's order until
 * the overnight margin fits; phase `positions` (at the close) also trims stock positions, largest loss first,
 * those that can trade at this close before those that cannot: a trim of a stock without a bar now only waits
 * for its next bar, so the margin stays held overnight; the others must cover what they can first (README
 * "The model: assumptions and limits", its Sessions point). Pure: the caller executes.
 */
export function planDeleverage(input: {
  phase: 'orders' | 'positions';
  equity: number;
  bufferPct: number;
  table: MarginTable;
  orders: readonly DeleverageOrder[];
  positions: readonly DeleveragePosition[];
  /** The resting entries' fees, held back from the capacity (OvernightCheckInput.heldBack). */
  heldBack?: number;
}): DeleveragePlan {
  let cryptoMargin = 0;
  let stockOrderNotional = 0;
  let stockPositionNotional = 0;
  const cryptoReq = input.table.crypto.requirement;
  for (const o of input.orders) {
    if (o.role !== 'entry') continue;
    if (o.assetClass === 'crypto') cryptoMargin += notional(o.qty, o.limitPrice) * cryptoReq;
    else stockOrderNotional += notional(o.qty, o.limitPrice);
  }
  for (const p of input.positions) {
    if (p.assetClass === 'crypto') cryptoMargin += notional(p.qty, p.price) * cryptoReq;
    else stockPositionNotional += notional(p.qty, p.price);
  }
  const check = overnightCheck({
    equity: input.equity,
    bufferPct: input.bufferPct,
    cryptoMargin,
    stockOrderNotional,
    stockPositionNotional,
    table: input.table,
    heldBack: input.heldBack ?? 0,
  });
  let excess = check.excess;
  const cancel: string[] = [];
  const trims: DeleveragePlan['trims'] = [];
  if (excess <= 1e-9) return { check, cancel, trims, remainingExcess: 0 };

  const stockOrders = input.orders.filter(
    (o) => o.role === 'entry' && o.assetClass === 'stock' && !o.external,
  );
  for (const o of rankedByVictimOrder(stockOrders)) {
    if (excess <= 1e-9) break;
    cancel.push(o.id);
    excess -= notional(o.qty, o.limitPrice) * check.requirement;
  }
  if (input.phase === 'positions' && excess > 1e-9) {
    const stockPositions = input.positions
      .filter((p) => p.assetClass === 'stock' && p.qty !== 0)
      .sort(
        (a, b) => waits(a) - waits(b) || a.unrealizedPnl - b.unrealizedPnl || (a.symbol < b.symbol ? -1 : 1),
      );
    for (const p of stockPositions) {
      if (excess <= 1e-9) break;
      const qty = trimQtyFor(excess, p.price, check.requirement, p.qty);
      trims.push({ symbol: p.symbol, qty, price: p.price });
      excess -= notional(qty, p.price) * check.requirement;
    }
  }
  return { check, cancel, trims, remainingExcess: Math.max(0, excess) };
}

/** 1 when a trim of the position would wait for a later bar, 0 when it trades at this close. */
const waits = (p: DeleveragePosition): number => (p.tradable === false ? 1 : 0);

/**
 * Orders in the distance ranking of README "The rules in one table" (the comparator the steal policy uses
 * under `distance`), whatever `victimRanking` says: the plan is made from the book alone, without the
 * session's valuations.
 */
function rankedByVictimOrder<T extends DeleverageOrder>(orders: readonly T[]): T[] {
  const n = orders.length;
  const table: CandidateTable = {
    orders: orders.map((o) =>
      Object.assign({}, o, { assetClass: o.assetClass, role: 'entry' as const, probe: false }),
    ),
    // An order without a price has no distance; nothing says it is about to fill, so it goes first.
    distance: Float64Array.from(orders, (o) =>
      o.price === null ? Number.MAX_VALUE : distance(o.side, o.price, o.limitPrice),
    ),
    margin: new Float64Array(n),
    notional: new Float64Array(n),
    reason: new Uint8Array(n),
  };
  return rankEligible(table).map((i) => orders[i]!);
}
