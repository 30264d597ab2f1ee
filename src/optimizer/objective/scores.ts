/**
 * What a window of simulation is worth. Every score is "higher is better"; the optimiser minimises its
 * negative. The metrics come from `summarize` (daily equity curve; Sharpe and Sortino annualised with √365, or √252 for a stock-only portfolio).
 */
import type { ScoreName } from '../../core/config/optimize-schema.js';
import type { Summary } from '../../sim/metrics.js';

/** The part of a Summary the optimiser keeps per window (small enough to store for every evaluation). */
export interface WindowMetrics {
  totalReturn: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  pnl: number;
  winRate: number;
  trades: number;
  blocks: number;
  steals: number;
  days: number;
}

export function windowMetrics(s: Summary): WindowMetrics {
  return {
    totalReturn: s.totalReturn,
    sharpe: s.sharpe,
    sortino: s.sortino,
    maxDrawdown: s.maxDrawdown,
    pnl: s.pnl,
    winRate: s.winRate,
    trades: s.trades,
    blocks: s.blocks,
    steals: s.steals,
    days: s.days,
  };
}

/**
 * Drawdown floor for return-over-drawdown: a window that never fell would otherwise divide by zero, and one
 * that fell 0.01% would score a thousand times its return. 1% is below any drawdown a traded window shows.
 */
export const DRAWDOWN_FLOOR = 0.01;

const SCORES: Record<ScoreName, (m: WindowMetrics) => number> = {
  sharpe: (m) => m.sharpe,
  sortino: (m) => m.sortino,
  'return-over-drawdown': (m) => m.totalReturn / Math.max(m.maxDrawdown, DRAWDOWN_FLOOR),
  // The seed system's formula, kept for comparison. Its terms have units (dollars, counts), so its value
  // depends on the capital and the window length: compare it only across equal windows.
  'seed-formula': (m) => 0.5 * m.pnl + 1000 * m.sharpe + 2000 * m.winRate - 10 * m.blocks,
};

export const SCORE_DESCRIPTIONS: Record<ScoreName, string> = {
  sharpe: 'Sharpe ratio of daily returns (annualised, √365; √252 for stocks only)',
  sortino: 'Sortino ratio of daily returns (annualised, √365; √252 for stocks only)',
  'return-over-drawdown': `total return / max drawdown (drawdown floored at ${DRAWDOWN_FLOOR * 100}%)`,
  'seed-formula': "the seed system's 0.5·PnL + 1000·Sharpe + 2000·winRate − 10·blocks",
};

/** The score of one window; NaN (nothing to measure) counts as the worst possible score. */
export function score(name: ScoreName, m: WindowMetrics): number {
  const v = SCORES[name](m);
  return Number.isNaN(v) ? -Infinity : v;
}

/** Median (mean of the two middle values for an even count); -Infinity for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return -Infinity;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
