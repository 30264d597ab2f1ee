import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { stealRegret } from '../../src/sim/regret.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const T0 = Date.parse('2024-06-01T00:00:00Z'); // Saturday: crypto out of hours all day

const bar = (i: number, p: number, low = p, high = p): Bar => ({
  t: T0 + i * H,
  o: p,
  h: high,
  l: low,
  c: p,
});

/**
 * AAAUSD rests 1% above its limit (inside the 4.7% out-of-hours tolerance, outside protection); BBBUSD
 * arrives at 0.2% and steals it. Later AAA dips to its limit and rallies to its take-profit.
 */
function stealAaa(aaaEntry: number) {
  const config = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          // The steal here is built for the distance rule.
          victimRanking: 'distance',
          cryptoOutOfHoursForceCount: 0,
          sim: { initialEquity: 10_000, orderFraction: 1, feesBps: 0, timeStopHours: 0 },
        },
      },
    ],
  }).config;
  const aaa = [
    bar(0, 101),
    bar(1, 101),
    bar(2, 101),
    bar(3, 101, 99.9, 101.2),
    bar(4, 104, 103, 106),
    bar(5, 104),
  ];
  const bbb = [bar(0, 100.2), bar(1, 100.2), bar(2, 100.2), bar(3, 100.2), bar(4, 100.2), bar(5, 100.2)];
  const signals: ExternalSignal[] = [
    {
      time: T0 + H,
      symbol: 'AAAUSD',
      side: 'buy',
      entry: aaaEntry,
      takeProfit: 105,
      expectedPnl: 5,
      validUntil: T0 + 24 * H,
    },
    {
      time: T0 + 2 * H,
      symbol: 'BBBUSD',
      side: 'buy',
      entry: 100,
      takeProfit: 101,
      expectedPnl: 1,
      validUntil: T0 + 24 * H,
    },
  ];
  const all = [series('AAAUSD', 'crypto', aaa), series('BBBUSD', 'crypto', bbb)];
  return { all, out: simulate({ series: all, config, calendar: nyseCalendar(), signals }) };
}

describe('steal regret', () => {
  it('a victim that would have filled later is counted with what it would have made', () => {
    const { all, out } = stealAaa(100);
    expect(out.steals).toHaveLength(1);
    expect(out.steals[0]).toMatchObject({
      thief: 'BBBUSD',
      victims: [{ symbol: 'AAAUSD', limitPrice: 100 }],
    });
    const regret = stealRegret({
      steals: out.steals,
      trades: out.trades,
      series: all,
      closeTimes: out.closeTimes,
      fees: { maker: 0, taker: 0 },
      exits: { stopLossPct: 0, timeStopHours: 0 },
    });
    // AAA would have filled at 100 in bar 3 and exited at its 105 take-profit in bar 4: 100 units × 5.
    expect(regret.victimsThatWouldHaveFilled).toBe(1);
    expect(regret.victimWouldHaveMade).toBeCloseTo(100 * 5, 6);
    // BBB never reached its limit: the stealer made nothing.
    expect(regret.stealersMade).toBe(0);
    expect(regret.netRegret).toBeCloseTo(500, 6);
  });

  it("records the victim's limit as its order had it: the signal's entry rounded to the venue's tick", () => {
    // Seven significant digits for crypto: a buy at 100.00004 rests at 100.0000.
    const { out } = stealAaa(100.00004);
    expect(out.steals[0]?.victims).toMatchObject([{ symbol: 'AAAUSD', limitPrice: 100 }]);
  });
});
