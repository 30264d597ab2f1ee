import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../src/sim/portfolio.js';
import { stealRegret } from '../../src/sim/regret.js';
import type { StealRecord } from '../../src/sim/sim-types.js';
import { flat, series } from '../support/bars.js';

const H = 3_600_000;
const START = '2024-06-03T00:00:00Z';
const T0 = Date.parse(START);
// AAA trades flat at 100 for two days: a victim resting at 90 never fills, so every victim outcome is 0.
const bars = [series('AAAUSD', 'crypto', flat(START, 48, 100))];
const closeTimes = [Float64Array.from(bars[0]!.time, (t) => t + H)];
const NO_FEES = { maker: 0, taker: 0 };
const NO_STOPS = { stopLossPct: 0, timeStopHours: 0 };

/** Steal k at hour k: its stealer order `t<k>` made `made[k]`; its victim rests at 90 (distinct limits). */
function run(made: readonly number[]) {
  const steals: StealRecord[] = made.map((_, k) => ({
    time: T0 + k * H,
    thief: 'AAAUSD',
    thiefOrderId: `t${k}`,
    victims: [
      {
        orderId: `v${k}`,
        symbol: 'AAAUSD',
        side: 'buy',
        limitPrice: 90 - k * 0.01,
        qty: 1,
        takeProfit: 95,
        validUntil: T0 + (k + 5) * H,
        placedAt: T0 + k * H,
      },
    ],
    fight: false,
  }));
  const trades: TradeRecord[] = made.map((pnl, k) => ({
    symbol: 'AAAUSD',
    side: 'buy',
    qty: 1,
    entryTime: T0 + (k + 1) * H,
    entryPrice: 100,
    exitTime: T0 + (k + 2) * H,
    exitPrice: 100 + pnl,
    pnl,
    fees: 0,
    exitReason: 'take-profit',
    entryOrderId: `t${k}`,
    entryLimit: 100,
    takeProfit: 100 + pnl,
    entryRole: 'maker',
    exitRole: 'maker',
  }));
  return stealRegret({ steals, trades, series: bars, closeTimes, fees: NO_FEES, exits: NO_STOPS });
}

describe('the standard error of net steal regret', () => {
  it('is that of a sum of independent outcomes: √(n·sample variance) over the stealers and the victims', () => {
    const r = run([300, -100, 100]);
    expect(r.victimsThatWouldHaveFilled).toBe(0);
    expect(r.netRegret).toBeCloseTo(-300, 9);
    // Stealer outcomes 300, −100, 100: mean 100, squared deviations 40,000 + 40,000 + 0; times 3/2.
    expect(r.netRegretStandardError).toBeCloseTo(Math.sqrt(120_000), 9);
  });

  it('is 0 for one steal or for identical outcomes, and scales with the outcomes but not with their level', () => {
    expect(run([500]).netRegretStandardError).toBe(0);
    expect(run([200, 200, 200]).netRegretStandardError).toBeCloseTo(0, 9);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: -1_000, max: 1_000 }),
        (made, scale, shift) => {
          const se = run(made).netRegretStandardError;
          expect(se).toBeGreaterThanOrEqual(0);
          expect(run(made.map((x) => x * scale)).netRegretStandardError).toBeCloseTo(se * scale, 6);
          expect(run(made.map((x) => x + shift)).netRegretStandardError).toBeCloseTo(se, 6);
        },
      ),
      { seed: 25, numRuns: 100 },
    );
  });
});
