import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { BarVenue } from '../../src/live/venue.js';
import type { OrderEvent } from '../../src/ports/venue.js';
import { series, type Bar } from '../support/bars.js';

/**
 * The replay venue works a stock limit as Alpaca works what placeLimit sends (core/calendar/order-hours.ts limitHours),
 * with extended hours: GTC in regular-session bars when placed in the session, a DAY order of its trading day
 * that expires at 20:00 New York when placed in an extended session, refused outside every session. Hourly
 * AAPL bars of Monday 2024-06-03 and Tuesday 2024-06-04 (EDT: the session is 13:30–20:00 UTC).
 */
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const bar = (t: string, l: number): Bar => ({ t, o: 100.3, h: 100.3, l, c: 100.3 });
const BARS: Bar[] = [
  bar('2024-06-03T18:00:00Z', 100.2), // 14:00 New York, regular
  bar('2024-06-03T19:00:00Z', 100.2),
  bar('2024-06-03T21:00:00Z', 99), // 17:00 New York, after hours: reaches 100
  bar('2024-06-04T08:00:00Z', 99), // 04:00 New York the next day, pre-market: reaches 100
  bar('2024-06-04T14:00:00Z', 99), // 10:00 New York, regular: reaches 100
];

function venueAt(time: { t: number }) {
  return new BarVenue({
    series: [series('AAPL', 'stock', BARS)],
    calendar: nyseCalendar(),
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    extendedHours: true,
    now: () => time.t,
  });
}

const buy = (id: string) =>
  ({ clientOrderId: id, symbol: 'AAPL', side: 'buy', role: 'entry', limitPrice: 100, qty: 1 }) as const;

describe('the replay venue works stock limits in the hours of the session they were placed in', () => {
  it('one placed in the session (GTC) skips the extended bars that reach it and fills in the next session', () => {
    const time = { t: at('2024-06-03T19:00:00Z') };
    const venue = venueAt(time);
    const placed = venue.place(buy('gtc'));
    if (!placed.ok) throw new Error(placed.reason);
    time.t = at('2024-06-04T09:00:00Z'); // the after-hours and pre-market bars have closed
    expect(venue.order(placed.order.id)!.status).toBe('open');
    time.t = at('2024-06-04T14:00:00Z') + H;
    expect(venue.order(placed.order.id)).toMatchObject({ status: 'filled', fillPrice: 100 });
  });

  it('one placed after hours expires at 20:00 and frees its buying power: no fill the next day', () => {
    const time = { t: at('2024-06-03T21:30:00Z') }; // 17:30 New York, inside the bar that reaches 100
    const venue = venueAt(time);
    const events: OrderEvent[] = [];
    venue.onEvent((e) => events.push(e));
    const placed = venue.place(buy('day'));
    if (!placed.ok) throw new Error(placed.reason);
    const held = venue.account().buyingPower;
    time.t = at('2024-06-04T00:00:00Z'); // 20:00 New York (the 21:00 UTC bar opened before it was placed)
    expect(venue.order(placed.order.id)!.status).toBe('expired');
    expect(events.map((e) => e.kind)).toEqual(['new', 'expired']);
    expect(venue.account().buyingPower).not.toEqual(held);
    time.t = at('2024-06-04T15:00:00Z');
    expect(venue.order(placed.order.id)!.status).toBe('expired');
    expect(venue.positions()).toEqual([]);
  });

  it('none is sent outside every session (21:00 New York)', () => {
    const time = { t: at('2024-06-04T01:00:00Z') };
    const placed = venueAt(time).place(buy('night'));
    expect(placed.ok).toBe(false);
    expect(!placed.ok && placed.reason).toContain('AAPL: not sent at 2024-06-04T01:00:00.000Z');
  });
});
