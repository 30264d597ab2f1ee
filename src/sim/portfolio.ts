import type { AssetClass, Side } from '../core/types.js';
import { takeProfitOrder } from '../session/exits.js';
import type { LiquidityRole } from './costs.js';

export type ExitReason = 'take-profit' | 'stop' | 'time-stop' | 'deleverage' | 'end-of-data';

export interface TradeRecord {
  symbol: string;
  side: Side;
  qty: number;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  pnl: number;
  fees: number;
  exitReason: ExitReason;
  /** The entry order's id, to link a stealer's order to the trade it made. */
  entryOrderId: string;
  /** The entry order's limit as placed (the signal's entry rounded to the venue's tick). */
  entryLimit: number;
  /** The take-profit limit as placed (the signal's, rounded to the venue's tick), whether or not it filled. */
  takeProfit: number;
  /** Liquidity role of the entry fill: taker where the bar opened through the limit (limitFillRole). */
  entryRole: LiquidityRole;
  /** Liquidity role of the exit fill: a take-profit's by the same rule; every other exit is a market order. */
  exitRole: LiquidityRole;
}

export interface OpenPosition {
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  qty: number;
  entryPrice: number;
  entryTime: number;
  entryFees: number;
  entryOrderId: string;
  /** The entry order's limit as placed, and the liquidity role its fill took. */
  entryLimit: number;
  entryRole: LiquidityRole;
  takeProfit: number;
  stopPrice: number | null;
  timeStopAt: number | null;
  tpOrderId: string | null;
}

/** What opening a position takes: the position, its entry limit and fill role optional (see Portfolio.open). */
export type PositionOpening = Omit<OpenPosition, 'entryFees' | 'entryLimit' | 'entryRole'> &
  Partial<Pick<OpenPosition, 'entryLimit' | 'entryRole'>>;

/**
 * Cash and positions of the simulated account. Buying spends cash (it may go negative: that is the margin
 * debit that accrues interest); selling returns it. Every fill pays the fee rate its caller gives (by asset
 * class and liquidity role, src/sim/costs.ts).
 */
export class Portfolio {
  cash: number;
  feesPaid = 0;
  interestPaid = 0;
  tradedNotional = 0;
  readonly trades: TradeRecord[] = [];
  readonly positions = new Map<string, OpenPosition>();
  /** Each symbol's latest trade row, which a further part of the same exit joins. */
  private readonly lastExit = new Map<string, TradeRecord>();

  constructor(initialCash: number) {
    this.cash = initialCash;
  }

  /**
   * Open a position filled at `p.entryPrice`, paying `feeRate` of its notional. The simulator gives the entry
   * order's limit and the fill's role; without them the fill is taken for a resting order's at its own limit.
   */
  open(p: PositionOpening, feeRate: number): OpenPosition {
    const fee = Math.abs(p.qty * p.entryPrice) * feeRate;
    // Field by field, not `{ ...p, entryFees }`: a spread copy costs microseconds on V8's generic path, and a
    // run opens thousands of positions.
    const position: OpenPosition = {
      symbol: p.symbol,
      assetClass: p.assetClass,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      entryTime: p.entryTime,
      entryOrderId: p.entryOrderId,
      entryLimit: p.entryLimit ?? p.entryPrice,
      entryRole: p.entryRole ?? 'maker',
      takeProfit: p.takeProfit,
      stopPrice: p.stopPrice,
      timeStopAt: p.timeStopAt,
      tpOrderId: p.tpOrderId,
      entryFees: fee,
    };
    const sign = p.side === 'buy' ? 1 : -1;
    this.cash -= sign * p.qty * p.entryPrice + fee;
    this.feesPaid += fee;
    this.tradedNotional += Math.abs(p.qty * p.entryPrice);
    this.positions.set(p.symbol, position);
    return position;
  }

  /**
   * Close `qty` of a position at `price` (all of it by default), paying `feeRate`; records a trade for the
   * closed part. `role` is the exit fill's liquidity role: every exit but a take-profit is a market order
   * (taker, the default), so a take-profit passes the role its fill took.
   */
  close(
    symbol: string,
    price: number,
    time: number,
    reason: ExitReason,
    feeRate: number,
    qty?: number,
    role: LiquidityRole = 'taker',
  ): TradeRecord | null {
    const p = this.positions.get(symbol);
    if (!p) return null;
    const q = Math.min(p.qty, qty ?? p.qty);
    if (!(q > 0)) return null;
    const sign = p.side === 'buy' ? 1 : -1;
    const fee = Math.abs(q * price) * feeRate;
    const entryFeeShare = p.entryFees * (q / p.qty);
    this.cash += sign * q * price - fee;
    this.feesPaid += fee;
    this.tradedNotional += Math.abs(q * price);
    const last = this.lastExit.get(symbol);
    if (
      last &&
      last.exitTime === time &&
      last.exitReason === reason &&
      last.entryOrderId === p.entryOrderId
    ) {
      // One exit, one trade row (README "The model: assumptions and limits"): a second part of the same exit
      // in the same step joins its row.
      last.exitPrice = (last.exitPrice * last.qty + price * q) / (last.qty + q);
      last.qty += q;
      last.pnl += sign * q * (price - p.entryPrice) - fee - entryFeeShare;
      last.fees += fee + entryFeeShare;
      this.shrink(p, q, entryFeeShare);
      return last;
    }
    const trade: TradeRecord = {
      symbol,
      side: p.side,
      qty: q,
      entryTime: p.entryTime,
      entryPrice: p.entryPrice,
      exitTime: time,
      exitPrice: price,
      pnl: sign * q * (price - p.entryPrice) - fee - entryFeeShare,
      fees: fee + entryFeeShare,
      exitReason: reason,
      entryOrderId: p.entryOrderId,
      entryLimit: p.entryLimit,
      takeProfit: takeProfitOrder(p.assetClass, p.side, q, p.takeProfit).limitPrice,
      entryRole: p.entryRole,
      exitRole: role,
    };
    this.trades.push(trade);
    this.lastExit.set(symbol, trade);
    this.shrink(p, q, entryFeeShare);
    return trade;
  }

  private shrink(p: OpenPosition, q: number, entryFeeShare: number): void {
    if (q >= p.qty - 1e-12) this.positions.delete(p.symbol);
    else {
      p.qty -= q;
      p.entryFees -= entryFeeShare;
    }
  }

  chargeInterest(amount: number): void {
    this.cash -= amount;
    this.interestPaid += amount;
  }

  /**
   * Net notional at the given marks: longs less shorts (the margin-interest debit is what of it equity does not
   * cover: the negative cash balance, core/margin/interest.ts overnightDebit).
   */
  netNotional(mark: (symbol: string) => number): number {
    let sum = 0;
    for (const p of this.positions.values()) {
      const value = p.qty * mark(p.symbol);
      sum += p.side === 'buy' ? value : -value;
    }
    return sum;
  }

  equity(mark: (symbol: string) => number): number {
    let value = this.cash;
    for (const p of this.positions.values()) value += (p.side === 'buy' ? 1 : -1) * p.qty * mark(p.symbol);
    return value;
  }
}
