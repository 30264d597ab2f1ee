import type { AssetClass } from '../core/types.js';
import type { SimOutput } from './sim-types.js';

export interface Summary {
  initialEquity: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number;
  /** Daily returns, mean / stdev × √annualisationDays. */
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  days: number;
  trades: number;
  winRate: number;
  /** The closed trades' PnL after their fees; margin interest is not in it (interestPaid is). */
  pnl: number;
  turnover: number;
  feesPaid: number;
  interestPaid: number;
  stealAttempts: number;
  steals: number;
  stealSuccessRate: number;
  blocks: number;
  blocksByReason: Record<string, number>;
  fights: number;
  protectedSkips: number;
  places: number;
  waits: number;
  deleverageCancels: number;
  deleverageTrims: number;
  maxMarginUtilization: number;
  /** The days per year Sharpe and Sortino are annualised with (see annualisationDays). */
  annualisationDays: number;
}

/**
 * Days per year for annualising daily ratios: the equity curve has a row per day with a step (a bar closing,
 * or a stock run's end-of-day steps; tradingDayOf).
 * Crypto trades every day (365 rows a year); a stock-only portfolio has rows on trading days only (about 252
 * a year), and √365 would understate its Sharpe by about a sixth.
 */
export function annualisationDays(assetClasses: readonly AssetClass[]): number {
  return assetClasses.length === 0 || assetClasses.includes('crypto') ? 365 : 252;
}

/**
 * The PnL of each exit: rows of one entry closed at one time for one reason are one exit (the simulator writes
 * one row per exit; records in an earlier format split one exit into several rows). Two exits of one entry
 * at one time for different reasons (a trim at the last close and the end of data) are two exits, as in the
 * trade list. The win rate counts exits.
 */
function exitPnls(trades: SimOutput['trades']): number[] {
  const byExit = new Map<string, number>();
  for (const t of trades) {
    const key = `${t.symbol}|${t.entryOrderId}|${t.exitTime}|${t.exitReason}`;
    byExit.set(key, (byExit.get(key) ?? 0) + t.pnl);
  }
  return [...byExit.values()];
}

/** The metrics of README "The model: assumptions and limits", from a daily equity curve and the trades. */
export function summarize(
  input: Pick<
    SimOutput,
    | 'equity'
    | 'trades'
    | 'counters'
    | 'initialEquity'
    | 'finalEquity'
    | 'feesPaid'
    | 'interestPaid'
    | 'tradedNotional'
  > & { annualisationDays?: number },
): Summary {
  const days = input.annualisationDays ?? 365;
  const eq = input.equity.map((r) => r.equity);
  const returns: number[] = [];
  let prev = input.initialEquity;
  for (const e of eq) {
    returns.push(prev > 0 ? e / prev - 1 : 0);
    prev = e;
  }
  const n = returns.length;
  const mean = n ? returns.reduce((a, b) => a + b, 0) / n : 0;
  const variance = n > 1 ? returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  const downside = n > 1 ? Math.sqrt(returns.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / (n - 1)) : 0;
  const sd = Math.sqrt(variance);
  const ann = Math.sqrt(days);
  let peak = input.initialEquity;
  let maxDrawdown = 0;
  for (const e of eq) {
    peak = Math.max(peak, e);
    if (peak > 0) maxDrawdown = Math.max(maxDrawdown, 1 - e / peak);
  }
  const totalReturn = input.finalEquity / input.initialEquity - 1;
  const first = input.equity[0]?.time;
  const last = input.equity[input.equity.length - 1]?.time;
  const years =
    first !== undefined && last !== undefined ? Math.max(1, last - first) / (365.25 * 86_400_000) : 0;
  const cagr =
    years > 0 && input.finalEquity > 0
      ? (input.finalEquity / input.initialEquity) ** (1 / years) - 1
      : Number.NaN;
  const exits = exitPnls(input.trades);
  const wins = exits.filter((pnl) => pnl > 0).length;
  const avgEquity = eq.length ? eq.reduce((a, b) => a + b, 0) / eq.length : input.initialEquity;
  const c = input.counters;
  const blocks = Object.values(c.blocks).reduce((a, b) => a + b, 0);
  return {
    initialEquity: input.initialEquity,
    finalEquity: input.finalEquity,
    totalReturn,
    cagr,
    sharpe: sd > 0 ? (mean / sd) * ann : 0,
    sortino: downside > 0 ? (mean / downside) * ann : 0,
    maxDrawdown,
    days: n,
    trades: exits.length,
    winRate: exits.length ? wins / exits.length : 0,
    pnl: input.trades.reduce((a, t) => a + t.pnl, 0),
    turnover: avgEquity > 0 ? input.tradedNotional / avgEquity : 0,
    feesPaid: input.feesPaid,
    interestPaid: input.interestPaid,
    stealAttempts: c.stealAttempts,
    steals: c.steals,
    stealSuccessRate: c.stealAttempts ? c.steals / c.stealAttempts : 0,
    blocks,
    blocksByReason: { ...c.blocks },
    fights: c.fights,
    protectedSkips: c.protectedSkips,
    places: c.places,
    waits: c.waits,
    deleverageCancels: c.deleverageCancels,
    deleverageTrims: c.deleverageTrims,
    maxMarginUtilization: c.maxUtilization,
    annualisationDays: days,
  };
}
