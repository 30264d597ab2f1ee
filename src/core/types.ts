/**
 * The domain vocabulary of README "The rules in one table", as plain data. Everything in core and coordinator
 * speaks these types; times are epoch milliseconds (UTC) so that hot loops never allocate Date objects.
 */

export type AssetClass = 'crypto' | 'stock';
export const ASSET_CLASSES: readonly AssetClass[] = ['crypto', 'stock'];

export type Side = 'buy' | 'sell';
export const SIDES: readonly Side[] = ['buy', 'sell'];

/** Only `entry` orders can ever be victims; the other roles protect positions. */
export type OrderRole = 'entry' | 'take-profit' | 'stop' | 'exit';
export const ORDER_ROLES: readonly OrderRole[] = ['entry', 'take-profit', 'stop', 'exit'];

/** Epoch milliseconds, UTC. */
export type TimeMs = number;

/** A resting order as the coordinator sees it. */
export interface OpenOrder {
  id: string;
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  role: OrderRole;
  limitPrice: number;
  /** The quantity still open (what holds margin); the order was placed with `qty + filledQty`. */
  qty: number;
  /**
   * Cumulative quantity filled so far, as the venue reports it (Alpaca's `filled_qty`); absent means 0.
   * Without it a partly filled order read back from the venue would look unfilled, and its cumulative fill
   * would be counted a second time.
   */
  filledQty?: number;
  /** Current reference price (ask for a buy, bid for a sell); null when unknown: such an order is never a victim. */
  price: number | null;
  forecastPnl: number;
  placedAt: TimeMs;
  probe: boolean;
  /** Not placed by us (another program, or by hand): never touched. */
  external: boolean;
  /** The client order id the venue holds the order under; only on an order read back from a venue. */
  clientOrderId?: string;
  /**
   * Set only in what a decision is given, never in the ledger: our order whose cancel this saga has asked for
   * and the venue has not answered yet (src/coordinator/claims.ts). It holds its margin until the answer, and
   * is no candidate and no replaced order for anyone meanwhile (reason `pending-cancel`).
   */
  pendingCancelBy?: string;
}

/**
 * What an order is, apart from who holds it and how far it got: the same six fields in a place request, a
 * venue's order, a stored row, a bot's report and an open order. `qty` is the shape's own quantity: the one
 * placed in a request, the one still open in an OpenOrder (the same number until something fills).
 */
export type OrderTerms = Pick<OpenOrder, 'symbol' | 'assetClass' | 'side' | 'role' | 'limitPrice' | 'qty'>;

/**
 * Exactly an order's terms (no other key of `o`), so a new term is added here once. `role`: for a shape that
 * has none (an EntryRequest is an entry). Spread it after a field of the copy's own,
 * `{ id, ...orderTerms(o), price }`: a copy that starts with the spread (`{ ...orderTerms(o), id }`) kept the
 * spread object alive through young-generation collections on Node 20 (docs/service.md, "Young-generation
 * survivors").
 */
export function orderTerms(o: OrderTerms): OrderTerms;
export function orderTerms(o: Omit<OrderTerms, 'role'>, role: OrderRole): OrderTerms;
export function orderTerms(o: Omit<OrderTerms, 'role'> & { role?: OrderRole }, role?: OrderRole): OrderTerms {
  return {
    symbol: o.symbol,
    assetClass: o.assetClass,
    side: o.side,
    role: role ?? o.role!,
    limitPrice: o.limitPrice,
    qty: o.qty,
  };
}

export interface Position {
  symbol: string;
  assetClass: AssetClass;
  /** Signed quantity: negative is short. Margin uses the absolute notional. */
  qty: number;
  /** Marking price. */
  price: number;
}

export interface Account {
  equity: number;
  patternDayTrader: boolean;
  /** Cash balance as the broker reports it (negative = a margin loan); informational. */
  cash?: number;
  /**
   * A cap on margin capacity from the broker's buying power (docs/live.md), in margin dollars. Capacity is
   * the smaller of this and `equity × (1 − bufferPct)`; equity itself still picks the margin tier and the
   * order size. Absent: no cap (the simulator, or a broker that reports no buying power).
   */
  capacityCap?: number;
}

export interface EntryRequest {
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  limitPrice: number;
  /** The quantity still open (what holds margin); the order was placed with `qty + filledQty`. */
  qty: number;
  /**
   * Cumulative quantity filled so far, as the venue reports it (Alpaca's `filled_qty`); absent means 0.
   * Without it a partly filled order read back from the venue would look unfilled, and its cumulative fill
   * would be counted a second time.
   */
  filledQty?: number;
  /** Current reference price (ask for a buy, bid for a sell). */
  price: number;
  forecastPnl: number;
  /** 1-based forecast rank among cryptos; null when not ranked. */
  cryptoRank: number | null;
}

/** One past steal, as remembered for cooldowns and fight detection. */
export interface StealEvent {
  at: TimeMs;
  thief: string;
  victim: string;
}

export type Action = 'wait' | 'place' | 'steal' | 'block';

export type BlockReason =
  | 'not-ready-to-steal'
  | 'no-eligible-victims'
  | 'victims-insufficient'
  | 'on-cooldown'
  | 'stealing-disabled'
  | 'margin'
  /**
   * Equity at or below 0 (a wiped-out account): the capacity is 0, so no free margin and no victims could ever
   * make room; nothing is placed or stolen for until equity is above 0.
   */
  | 'no-capacity'
  /** Value rankings: the stealer's EV does not beat its victims' by the margin the config asks (or is unknown). */
  | 'steal-not-worth'
  /** The requester's symbol has made `stealBudgetPerDay` steals in the last 24 hours. */
  | 'steal-budget'
  /**
   * A sell entry that would open a short the venue refuses: any crypto (cash-only), a stock below
   * `margin.stock.marginMinEquity` (entryAllowed). Nothing is placed or cancelled for it.
   */
  | 'no-shorting';

/** `fill-unlikely`: a force-immediate order whose fill chance is below `forceImmediateMinFillProbability`. */
export type WaitReason = 'outside-tolerance' | 'market-closed' | 'fill-unlikely';

/** Why an order could not be a victim (the candidate reasons of README "The rules in one table"). */
export type IneligibleReason =
  | 'external'
  | 'not-entry'
  | 'probe'
  | 'same-symbol'
  | 'no-price'
  | 'protected-distance'
  | 'too-young'
  | 'cooldown'
  | 'fight-pnl'
  /** Value rankings: chance to fill within the next bar ≥ `protectionFillProbability`. */
  | 'protected-fill-probability'
  /** Value rankings: no fill probability or value yet (too little history): never a victim on a guess. */
  | 'no-estimate'
  /** Our order that a saga in flight is cancelling, its cancel not answered yet (`pendingCancelBy`). */
  | 'pending-cancel';

export type ToleranceTier = 'stock-normal' | 'crypto-normal' | 'crypto-out-of-hours' | 'force-immediate';

/** Bars as columns (one typed array per field, bar open times in epoch ms): how every layer passes them. */
export interface BarColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}
