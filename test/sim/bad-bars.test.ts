import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { simulate } from '../../src/sim/engine.js';
import { series, flat } from '../support/bars.js';

const { config } = resolveConfig({
  layers: [
    {
      source: 'test',
      values: {
        marginRatePerYear: 0,
        sim: { initialEquity: 10_000, orderFraction: 0.5, feesBps: 0, slippageBps: 0, timeStopHours: 0 },
      },
    },
  ],
});

/** 50 BTC bought at 100 in the second hour, held flat at 100 for two and a half days, one bar bad. */
function run(field: 'open' | 'high' | 'low' | 'close', bad: number) {
  const bars = flat('2024-06-01T00:00:00Z', 60, 100);
  bars[1]!.l = 99;
  bars[22]![field === 'open' ? 'o' : field === 'high' ? 'h' : field === 'low' ? 'l' : 'c'] = bad;
  return simulate({
    series: [series('BTC', 'crypto', bars)],
    config,
    calendar: nyseCalendar(),
    signals: [
      {
        time: Date.parse('2024-06-01T01:00:00Z'),
        symbol: 'BTC',
        side: 'buy',
        entry: 100,
        takeProfit: 200,
        expectedPnl: 1,
        validUntil: Date.parse('2024-06-30T00:00:00Z'),
      },
    ],
  });
}

describe('a simulation over bars that are not prices', () => {
  it('flat bars at 100 keep equity at 10,000 every day', () => {
    expect(run('close', 100).equity.map((r) => r.equity)).toEqual([10_000, 10_000, 10_000]);
  });

  // Before: a NaN, 0 or negative close marked the 50 BTC at 0 (or below): the day's equity row read 5,000
  // (4,750 for −5) on an account that held 10,000 all along.
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    for (const bad of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) {
      it(`is refused, naming the bar and the value: ${field} ${bad}`, () => {
        let error: unknown;
        try {
          run(field, bad);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ValidationError);
        const issues = (error as ValidationError).issues;
        expect(issues[0]).toMatchObject({ where: `series[0] (BTC).${field}[22]` });
        expect(Object.is(issues[0]!.value, bad)).toBe(true);
      });
    }
  }

  it('bar times out of order are refused', () => {
    const bars = flat('2024-06-01T00:00:00Z', 5, 100);
    const s = series('BTC', 'crypto', bars);
    s.time[3] = s.time[2]!;
    expect(() => simulate({ series: [s], config, calendar: nyseCalendar(), signals: [] })).toThrow(
      /series\[0\] \(BTC\)\.time\[3\]: bar times must be finite and strictly ascending/,
    );
  });
});
