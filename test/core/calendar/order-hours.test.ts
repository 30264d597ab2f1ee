import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coordinator } from '../../../src/coordinator/coordinator.js';
import {
  limitHours,
  limitWorksInBar,
  nyseCalendar,
  stockSessionAt,
  type LimitHours,
} from '../../../src/core/calendar/index.js';
import { config, request } from '../../support/builders.js';

/**
 * The hours a stock limit works in, by the instant it goes out (core/calendar/order-hours.ts limitHours, the
 * rule the Alpaca broker sends by and the simulator and replay venue fill by), at the edges of the sessions:
 * 04:00, 09:30, 16:00 and 20:00 New York to the millisecond, in winter and summer time, on the Monday after
 * each DST switch, on early-close days (after-hours until 17:00) and holidays. And the coordinator, which
 * decides before the broker sends, calls `market-closed` exactly the instants the rule refuses: no victim is
 * ever cancelled for an order the broker would not send, and no sendable stock order is held back.
 */
const calendar = nyseCalendar();
const MIN = 60_000;

/** Instants are written in UTC, the New York wall time beside them: checked apart from dst.ts. */
const at = (iso: string): number => Date.parse(iso);
const kind = (h: LimitHours): string =>
  h.works === 'day' ? `day until ${new Date(h.lapsesAt).toISOString()}` : h.works;
const stockHours = (t: number): string => kind(limitHours('stock', t, calendar, true));

describe('limitHours at the edges of the sessions', () => {
  it.each([
    // A winter Wednesday (UTC−5).
    ['2025-01-15T08:59:59.999Z', 'refused'], // 03:59:59.999
    ['2025-01-15T09:00:00.000Z', 'day until 2025-01-16T01:00:00.000Z'], // 04:00: pre-market, lapses 20:00
    ['2025-01-15T14:29:59.999Z', 'day until 2025-01-16T01:00:00.000Z'], // 09:29:59.999
    ['2025-01-15T14:30:00.000Z', 'regular'], // 09:30: the open, GTC
    ['2025-01-15T20:59:59.999Z', 'regular'], // 15:59:59.999
    ['2025-01-15T21:00:00.000Z', 'day until 2025-01-16T01:00:00.000Z'], // 16:00: after hours
    ['2025-01-16T00:59:59.999Z', 'day until 2025-01-16T01:00:00.000Z'], // 19:59:59.999
    ['2025-01-16T01:00:00.000Z', 'refused'], // 20:00: outside every session
    // A summer Wednesday (UTC−4).
    ['2024-06-05T08:00:00.000Z', 'day until 2024-06-06T00:00:00.000Z'], // 04:00
    ['2024-06-05T13:30:00.000Z', 'regular'], // 09:30
    ['2024-06-05T20:00:00.000Z', 'day until 2024-06-06T00:00:00.000Z'], // 16:00
    ['2024-06-06T00:00:00.000Z', 'refused'], // 20:00
    // The Mondays after the switches: summer time from 2024-03-10, winter time from 2024-11-03.
    ['2024-03-11T07:59:59.999Z', 'refused'], // 03:59:59.999 EDT
    ['2024-03-11T08:00:00.000Z', 'day until 2024-03-12T00:00:00.000Z'], // 04:00 EDT
    ['2024-03-11T13:30:00.000Z', 'regular'],
    ['2024-11-04T08:59:59.999Z', 'refused'], // 03:59:59.999 EST
    ['2024-11-04T09:00:00.000Z', 'day until 2024-11-05T01:00:00.000Z'],
    ['2024-11-04T14:30:00.000Z', 'regular'],
    // The day after Thanksgiving and Christmas Eve 2024: a 13:00 close, after hours until 17:00.
    ['2024-11-29T17:59:59.999Z', 'regular'], // 12:59:59.999
    ['2024-11-29T18:00:00.000Z', 'day until 2024-11-29T22:00:00.000Z'], // 13:00
    ['2024-11-29T09:00:00.000Z', 'day until 2024-11-29T22:00:00.000Z'], // 04:00: lapses at 17:00 too
    ['2024-11-29T21:59:59.999Z', 'day until 2024-11-29T22:00:00.000Z'], // 16:59:59.999
    ['2024-11-29T22:00:00.000Z', 'refused'], // 17:00
    ['2024-12-24T18:00:00.000Z', 'day until 2024-12-24T22:00:00.000Z'],
    ['2024-12-24T22:00:00.000Z', 'refused'],
    // July 3, 2024 (summer time): 13:00 close, after hours until 17:00 EDT.
    ['2024-07-03T17:00:00.000Z', 'day until 2024-07-03T21:00:00.000Z'],
    ['2024-07-03T21:00:00.000Z', 'refused'],
    // Holidays and a weekend: no session at all.
    ['2024-11-28T15:00:00.000Z', 'refused'], // Thanksgiving, 10:00
    ['2024-12-25T10:00:00.000Z', 'refused'], // Christmas, 05:00
    ['2024-06-08T14:00:00.000Z', 'refused'], // a Saturday, 10:00
  ])('%s: %s', (time, expected) => {
    expect(stockHours(at(time))).toBe(expected);
  });

  it('crypto works in every bar, and a stock with extended hours off is GTC in regular bars at any hour', () => {
    for (const t of [at('2025-01-16T01:00:00Z'), at('2024-11-28T15:00:00Z'), at('2025-01-15T09:00:00Z')]) {
      expect(kind(limitHours('crypto', t, calendar, true))).toBe('any');
      expect(kind(limitHours('stock', t, calendar, false))).toBe('regular');
    }
  });

  it('a DAY limit works in its day’s sessions only, up to the bar that opens at its lapse', () => {
    const h = limitHours('stock', at('2024-11-29T09:00:00Z'), calendar, true); // 04:00, lapses 17:00
    const works = (iso: string) => limitWorksInBar(h, at(iso), calendar);
    expect(works('2024-11-29T09:00:00Z')).toBe(true); // 04:00 pre-market
    expect(works('2024-11-29T15:00:00Z')).toBe(true); // 10:00 regular
    expect(works('2024-11-29T21:00:00Z')).toBe(true); // 16:00 after hours, opens before 17:00
    expect(works('2024-11-29T22:00:00Z')).toBe(false); // 17:00: lapsed
    expect(works('2024-12-02T15:00:00Z')).toBe(false); // the next trading day
  });
});

