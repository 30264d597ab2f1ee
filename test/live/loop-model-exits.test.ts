import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { CancelResult, PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import type { MarketOrderRequest } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { ReplayBroker, ReplayMarketData } from '../../src/live/replay-broker.js';
import { Runtime } from '../../src/live/runtime.js';
import type { LiveSignal, SignalSource } from '../../src/live/signals-source.js';
import { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';

/**
 * The run loop's exits when a cancel is not confirmed (Alpaca's cancel timed out, or it was refused): a time
 * stop must not send a sell for the whole position while the take-profit it cancelled may still rest, or
 * both can trade and a long is sold through to a short. Checked at every sell we send: our resting sells and
 * this one never exceed the long the venue holds.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-exits-'));
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

/**
 * The n-th cancel goes unconfirmed (the order stays on the book) when `unconfirmed[n]` says so; every sell
 * sent is checked against the long it closes.
 */
class UnsureBroker extends ReplayBroker {
  private cancels = 0;
  readonly oversold: string[] = [];
  constructor(
    private readonly book: BarVenue,
    private readonly unconfirmed: readonly boolean[],
  ) {
    super(book);
  }
  override async cancel(orderId: string): Promise<CancelResult> {
    if (this.unconfirmed[this.cancels++ % this.unconfirmed.length])
      return { status: 'rejected', reason: `the cancel of ${orderId} was not confirmed` };
    return super.cancel(orderId);
  }
  private check(symbol: string, side: string, qty: number): void {
    if (side !== 'sell') return;
    const long = this.book.positions().find((p) => p.symbol === symbol)?.qty ?? 0;
    const resting = this.book
      .openOrders()
      .filter((o) => o.symbol === symbol && o.side === 'sell')
      .reduce((sum, o) => sum + o.qty - o.filledQty, 0);
    if (resting + qty > long + 1e-9)
      this.oversold.push(`${symbol}: sells ${resting} + ${qty} on a long of ${long}`);
  }
  override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    this.check(request.symbol, request.side, request.qty);
    return super.placeLimit(request);
  }
  override async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    this.check(request.symbol, request.side, request.qty);
    return super.placeMarket(request);
  }
}

let runs = 0;

async function tradeDay(unconfirmed: readonly boolean[], dips: readonly number[]) {
  const db = join(dir, `run${runs++}.sqlite`);
  const config = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { feesBps: 0, timeStopHours: 1 },
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
  const broker = new UnsureBroker(venue, unconfirmed);
  const runtime = new Runtime({
    config,
    broker,
    marketData: new ReplayMarketData(venue),
    signals: new FixedSignals(),
    time,
    calendar,
    store,
    metrics: new LiveMetrics(),
    log: new Logger([new MemorySink()]),
    symbols: SYMBOLS.map((symbol) => ({ symbol, assetClass: 'stock' as const })),
    runTag: `exits${runs}`,
    start: OPEN,
    end: CLOSE - HALF_HOUR,
  });
  await runtime.start();
  expect(await runtime.run()).toBe('end');
  await runtime.stop('end-of-data', false);
  store.close();
  return broker.oversold;
}

describe('the run loop when a cancel is not confirmed', () => {
  it('never sends a sell that, with our resting sells, exceeds the long', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 2, max: BARS - 4 }), { minLength: 2, maxLength: 2 }),
        async (unconfirmed, dips) => {
          expect(await tradeDay(unconfirmed, dips)).toEqual([]);
        },
      ),
      { seed: 20261205, numRuns: 10, endOnFailure: true },
    );
  });
});
