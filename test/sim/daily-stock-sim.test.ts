import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate, type LimitFill } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';

/**
 * Daily stock files: each bar is its day's session (marketdata/daily.ts), known at the session's close. An
 * entry asked at that close goes out in the after-hours session (extendedHours; in the regular session's
 * closed hours the policy waits, market-closed) as Alpaca's DAY limit with extended hours: it works in that
 * evening's after-hours only and lapses at 20:00 New York, and a daily file has no bar then. So a daily stock
 * places orders that never fill, as at Alpaca: no stock trade, while the crypto beside it trades.
 */
describe('a simulation on daily stock bars', () => {
  it('places stock entries at the close that lapse unfilled the same evening', async () => {
    const loaded = await loadReal([
      'alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv',
      'alpaca-yfinance-foundationdigitallabs/MSFT.csv',
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
    ]);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const { config } = resolveConfig({ layers: [{ source: 'test', values: { extendedHours: true } }] });
    const fills: LimitFill[] = [];
    const out = simulate({
      series,
      config,
      calendar,
      assertInvariants: true,
      onLimitFill: (f) => fills.push(f),
    });
    const isStock = (symbol: string) => symbol === 'AAPL' || symbol === 'MSFT';
    const stockPlaces = out.decisions.filter(
      (d) => isStock(d.symbol) && (d.action === 'place' || d.action === 'steal'),
    );
    expect(stockPlaces.length).toBeGreaterThan(0);
    // Each was placed after hours (a session's close), so it could only have filled that same New York day.
    for (const d of stockPlaces) expect(calendar.isRegularSession(d.time)).toBe(false);
    expect(out.trades.filter((t) => isStock(t.symbol))).toEqual([]);
    expect(fills.filter((f) => isStock(f.symbol))).toEqual([]);
    expect(out.trades.some((t) => t.symbol === 'SOLUSDT')).toBe(true);
  });
});