describe('property: the coordinator holds back a stock exactly when the broker would refuse it', () => {
  it('at random instants of 2021-2026, to the minute and at the session edges', () => {
    const coordinatorAt = (now: number) =>
      new Coordinator({
        config: config({ extendedHours: true }),
        clock: { now: () => now },
        calendar,
        account: { equity: 100_000, patternDayTrader: false },
      });
    const first = at('2021-01-04T00:00:00Z');
    const days = 5 * 365;
    // Instants near the edges (04:00, 09:30, 13:00, 16:00, 17:00, 20:00 New York in either offset, ±1 ms)
    // and anywhere in the day.
    const edge = fc
      .record({
        day: fc.integer({ min: 0, max: days }),
        utcMinute: fc.constantFrom(
          8 * 60,
          9 * 60,
          13 * 60 + 30,
          14 * 60 + 30,
          17 * 60,
          18 * 60,
          20 * 60,
          21 * 60,
        ),
        dayShift: fc.constantFrom(0, 1),
        ms: fc.constantFrom(-1, 0, 1),
      })
      .map((e) => first + e.day * 86_400_000 + e.dayShift * 4 * 60 * MIN + e.utcMinute * MIN + e.ms);
    const anywhere = fc.integer({ min: 0, max: days * 1440 }).map((m) => first + m * MIN);
    let counted = { regular: 0, day: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(edge, anywhere), (now) => {
        const hours = limitHours('stock', now, calendar, true);
        const decision = coordinatorAt(now).decide(request({ symbol: 'AAPL', price: 100, limitPrice: 100 }));
        const label = `${new Date(now).toISOString()} (${stockSessionAt(now, calendar)}): ${decision.reason}`;
        expect(decision.reason === 'market-closed', label).toBe(hours.works === 'refused');
        expect(calendar.isRegularSession(now), label).toBe(hours.works === 'regular');
        counted = { ...counted, [hours.works]: counted[hours.works as keyof typeof counted] + 1 };
      }),
      { seed: 3720, numRuns: 3000 },
    );
    // Every kind was drawn.
    for (const [works, n] of Object.entries(counted)) expect(n, works).toBeGreaterThan(100);
  });
});
