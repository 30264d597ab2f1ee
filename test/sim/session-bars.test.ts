import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';

/**
 * A stock trades only in bars of its regular session unless `extendedHours` is on (README
 * "The model: assumptions and limits"). Hand-made AAPL bars around Monday 2024-06-03 (session 13:30–20:00
 * UTC) with pre- and after-market bars that reach the order's prices, as the Databento AAPL/MSFT files have.
 */
const flat = (t: string, p: number): CsvBar => [t, p, p, p, p];
const BARS: CsvBar[] = [
  flat('2024-06-03T17:00:00', 100.2), // closes 18:00: the order is placed at 100 (in session)
  flat('2024-06-03T18:00:00', 100.2),
  flat('2024-06-03T19:00:00', 100.3), // the session's last bar, closes at 16:00 New York
  ['2024-06-03T20:00:00', 100.3, 100.3, 99, 99.5], // after-market: reaches the limit
  ['2024-06-03T21:00:00', 99.5, 112, 99, 100.3], // after-market: reaches both the limit and 110
  ['2024-06-04T08:00:00', 100.3, 112, 99, 100.3], // pre-market
  ['2024-06-04T13:00:00', 100.3, 112, 99, 100.3], // opens 09:00 New York: pre-market
  ['2024-06-04T14:00:00', 100.3, 100.4, 99.5, 100.2], // regular session: the entry fills here
  ['2024-06-04T15:00:00', 100.2, 100.4, 100, 100.2],
  ['2024-06-04T20:00:00', 100.2, 112, 100, 111], // after-market: reaches the take-profit
  ['2024-06-05T14:00:00', 100.2, 111, 100, 110.5], // regular session: the take-profit fills here
  flat('2024-06-05T15:00:00', 110.5),
];

const signal: ExternalSignal = {
  time: Date.parse('2024-06-03T18:00:00Z'),
  symbol: 'AAPL',
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-10T00:00:00Z'),
};

async function run(values: Record<string, unknown>) {
  const series = await loadCsvBars({ AAPL: BARS });
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: { sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 0 }, ...values },
      },
    ],
  });
  return simulate({ series, config, calendar: nyseCalendar(), signals: [signal] });
}

describe('stocks trade only in regular-session bars (hand-made CSV)', () => {
  it('no entry fill or take-profit in pre- or after-market bars', async () => {
    const out = await run({});
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-04T15:00:00Z'),
      entryPrice: 100,
      exitTime: Date.parse('2024-06-05T15:00:00Z'),
      exitPrice: 110,
      exitReason: 'take-profit',
    });
  });

  it('a time stop waits for the next regular-session bar and exits at its open', async () => {
    const out = await run({ sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 1 } });
    // Entry filled in the 14:00 bar; the time stop is due at the 16:00 UTC decision... the 15:00 bar closes at
    // 16:00, the next AAPL bar (20:00 UTC) is after-market, so the exit is at the 2024-06-05 14:00 open.
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-04T15:00:00Z'),
      exitTime: Date.parse('2024-06-05T15:00:00Z'),
      exitPrice: 100.2,
      exitReason: 'time-stop',
    });
  });

  it('with extendedHours an order placed in the session is GTC: still no fill in the after-market', async () => {
    // Placed at 14:00 New York (a GTC limit without extended hours at Alpaca) and armed at 11:00 New York,
    // the entry and the take-profit work in regular-session bars only: the after-hours bars that cross them
    // fill nothing, the next regular bars do.
    const out = await run({ extendedHours: true });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-04T15:00:00Z'),
      entryPrice: 100,
      exitTime: Date.parse('2024-06-05T15:00:00Z'),
      exitPrice: 110,
      exitReason: 'take-profit',
    });
  });
});
