import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchAlpaca, launchReplay, type LiveSession } from '../../src/live/launch.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { FakeAlpaca } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';
import { replayTestConfig } from '../support/replay-runtime.js';

/**
 * The same price path through two brokers: the in-process replay broker, and the Alpaca adapter talking
 * HTTP and WebSocket to the fake Alpaca server whose fills come from the same bars on the same clock.
 * The coordinator must decide exactly the same things in the same order.
 */
const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'databento-nasdaq-tejasraj15/MSFT_1h.csv',
];
/** Three days of winter time; with extended hours three of summer time, when AAPL's last bar closes at 20:00 New York. */
const WINDOWS = {
  regular: { from: Date.parse('2024-03-04T00:00:00Z'), to: Date.parse('2024-03-07T00:00:00Z') },
  extended: { from: Date.parse('2024-06-03T00:00:00Z'), to: Date.parse('2024-06-06T00:00:00Z') },
};
const dir = mkdtempSync(join(tmpdir(), 'worksteal-equiv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Alpaca's names for the pairs (the files say SOLUSDT; the user maps USDT data onto USD pairs). */
async function alpacaSeries(): Promise<BarSeries[]> {
  const loaded = await loadReal(FILES);
  return loaded.map((l) => ({
    ...l.series,
    symbol: l.series.assetClass === 'crypto' ? l.series.symbol.replace(/USDT$/, '/USD') : l.series.symbol,
  }));
}

function config(db: string, extendedHours: boolean) {
  return replayTestConfig(join(dir, db), { extendedHours });
}

async function runToEnd(session: LiveSession): Promise<void> {
  expect(await session.runtime.run()).toBe('end');
  await session.runtime.stop('end-of-data', false);
  await session.close();
}

function decisions(db: string): string[] {
  const d = new Database(join(dir, db), { readonly: true });
  const rows = d
    .prepare('SELECT time, symbol, action, reason, victim_symbols, outcome FROM decisions ORDER BY id')
    .all() as Record<string, unknown>[];
  d.close();
  return rows.map(
    (r) =>
      `${new Date(Number(r.time)).toISOString()} ${String(r.symbol)} ${String(r.action)} ${String(r.reason)} ${String(r.victim_symbols)} ${String(r.outcome)}`,
  );
}

/**
 * With `extendedHours` the runtime over Alpaca must hold a stock back (`market-closed`) exactly where the
 * adapter would refuse to send it (outside every session), as the replay does: a steal decided there would
 * cancel its victims for an order that is never sent. So its calendar (Alpaca's /v2/calendar) must tell the
 * sessions of each day, not only whether the regular session is open.
 */
describe.each([false, true])(
  'replay broker and Alpaca adapter on one price path (extendedHours %s)',
  (extendedHours) => {
    it('give the same decision sequence, with places, steals and blocks', async () => {
      const series = await alpacaSeries();
      const log = new Logger([new MemorySink()]);
      const { from: FROM, to: TO } = WINDOWS[extendedHours ? 'extended' : 'regular'];
      const db = (name: string) => `${name}-${extendedHours ? 'extended' : 'regular'}.sqlite`;

      const replayCfg = config(db('replay'), extendedHours);
      const replayTime = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
      await runToEnd(
        await launchReplay({
          config: replayCfg,
          env: {},
          log,
          series,
          from: FROM,
          to: TO,
          http: false,
          time: replayTime,
        }),
      );

      const alpacaCfg = config(db('alpaca'), extendedHours);
      const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
      const venue = new BarVenue({
        series,
        calendar: nyseCalendar(),
        extendedHours,
        cash: alpacaCfg.live.initialEquity,
        feeRate: 0,
        patternDayTrader: alpacaCfg.patternDayTrader,
        margin: alpacaCfg.margin,
        marginRatePerYear: alpacaCfg.marginRatePerYear,
        now: () => time.now(),
      });
      // Its prices change only at bar closes, as the replay's: the runtime is asked at the same polls.
      const fake = new FakeAlpaca({
        venue,
        keyId: 'PKTESTKEY0001',
        secret: 'test-secret-0001',
        quoteTime: 'bar-close',
      });
      await fake.start();
      try {
        await runToEnd(
          await launchAlpaca({
            config: alpacaCfg,
            env: {
              ALPACA_API_KEY_ID: 'PKTESTKEY0001',
              ALPACA_API_SECRET_KEY: 'test-secret-0001',
              WORKSTEAL_ALPACA_URL: fake.url,
              WORKSTEAL_ALPACA_DATA_URL: fake.url,
              WORKSTEAL_ALPACA_STREAM_URL: fake.streamUrl,
            },
            log,
            symbols: series.map((s) => s.symbol),
            to: TO,
            http: false,
            time,
          }),
        );
      } finally {
        await fake.close();
      }

      const viaReplay = decisions(db('replay'));
      const viaAlpaca = decisions(db('alpaca'));
      const actions = new Set(viaReplay.map((d) => d.split(' ')[2]));
      expect(actions).toContain('place');
      expect(actions).toContain('steal');
      expect(actions).toContain('block');
      expect(viaAlpaca).toEqual(viaReplay);
      // No order was ever sent twice under one client order id.
      expect([...fake.created.values()].every((n) => n === 1)).toBe(true);
    });
  },
);
