import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/sim/metrics.js';
import type { SimOutput } from '../../src/sim/sim-types.js';

/**
 * The daily ratios, drawdown and CAGR of summarize() on curves small enough to compute by hand (README
 * "The model: assumptions and limits"): sample standard deviations (n − 1), drawdown from the initial equity,
 * a year of 365.25 days.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function curve(initialEquity: number, rows: [number, number][]) {
  return summarize({
    equity: rows.map(([time, equity]) => ({ time, equity })) as unknown as SimOutput['equity'],
    trades: [],
    counters: { blocks: {} } as never,
    initialEquity,
    finalEquity: rows[rows.length - 1]![1],
    feesPaid: 0,
    interestPaid: 0,
    tradedNotional: 0,
    annualisationDays: 365,
  });
}

describe('summary metrics by hand', () => {
  it('Sharpe and Sortino use n − 1; the drawdown counts a first-day loss from the initial equity', () => {
    // 100 → 90 → 99 → 108.9: daily returns −10%, +10%, +10%.
    const s = curve(100, [
      [T0, 90],
      [T0 + DAY, 99],
      [T0 + 2 * DAY, 108.9],
    ]);
    // mean = 0.1/3; squared deviations (−0.4/3)², (0.2/3)², (0.2/3)² sum to 0.24/9; over n − 1 = 2: 0.04/3,
    // sd = 0.2/√3, so mean/sd = 1/(2√3) = 1/√12 and Sharpe = √(365/12) (over n the sd is 0.2·√2/3).
    expect(s.sharpe).toBeCloseTo(Math.sqrt(365 / 12), 9);
    // Downside: only −10% counts, √(0.01/2) = 0.1/√2; mean/downside = √2/3, Sortino = √(2·365/9).
    expect(s.sortino).toBeCloseTo(Math.sqrt((2 * 365) / 9), 9);
    // The peak before any row is the initial equity: 100 → 90 is a 10% drawdown on day one.
    expect(s.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(s.totalReturn).toBeCloseTo(0.089, 12);
    expect(s.days).toBe(3);
  });

  it('CAGR: a year is 365.25 days, so +21% over two such years is exactly 10% a year', () => {
    const s = curve(100, [
      [T0, 100],
      [T0 + 2 * 365.25 * DAY, 121],
    ]);
    expect(s.cagr).toBeCloseTo(0.1, 12);
  });
});
