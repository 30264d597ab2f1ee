import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { annualisationDays, summarize } from '../../src/sim/metrics.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';

/**
 * Sharpe and Sortino are annualised by the rows the equity curve has per year: a row per UTC day with a bar.
 * A stock-only portfolio has rows on trading days only, so √365 understated its ratios by about a sixth.
 */
describe('annualising the daily ratios', () => {
  const { config } = resolveConfig();
  const range = { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2024-01-01T00:00:00Z') };

  it('stocks only: about 252 equity rows a year, and the ratios use √252', async () => {
    const spy = (await loadReal([STOCK_FILES[3]!])).map((r) => r.series);
    const out = simulate({ series: spy, config, calendar: nyseCalendar(), ...range });
    expect(out.equity.length).toBeGreaterThan(240);
    expect(out.equity.length).toBeLessThan(260);
    expect(out.annualisationDays).toBe(252);
    const s = summarize(out);
    expect(s.annualisationDays).toBe(252);
    // The same curve at √365 is the old figure: the ratio of the two is √(252/365).
    const at365 = summarize({ ...out, annualisationDays: 365 });
    expect(s.sharpe).not.toBe(0);
    expect(s.sharpe / at365.sharpe).toBeCloseTo(Math.sqrt(252 / 365), 12);
    expect(s.sortino / at365.sortino).toBeCloseTo(Math.sqrt(252 / 365), 12);
  });

  it('any crypto in the book: a row every day, and √365 as before', async () => {
    const btc = (await loadReal([CRYPTO_FILES[0]!])).map((r) => r.series);
    const out = simulate({ series: btc, config, calendar: nyseCalendar(), ...range });
    expect(out.equity.length).toBeGreaterThan(360);
    expect(out.annualisationDays).toBe(365);
    expect(annualisationDays(['stock', 'crypto'])).toBe(365);
    expect(annualisationDays(['stock'])).toBe(252);
    // A summary of a curve that does not say (an older caller) keeps √365.
    const { annualisationDays: _given, ...bare } = out;
    expect(summarize(bare).sharpe).toBe(summarize(out).sharpe);
  });
});
