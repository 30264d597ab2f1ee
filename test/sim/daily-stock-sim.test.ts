import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';

/**
 * Daily stock files trade: each bar is its day's session (marketdata/daily.ts), known at the session's close.
 * An entry asked at that close rests in the after-hours session (extendedHours; in the regular session's
 * closed hours the policy waits, market-closed) and fills in a later session's bar, never before it opens.
 */
describe('a simulation on daily stock bars', () => {
  it('fills stock orders, each in a bar of a regular session, never before the order was placed', async () => {
    const loaded = await loadReal([
      'alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv',
      'alpaca-yfinance-foundationdigitallabs/MSFT.csv',
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
    ]);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const { config } = resolveConfig({ layers: [{ source: 'test', values: { extendedHours: true } }] });
    const out = simulate({ series, config, calendar, assertInvariants: true });
    const stockTrades = out.trades.filter((t) => t.symbol === 'AAPL' || t.symbol === 'MSFT');
    expect(stockTrades.length).toBeGreaterThan(0);
    expect(out.counters.places).toBeGreaterThan(0);

    /** The bar of `symbol` that closes at `t` (a fill happens at the close of the bar it fills in). */
    const barClosingAt = (symbol: string, t: number): number => {
      const k = series.findIndex((s) => s.symbol === symbol);
      return out.closeTimes[k]!.indexOf(t);
    };
    const offSession: string[] = [];
    for (const trade of stockTrades) {
      const s = series.find((x) => x.symbol === trade.symbol)!;
      for (const t of [trade.entryTime, trade.exitTime]) {
        const i = barClosingAt(trade.symbol, t);
        const session = i < 0 ? null : calendar.sessionAt(s.time[i]!);
        // The bar opens at a session's open and its fill is known at that session's close.
        if (!session || session.open !== s.time[i] || session.close !== t)
          offSession.push(new Date(t).toISOString());
      }
    }
    expect(offSession).toEqual([]);
  });
});
