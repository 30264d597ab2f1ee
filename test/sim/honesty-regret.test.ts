import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { simulationRegret } from '../../src/sim/run.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const MON = Date.parse('2024-06-03T00:00:00Z'); // EDT: the session is 13:30Z–20:00Z
const flat = (t: number, p: number): Bar => ({ t, o: p, h: p, l: p, c: p });
const session = (day: number, p: number): Bar[] =>
  [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5].map((h) => flat(MON + day * 24 * H + h * H, p));

const signal = (symbol: string, at: number, expectedPnl: number): ExternalSignal => ({
  time: at,
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 105,
  expectedPnl,
  validUntil: MON + 4 * 24 * H,
});

/**
 * Steal regret asks whether a victim would have filled had it been left alone. It must answer by the
 * simulator's own rules: a stock victim cannot fill in an after-market bar when the simulation could not.
 */
describe('steal regret follows the simulator fill rules', () => {
  it('a stock victim whose limit is reached only after the close would not have filled', () => {
    // AAA rests at 100, 0.5% below the price (inside the stock tolerance, outside protection); BBB comes to
    // 0.2% at 15:30Z and, with the account's 1x (equity under 2,000) taken, steals it. AAA then reaches its
    // limit and its take-profit only in after-market bars (20:00Z, 21:00Z); in the sessions it stays at 100.5.
    const aaa = [
      ...session(0, 100.5),
      { t: MON + 20 * H, o: 100.5, h: 100.5, l: 99.9, c: 100 },
      { t: MON + 21 * H, o: 100, h: 106, l: 100, c: 104 },
      ...session(1, 100.5),
      ...session(2, 100.5),
    ];
    const bbb = [...session(0, 100.2), ...session(1, 100.2), ...session(2, 100.2)];
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            victimRanking: 'distance',
            sim: { initialEquity: 1_500, orderFraction: 1, feesBps: 0, timeStopHours: 0 },
          },
        },
      ],
    });
    const all = [series('AAA', 'stock', aaa), series('BBB', 'stock', bbb)];
    const out = simulate({
      series: all,
      config,
      calendar: nyseCalendar(),
      signals: [signal('AAA', MON + 14.5 * H, 5), signal('BBB', MON + 15.5 * H, 1)],
    });
    // They steal back and forth (each is the other's nearer order in turn); the first is BBB's, of AAA.
    expect(out.steals[0]).toMatchObject({ thief: 'BBB', victims: [{ symbol: 'AAA', limitPrice: 100 }] });
    const regret = simulationRegret(config, all, out);
    const aaaVictims = regret.victims.filter((v) => v.victimSymbol === 'AAA');
    expect(aaaVictims.length).toBeGreaterThan(0);
    // Neither limit is reached in a regular-session bar: no victim would have filled, and none made money.
    for (const v of regret.victims) expect(v).toMatchObject({ wouldHaveFilled: false, victimPnl: 0 });
    expect(regret.victimWouldHaveMade).toBe(0);
  });
});
