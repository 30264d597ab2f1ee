import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { OrderEvent } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { ReplayBroker, ReplayMarketData } from '../../src/live/replay-broker.js';
import { Runtime } from '../../src/live/runtime.js';
import type { LiveSignal, SignalSource } from '../../src/live/signals-source.js';
import { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';

/**
 * The run loop over an order stream with gaps: any order event may be lost, and a reconnect then tells the
 * runtime to reconcile (`resync`), as Alpaca's trade_updates stream does. Whatever was lost, every filled
 * entry ends with exactly one take-profit of ours for its whole position, and the store knows the fill.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-gap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HALF_HOUR = 1_800_000;
const OPEN = Date.parse('2024-03-05T14:30:00Z');
const CLOSE = Date.parse('2024-03-05T21:00:00Z');
const SYMBOLS = ['DDD', 'EEE'];
const BARS = Math.round((CLOSE - OPEN) / HALF_HOUR);

/** Half-hour stock bars at 100 whose low dips to 99 in bar `dip` (an entry at 99.6 fills there). */
function bars(symbol: string, dip: number): BarSeries {
  const flat = (v: number) => new Float64Array(BARS).fill(v);
  const low = flat(99.8);
  low[dip] = 99;
  return {
    symbol,
    assetClass: 'stock',
    intervalMs: HALF_HOUR,
    time: Float64Array.from({ length: BARS }, (_, i) => OPEN + i * HALF_HOUR),
    open: flat(100),
    high: flat(100.2),
    low,
    close: flat(100),
    volume: flat(1000),
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/** A buy signal per symbol, valid all day: entry 99.6, take-profit 102 (never reached). */
class FixedSignals implements SignalSource {
  async refresh(): Promise<void> {}
  current(symbol: string): LiveSignal | null {
    return {
      key: `${symbol}-1`,
      side: 'buy',
      entry: 99.6,
      takeProfit: 102,
      expectedPnl: 100,
      edge: 102 / 99.6 - 1,
      validUntil: Number.POSITIVE_INFINITY,
    };
  }
  consume(): void {}
  close(): void {}
}

/** The n-th order event is lost when `lost[n]` says so; the reconnect after it asks for a reconcile. */
class GappyBroker extends ReplayBroker {
  private events = 0;
  constructor(
    venue: BarVenue,
    private readonly lost: readonly boolean[],
  ) {
    super(venue);
  }
  override onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    return super.onOrderEvent((event) => {
      if (!this.lost[this.events++ % this.lost.length]) listener(event);
      else listener({ kind: 'resync' });
    });
  }
}

let runs = 0;

async function tradeDay(lost: readonly boolean[], dips: readonly number[]) {
  const db = join(dir, `run${runs++}.sqlite`);
  const config = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { feesBps: 0 },
          live: { initialEquity: 100_000, orderFraction: 0.1, pollSec: 900, stateDb: db },
        },
      },
    ],
  }).config;
  const calendar = nyseCalendar();
  const time = new DecisionTime(new AcceleratedClock(OPEN, 1e9), OPEN);
  const venue = new BarVenue({
    series: SYMBOLS.map((s, i) => bars(s, dips[i]!)),
    calendar,
    cash: config.live.initialEquity,
    feeRate: 0,
    patternDayTrader: true,
    margin: config.margin,
    now: () => time.now(),
  });
  const store = new LiveStore(db);
  const runtime = new Runtime({
    config,
    broker: new GappyBroker(venue, lost),
    marketData: new ReplayMarketData(venue),
    signals: new FixedSignals(),
    time,
    calendar,
    store,
    metrics: new LiveMetrics(),
    log: new Logger([new MemorySink()]),
    symbols: SYMBOLS.map((symbol) => ({ symbol, assetClass: 'stock' as const })),
    runTag: `gap${runs}`,
    start: OPEN,
    end: CLOSE - HALF_HOUR,
  });
  await runtime.start();
  expect(await runtime.run()).toBe('end');
  await runtime.stop('end-of-data', false);
  const fills = SYMBOLS.map((s) => store.lastEntryFill(s));
  store.close();
  return { venue, fills };
}

describe('the run loop when order events are lost in a stream gap', () => {
  it('arms exactly one take-profit for every filled entry, and the store knows the fill', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 2, max: BARS - 4 }), { minLength: 2, maxLength: 2 }),
        async (lost, dips) => {
          const { venue, fills } = await tradeDay(lost, dips);
          const positions = venue.positions();
          expect(positions.map((p) => p.symbol).sort()).toEqual(SYMBOLS);
          for (const p of positions) {
            const tps = venue.openOrders().filter((o) => o.symbol === p.symbol && o.role === 'take-profit');
            expect(tps.map((o) => ({ side: o.side, qty: o.qty, limit: o.limitPrice }))).toEqual([
              { side: 'sell', qty: p.qty, limit: 102 },
            ]);
          }
          expect(fills.map((f) => f?.fillPrice)).toEqual([99.6, 99.6]);
        },
      ),
      { seed: 20261205, numRuns: 10, endOnFailure: true },
    );
  });
});
