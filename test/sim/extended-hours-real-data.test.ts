import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate, type LimitFill } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';
import { newYorkWall } from '../support/new-york-wall.js';

/**
 * On real AAPL and MSFT hourly bars with pre- and after-market bars (databento, 2021-03 → 2026-03), with
 * `extendedHours` and the built-in forecaster: no stock limit ever fills outside the hours Alpaca works it
 * in (README "The model: assumptions and limits"), the rule stated here apart from the code that applies it,
 * with New York wall time from the platform's time zone database (Intl) rather than src/core/calendar/dst.ts:
 * - placed while the regular session is open (09:30 to the close): GTC, fills in a bar that opens in a
 *   regular session, on that day or later;
 * - placed in the pre-market (04:00–09:30) or after hours (the close to 20:00, 17:00 after an early close):
 *   a DAY limit, fills only in a bar that opens on the same New York day, from 04:00, before its lapse;
 * - never placed outside those hours.
 * Only the trading days and their closes come from the calendar (checked in test/core/calendar*.test.ts).
 */
const calendar = nyseCalendar();
const FILES = ['databento-nasdaq-tejasraj15/AAPL_1h.csv', 'databento-nasdaq-tejasraj15/MSFT_1h.csv'];

/** New York date (YYYY-MM-DD) and minutes after midnight. */
function newYork(t: number): { day: string; minute: number } {
  const [day, clock] = newYorkWall(t).split(' ') as [string, string];
  return { day, minute: Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5)) };
}

/** The regular close of a New York day in minutes after midnight (780 on an early close); null: no session. */
function closeMinute(day: string): number | null {
  const session = calendar.sessionFor(day);
  return session ? newYork(session.close).minute : null;
}

const OPEN = 9 * 60 + 30;
const PRE_MARKET = 4 * 60;

function ruleBroken(f: LimitFill): string | null {
  const placed = newYork(f.placedAt);
  const bar = newYork(f.barOpen);
  const at = `${f.symbol} ${f.role} placed ${new Date(f.placedAt).toISOString()} filled in the bar of ${new Date(f.barOpen).toISOString()}`;
  const placedClose = closeMinute(placed.day);
  if (f.barOpen < f.placedAt) return `${at}: the bar opened before the order`;
  if (placedClose === null) return `${at}: placed on a day without a session`;
  if (placed.minute >= OPEN && placed.minute < placedClose) {
    const barClose = closeMinute(bar.day);
    return barClose !== null && bar.minute >= OPEN && bar.minute < barClose
      ? null
      : `${at}: a GTC limit outside the regular session`;
  }
  const afterHoursEnd = Math.min(placedClose + 240, 20 * 60);
  if (placed.minute < PRE_MARKET || placed.minute >= afterHoursEnd)
    return `${at}: placed outside every session`;
  if (bar.day !== placed.day) return `${at}: a DAY limit on a later day`;
  if (bar.minute < PRE_MARKET || bar.minute >= afterHoursEnd)
    return `${at}: a DAY limit at or after its lapse`;
  return null;
}

describe('real AAPL and MSFT bars with extended hours: every limit fills in its hours', () => {
  it('property: over random windows and forecaster settings, no fill breaks the rule', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const first = Date.parse('2021-03-15T00:00:00Z');
    const days = Math.floor((Date.parse('2026-03-01T00:00:00Z') - first) / 86_400_000) - 120;
    const dayOf = (date: string): number => (Date.parse(`${date}T00:00:00Z`) - first) / 86_400_000;
    // The first runs, whatever the seed: windows from 20 days before the early closes of 2023-07-03 and
    // 2021-11-26, in which DAY limits placed outside the regular session of those days fill, and the second
    // window again under other forecaster settings, one of the busiest (94 fills, 45 of them DAY limits).
    const examples: [number, number, number, number][] = [
      [dayOf('2023-06-13'), 120, 6, 8],
      [dayOf('2021-11-06'), 120, 3, 8],
      [dayOf('2021-11-06'), 120, 6, 8],
    ];
    const seen = { fills: 0, day: 0, lapseDay: 0, earlyClose: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: days }),
        fc.integer({ min: 30, max: 120 }),
        fc.constantFrom(1, 3, 6),
        fc.constantFrom(0, 8, 30),
        async (startDay, length, validBars, timeStopHours) => {
          const from = first + startDay * 86_400_000;
          const { config } = resolveConfig({
            layers: [
              {
                source: 'test',
                values: {
                  extendedHours: true,
                  sim: {
                    initialEquity: 40_000,
                    orderFraction: 0.4,
                    timeStopHours,
                    forecaster: { validBars },
                  },
                },
              },
            ],
          });
          const broken: string[] = [];
          simulate({
            series,
            config,
            calendar,
            from,
            to: from + length * 86_400_000,
            onLimitFill: (f) => {
              seen.fills++;
              const placed = newYork(f.placedAt);
              const close = closeMinute(placed.day);
              if (close !== null && (placed.minute < OPEN || placed.minute >= close)) {
                seen.day++;
                if (newYork(f.barOpen).minute >= close) seen.lapseDay++;
                if (close < 16 * 60) seen.earlyClose++;
              }
              const why = ruleBroken(f);
              if (why) broken.push(why);
            },
          });
          expect(broken).toEqual([]);
        },
      ),
      { seed: 372, numRuns: 30, examples },
    );
    // The windows filled many limits, DAY limits among them, some in the after-hours before their lapse.
    expect(seen.fills).toBeGreaterThan(400);
    expect(seen.day).toBeGreaterThan(150);
    expect(seen.lapseDay).toBeGreaterThan(15);
    expect(seen.earlyClose).toBeGreaterThan(0);
  }, 300_000);
});
