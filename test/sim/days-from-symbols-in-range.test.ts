import { describe, expect, it } from 'vitest';
import { newYorkDayNumber, nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { flat, series, type Bar } from '../support/bars.js';

const HOUR = 3_600_000;

/** Hourly stock bars of 04:00–20:00 New York time (EDT) on weekdays: the last one closes at 00:00Z. */
function stockHours(fromDay: string, days: number): Bar[] {
  const bars: Bar[] = [];
  const day0 = Date.parse(`${fromDay}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    const start = day0 + d * 24 * HOUR;
    const weekday = new Date(start).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let h = 8; h < 24; h++) {
      const p = 100 + ((d * 7 + h) % 5);
      bars.push({ t: start + h * HOUR, o: p, h: p + 1, l: p - 1, c: p });
    }
  }
  return bars;
}

/**
 * The days of a run (equity rows, margin interest) and its year (the √ of Sharpe) follow the symbols that
 * trade in its range. A crypto file that ends before the range trades nothing in it; counted, it made a run
 * of stocks alone take UTC days, so every Friday after-hours bar that closes at 00:00Z Saturday made a
 * Saturday row, and Sharpe took √365.
 */
describe('a symbol with no bars in the range', () => {
  const { config } = resolveConfig();
  const stock = series('AAPL', 'stock', stockHours('2024-04-01', 12));
  const crypto = series('SOLUSDT', 'crypto', flat('2024-03-01T00:00:00Z', 24 * 10, 150));
  const range = { from: Date.parse('2024-04-01T00:00:00Z'), to: Date.parse('2024-04-13T00:00:00Z') };

  it('does not make a stock run count UTC days or annualise with 365', () => {
    const out = simulate({ series: [crypto, stock], config, calendar: nyseCalendar(), ...range });
    const alone = simulate({ series: [stock], config, calendar: nyseCalendar(), ...range });
    expect(out.annualisationDays).toBe(252);
    // 2024-04-01 to 2024-04-12: ten sessions, a row each, none on a Saturday.
    const days = out.equity.map((r) => newYorkDayNumber(r.time - 1));
    expect(days).toHaveLength(10);
    expect(new Set(days).size).toBe(10);
    expect(days.filter((d) => [0, 6].includes(new Date(d * 86_400_000).getUTCDay()))).toEqual([]);
    expect(out.equity).toEqual(alone.equity);
  });

  it('a crypto symbol with bars in the range still makes the run count UTC days', () => {
    const inRange = series('SOLUSDT', 'crypto', flat('2024-04-01T00:00:00Z', 24 * 12, 150));
    const out = simulate({ series: [inRange, stock], config, calendar: nyseCalendar(), ...range });
    expect(out.annualisationDays).toBe(365);
    expect(out.equity.length).toBeGreaterThanOrEqual(12);
  });
});
