import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limitHours, nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { launchAlpaca } from '../../src/live/launch.js';
import { BarVenue } from '../../src/live/venue.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { request } from '../support/builders.js';
import { FakeAlpaca } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';

/**
 * `worksteal run` over Alpaca with `extendedHours`: the coordinator decides on the calendar the runtime
 * fetched from Alpaca (/v2/calendar), and must hold a stock back (`market-closed`) exactly when the adapter
 * would refuse to send it, outside every session (core/calendar/order-hours.ts limitHours). A calendar that
 * only tells whether the regular session is open let a stock through at any hour: a steal decided overnight
 * cancelled its victims for an order the adapter then refused. Instants in June 2024 (EDT, UTC−4).
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-alpaca-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AT = {
  preMarket: Date.parse('2024-06-04T09:00:00Z'), // 05:00 New York
  regular: Date.parse('2024-06-04T15:00:00Z'), // 11:00
  afterHours: Date.parse('2024-06-04T22:00:00Z'), // 18:00
  evening: Date.parse('2024-06-05T00:00:00Z'), // 20:00: after-hours are over
  night: Date.parse('2024-06-05T02:00:00Z'), // 22:00
  earlyCloseEvening: Date.parse('2024-07-03T21:30:00Z'), // 17:30 after a 13:00 close
  holiday: Date.parse('2024-07-04T15:00:00Z'), // Independence Day, 11:00
};

async function decideAt(now: number): Promise<string> {
  const series = (await loadReal(['databento-nasdaq-tejasraj15/AAPL_1h.csv'])).map((l) => l.series);
  const config = resolveConfig({
    layers: [
      {
        source: 'test',
        values: { extendedHours: true, live: { initialEquity: 10_000, stateDb: join(dir, `${now}.sqlite`) } },
      },
    ],
  }).config;
  const time = new DecisionTime(new AcceleratedClock(now, 1), now);
  const venue = new BarVenue({
    series,
    calendar: nyseCalendar(),
    extendedHours: true,
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: config.margin,
    now: () => time.now(),
  });
  const fake = new FakeAlpaca({ venue, keyId: 'PKTESTKEY0002', secret: 'test-secret-0002' });
  await fake.start();
  try {
    const session = await launchAlpaca({
      config,
      env: {
        ALPACA_API_KEY_ID: 'PKTESTKEY0002',
        ALPACA_API_SECRET_KEY: 'test-secret-0002',
        WORKSTEAL_ALPACA_URL: fake.url,
        WORKSTEAL_ALPACA_DATA_URL: fake.url,
        WORKSTEAL_ALPACA_STREAM_URL: fake.streamUrl,
      },
      log: new Logger([new MemorySink()]),
      symbols: ['AAPL'],
      http: false,
      time,
    });
    try {
      return session.runtime.coordinator.decide(request({ symbol: 'AAPL', price: 100, limitPrice: 100 }))
        .reason;
    } finally {
      await session.close();
    }
  } finally {
    await fake.close();
  }
}

describe('the runtime over Alpaca holds a stock back exactly where the adapter would not send it', () => {
  it.each(Object.entries(AT))('%s', async (_, now) => {
    const refused = limitHours('stock', now, nyseCalendar(), true).works === 'refused';
    const reason = await decideAt(now);
    expect(reason === 'market-closed', `${new Date(now).toISOString()}: ${reason}`).toBe(refused);
  });
});
