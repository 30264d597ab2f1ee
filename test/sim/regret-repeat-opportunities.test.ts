import { describe, expect, it } from 'vitest';
import { stealRegret } from '../../src/sim/regret.js';
import type { StealRecord } from '../../src/sim/sim-types.js';
import { series, type Bar } from '../support/bars.js';

/**
 * A victim re-placed and stolen again is one opportunity (README "The model: assumptions and limits";
 * src/sim/regret.ts): its totals count it once, at its first steal. An opportunity is its symbol, side, limit
 * and validity: a buy and a sell at one price are two.
 */

const H = 3_600_000;
const T0 = Date.parse('2024-06-03T00:00:00Z');
// AAAUSD at 100; bar 5 dips to 90 (a buy at 90 fills there), bar 6 stays at 92, bar 7 reaches 95 (its
// take-profit, filled at 95: the bar opens below it).
const bars: Bar[] = Array.from({ length: 24 }, (_, i) => ({ t: T0 + i * H, o: 100, h: 100, l: 100, c: 100 }));
bars[5] = { t: T0 + 5 * H, o: 100, h: 100, l: 90, c: 92 };
bars[6] = { t: T0 + 6 * H, o: 92, h: 92, l: 92, c: 92 };
bars[7] = { t: T0 + 7 * H, o: 92, h: 95, l: 92, c: 94 };
const all = [series('AAAUSD', 'crypto', bars)];
const closeTimes = [Float64Array.from(all[0]!.time, (t) => t + H)];

const victim = (orderId: string, side: 'buy' | 'sell', limitPrice: number) => ({
  orderId,
  symbol: 'AAAUSD',
  side,
  limitPrice,
  qty: 2,
  takeProfit: side === 'buy' ? 95 : 80,
  validUntil: T0 + 20 * H,
  placedAt: T0,
});
const steal = (k: number, v: StealRecord['victims'][number]): StealRecord => ({
  time: T0 + k * H,
  thief: 'BBBUSD',
  thiefOrderId: null,
  victims: [v],
  fight: false,
});
const regret = (steals: StealRecord[]) =>
  stealRegret({
    steals,
    trades: [],
    series: all,
    closeTimes,
    fees: { maker: 0, taker: 0 },
    exits: { stopLossPct: 0, timeStopHours: 0 },
  });

describe('steal regret counts each opportunity once', () => {
  it('a victim stolen, re-placed and stolen again adds its would-have PnL once', () => {
    // The buy at 90 fills in bar 5 and sells at 95 in bar 7: 2 × 5 = 10, whichever steal it is judged from.
    const r = regret([steal(1, victim('v1', 'buy', 90)), steal(3, victim('v2', 'buy', 90))]);
    expect(r.victims.map((v) => [v.victimOrderId, v.wouldHaveFilled, v.victimPnl, v.repeat])).toEqual([
      ['v1', true, 10, false],
      ['v2', true, 10, true],
    ]);
    expect(r.victimsEvaluated).toBe(1);
    expect(r.victimsThatWouldHaveFilled).toBe(1);
    expect(r.victimWouldHaveMade).toBeCloseTo(10, 12);
    expect(r.netRegret).toBeCloseTo(10, 12);
  });

  it('a buy and a sell at the same price and validity are two opportunities', () => {
    const r = regret([steal(1, victim('b', 'buy', 90)), steal(3, victim('s', 'sell', 90))]);
    expect(r.victims.map((v) => v.repeat)).toEqual([false, false]);
    expect(r.victimsEvaluated).toBe(2);
  });
});
