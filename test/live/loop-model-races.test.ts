import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/coordinator/broker.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { ReplayBroker, ReplayMarketData } from '../../src/live/replay-broker.js';
import { Runtime } from '../../src/live/runtime.js';
import type { LiveSignal, SignalSource } from '../../src/live/signals-source.js';
import { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';

/**
 * The run loop over a venue where any cancel may lose the race to a fill (Alpaca holds a cancel in
 * `pending_cancel`, and the order can still trade): whatever the race's outcomes, no long is sold through
 * to a short, and the end of day still leaves stock margin within the overnight requirement.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-races-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HALF_HOUR = 1_800_000;
const OPEN = Date.parse('2024-03-05T14:30:00Z');
const CLOSE = Date.parse('2024-03-05T21:00:00Z');
const SYMBOLS = ['AAA', 'BBB', 'CCC'];

/** Flat half-hour stock bars at 100 over one session: no resting limit ever fills by itself. */
function bars(symbol: string): BarSeries {
  const n = Math.round((CLOSE - OPEN) / HALF_HOUR);
  const flat = (v: number) => new Float64Array(n).fill(v);
  return {
    symbol,
    assetClass: 'stock',
    intervalMs: HALF_HOUR,
    time: Float64Array.from({ length: n }, (_, i) => OPEN + i * HALF_HOUR),
    open: flat(100),
    high: flat(100.2),
    low: flat(99.8),
    close: flat(100),
    volume: flat(1000),
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/** One buy signal for CCC, valid all day: a stock entry that the end-of-day window cancels. */
class FixedSignals implements SignalSource {
  async refresh(): Promise<void> {}
  current(symbol: string): LiveSignal | null {
    if (symbol !== 'CCC') return null;
    return {
      key: 'CCC-1',
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

/** The n-th cancel of the run loses the race to a fill at the order's limit when `fillsFirst[n]` says so. */
class RacingBroker extends ReplayBroker {
  private cancels = 0;
  constructor(
    private readonly book: BarVenue,
    private readonly fillsFirst: readonly boolean[],
  ) {
    super(book);
  }
  override async cancel(orderId: string): Promise<CancelResult> {
    const order = this.book.order(orderId);
    if (order && this.fillsFirst[this.cancels++ % this.fillsFirst.length])
      this.book.fillNow(orderId, order.limitPrice);
    return super.cancel(orderId);
  }
}

let runs = 0;

/**
 * A pattern-day-trader account holding 250,000 of stock on 85,000 of equity (AAA bought at 110, BBB at 100),
 * 125,000 of margin at 2x overnight, each position held by a take-profit of ours for all of it.
 */
async function tradeDay(fillsFirst: readonly boolean[], takeProfit: number) {
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
    series: SYMBOLS.map(bars),
    calendar,
    cash: config.live.initialEquity,
    feeRate: 0,
    patternDayTrader: true,
    margin: config.margin,
    now: () => time.now(),
  });
  for (const [symbol, qty, price] of [
    ['AAA', 1500, 110],
    ['BBB', 1000, 100],
  ] as const) {
    const placed = venue.place({
      clientOrderId: `seed-${symbol}`,
      symbol,
      side: 'buy',
      role: 'entry',
      limitPrice: price,
      qty,
    });
    if (!placed.ok) throw new Error(placed.reason);
    venue.fillNow(placed.order.id, price);
    const tp = { clientOrderId: `seed-tp-${symbol}`, symbol, side: 'sell', role: 'take-profit' } as const;
    if (!venue.place({ ...tp, limitPrice: takeProfit, qty }).ok)
      throw new Error(`no take-profit for ${symbol}`);
  }
  const store = new LiveStore(db);
  const runtime = new Runtime({
    config,
    broker: new RacingBroker(venue, fillsFirst),
    marketData: new ReplayMarketData(venue),
    signals: new FixedSignals(),
    time,
    calendar,
    store,
    metrics: new LiveMetrics(),
    log: new Logger([new MemorySink()]),
    symbols: SYMBOLS.map((symbol) => ({ symbol, assetClass: 'stock' as const })),
    runTag: `races${runs}`,
    start: OPEN,
    end: CLOSE + HALF_HOUR,
  });
  await runtime.start();
  expect(await runtime.run()).toBe('end');
  await runtime.stop('end-of-data', false);
  store.close();
  return venue;
}

describe('the run loop when a cancel can lose the race to a fill', () => {
  it('never sells a long through to a short, and ends the day within the overnight requirement', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(100.5, 101, 105),
        async (fillsFirst, takeProfit) => {
          const venue = await tradeDay(fillsFirst, takeProfit);
          const positions = venue.positions();
          for (const p of positions)
            expect({ symbol: p.symbol, qty: p.qty }).toEqual({ symbol: p.symbol, qty: Math.max(0, p.qty) });
          const notional = positions.reduce((sum, p) => sum + Math.abs(p.qty) * 100, 0);
          expect(notional * 0.5).toBeLessThanOrEqual(venue.account().equity + 1e-6);
        },
      ),
      { seed: 20261205, numRuns: 12, endOnFailure: true },
    );
  });
});
