/**
 * Crypto trades cash-only (1x): a sell signal of a crypto symbol would open a short, which needs the coin
 * borrowed and which Alpaca refuses (its crypto assets are not shortable). No entry asks for one, in the
 * simulator or live (one rule, session/entry.ts), and `simulate`/`compare` say so when the signals hold such
 * rows. A stock may still be sold short, from `margin.stock.marginMinEquity` of equity up
 * (stock-shorts-min-equity.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { AssetClass, Side } from '../../src/core/types.js';
import { entryAllowed } from '../../src/core/margin/requirements.js';
import { blankRequest, fillEntryRequest } from '../../src/session/entry.js';
import { DEFAULT_SIZING } from '../../src/session/sizing.js';
import { simulate } from '../../src/sim/engine.js';
import { matchSignals, type ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';

const T0 = '2024-06-01T00:00:00'; // a Saturday: crypto only
const signal = (over: Partial<ExternalSignal> = {}): ExternalSignal => ({
  time: Date.parse('2024-06-01T01:00:00Z'),
  symbol: 'ETHUSD',
  side: 'sell',
  entry: 100,
  takeProfit: 90,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-03T00:00:00Z'),
  ...over,
});
const { config } = resolveConfig({
  layers: [
    { source: 'test', values: { sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 0 } } },
  ],
});

describe('no crypto shorts', () => {
  it('a crypto sell signal whose limit the bars reach places nothing and trades nothing; a buy does', async () => {
    // Bar 2 trades up through 100: a sell limit at 100 would fill there, a buy limit at 100 from below too.
    const bars = { ETHUSD: hourly(T0, 6, 99.8, { 2: [99.8, 100.5, 99.5, 100.2] }) };
    const short = simulate({
      series: await loadCsvBars(bars),
      config,
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    expect(short.trades).toEqual([]);
    expect(short.decisions.filter((d) => d.symbol === 'ETHUSD')).toEqual([]);
    expect(short.finalEquity).toBe(10_000);
    const long = simulate({
      series: await loadCsvBars(bars),
      config,
      calendar: nyseCalendar(),
      signals: [signal({ side: 'buy', takeProfit: 110 })],
    });
    expect(long.trades.length + long.decisions.length).toBeGreaterThan(0);
  });

  it('fillEntryRequest asks for an entry of any side but a crypto sell', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AssetClass>('crypto', 'stock'),
        fc.constantFrom<Side>('buy', 'sell'),
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        (assetClass, side, entry) => {
          const req = blankRequest('X', assetClass);
          const asked = fillEntryRequest(
            req,
            { side, entry, edge: 0.01, expectedPnl: null },
            1e6,
            config.margin,
            0.5,
            entry,
            DEFAULT_SIZING,
          );
          // 1e6 of equity is a margin account: only the asset class and side decide here.
          expect(asked).toBe(entryAllowed(assetClass, side, true));
          expect(asked).toBe(!(assetClass === 'crypto' && side === 'sell'));
        },
      ),
      { seed: 20261207, numRuns: 200 },
    );
  });

  it('matchSignals names the crypto symbols whose sell rows are ignored, and only those', () => {
    const rows = [signal(), signal(), signal({ symbol: 'AAPL' }), signal({ side: 'buy', takeProfit: 110 })];
    const { signals, warnings } = matchSignals(rows, ['ETHUSD', 'AAPL'], new Set(['ETHUSD']));
    expect(signals).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ETHUSD (2 rows)');
    expect(warnings[0]).toContain('crypto shorts');
    expect(warnings[0]).not.toContain('AAPL');
    expect(matchSignals(rows, ['ETHUSD', 'AAPL']).warnings).toEqual([]);
  });
});
